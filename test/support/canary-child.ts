// A bot process reduced to its canary, for the SIGKILL scenario of canary.real.test.ts: on the PostgreSQL in
// DATABASE_URL, the real Prometheus at PROMETHEUS_URL, the signed deploy webhook and the fake Slack at
// SLACK_API_URL, on the wall clock. With START_VERSION it starts that canary (/spark canary by the IC);
// without, it restores the unfinished one as a booting bot does. Then it runs its engine until the canary is
// finished and nothing of it is pending, and exits 0.
//
// stdout, one line each: `up <json>` once the canary is started or restored (its stage, hold end and this
// process's clock then), `done <status>` at the end.
import pino from 'pino';
import { systemClock } from '../../src/adapters/system-clock.ts';
import { readCanary, unfinishedCanary } from '../../src/app/canary/record.ts';
import { restoreCanaries, startCanary } from '../../src/app/canary/run.ts';
import { evidenceKeyFrom } from '../../src/evidence/key.ts';
import { outboxCounts } from '../../src/engine/outbox.ts';
import { openPostgres } from '../../src/store/postgres.ts';
import { canaryBot, IC, parseRigConfig } from './canary-rig.ts';

const env = process.env as Record<string, string>;
const config = parseRigConfig(JSON.parse(env.CANARY_CONFIG!));
const db = await openPostgres(env.DATABASE_URL!);
const bot = canaryBot({
  db,
  config,
  env,
  prometheusUrl: env.PROMETHEUS_URL!,
  evidence: { dir: env.EVIDENCE_DIR!, key: evidenceKeyFrom(env.EVIDENCE_SEED!) },
  chat: { slackUrl: env.SLACK_API_URL! },
  worker: `canary-child-${process.pid}`,
  // the engine-crash test's lease: a timer the killed process held is taken over within seconds, not a minute
  leaseMs: Number(env.LEASE_MS ?? 60_000),
  log: pino({ level: 'silent' }),
});

if (env.START_VERSION) {
  const said = await startCanary(bot.deps, { version: env.START_VERSION, actor: IC, channel: env.CHANNEL! });
  if (said) {
    process.stderr.write(`canary-child: ${said}\n`);
    process.exit(2);
  }
} else {
  await restoreCanaries(bot.deps);
}
const running = await unfinishedCanary(db);
const now = systemClock.now().getTime();
process.stdout.write(`up ${JSON.stringify({ runId: running?.id, status: running?.state.status, current: running?.state.current, now })}\n`);
const id = running?.id;
bot.engine.start();

for (;;) {
  await new Promise((r) => setTimeout(r, 100));
  const stored = id === undefined ? undefined : await readCanary(db, id);
  const [{ pending }] = (await db.query<{ pending: number }>("SELECT count(*)::int AS pending FROM timer WHERE state = 'pending' AND kind LIKE 'canary.%'")) as [{ pending: number }];
  const outbox = await outboxCounts(db, systemClock.now());
  if ((!stored || ['released', 'rolled-back', 'rollback-failed'].includes(stored.state.status)) && pending === 0 && outbox.pending === 0) {
    await bot.engine.stop();
    process.stdout.write(`done ${stored?.state.status ?? 'none'}\n`);
    break;
  }
}
await db.close();
