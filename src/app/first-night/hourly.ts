/**
 * Every hour of a first night (RITUAL §6, a wall-clock job on one replica): the platform's database health and
 * pgBouncer, read by the preflight's own checks, and the bot's resource usage, sealed as evidence of each version
 * whose first night is running. A check without a target is recorded as skipped, with the key to set.
 */
import { loadavg } from 'node:os';
import { writeEvidence } from '../../evidence/files.ts';
import { sealText } from '../../evidence/key.ts';
import { PREFLIGHT_CHECKS } from '../preflight/checks.ts';
import { OUTCOME } from '../preflight/evidence-text.ts';
import { runCheck, type PreflightDeps } from '../preflight/run.ts';

/** The preflight checks that say how the database and its pooler are doing. */
const HEALTH_CHECKS = ['pgbouncer', 'sequences', 'bloat'];
const BOT = 'spark-bot';
const MB = 1024 * 1024;

export type HourlyDeps = Pick<PreflightDeps, 'db' | 'clock' | 'config' | 'host' | 'evidence' | 'sources'>;

/** Seals one hourly file per running first night; returns the versions it wrote for. */
export async function hourlyEvidence(deps: HourlyDeps): Promise<string[]> {
  const nights = await deps.db.query<{ version: string; released_at: Date }>("SELECT DISTINCT version, released_at FROM first_night WHERE status = 'running'");
  const written: string[] = [];
  for (const night of nights) {
    const now = deps.clock.now();
    const ctx = { version: night.version, actor: BOT, host: deps.host, now: () => deps.clock.now(), config: deps.config, sources: deps.sources, seal: (text: string) => sealText(deps.evidence.key, text) };
    const checks = PREFLIGHT_CHECKS.filter((c) => HEALTH_CHECKS.includes(c.id));
    const findings = await Promise.all(checks.map(async (c) => ({ check: c, finding: await runCheck(c, ctx, deps.config.preflight.checkTimeout) })));
    const memory = process.memoryUsage();
    const hours = ((now.getTime() - night.released_at.getTime()) / 3_600_000).toFixed(1);
    const content = [
      `First night of ${night.version}, T+${hours} h (${now.toISOString()}), from ${deps.host}`,
      '',
      ...findings.flatMap(({ check, finding }) => [`## ${check.title}`, '', `Outcome: **${OUTCOME[finding.outcome]}** — ${finding.summary}`, '', ...finding.lines, '']),
      '## The bot',
      '',
      `RSS ${Math.round(memory.rss / MB)} MB · heap ${Math.round(memory.heapUsed / MB)}/${Math.round(memory.heapTotal / MB)} MB · load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
      '',
    ].join('\n');
    await deps.db.transaction((tx) =>
      writeEvidence(tx, deps.evidence, { version: night.version, kind: 'first-night-hourly', at: now, actor: BOT, title: `First night ${night.version}: hourly health at T+${hours} h`, content }),
    );
    written.push(night.version);
  }
  return written;
}
