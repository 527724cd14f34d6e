import { textCard } from '../../chat/card.ts';
import { redteamCard } from '../../chat/cards/redteam.ts';
import type { SparkConfig } from '../../config/schema.ts';
import type { Clock } from '../../domain/clock.ts';
import type { NameOf } from '../../domain/gonogo/types.ts';
import type { Finding } from '../../domain/preflight/finding.ts';
import { isComplete, openRun, recordFinding, supersede, tick, verdictOf, type ItemOutcome, type RedteamRun, type RedteamVerdict, type Tick } from '../../domain/redteam.ts';
import { enqueue } from '../../engine/outbox.ts';
import { appendAudit } from '../../evidence/audit.ts';
import { writeEvidence, type EvidenceStore } from '../../evidence/files.ts';
import type { Logger } from '../../log.ts';
import type { Db, Sql } from '../../store/db.ts';
import { isFirstDelivery } from '../deliveries.ts';
import { checkEvidence } from '../preflight/evidence-text.ts';
import { withTimeout } from '../timeout.ts';
import { runRedteamCheck, type RedteamCheck, type RedteamContext, type RedteamSources } from './check.ts';
import { REDTEAM_CHECKS } from './checks.ts';

export interface RedteamDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  config: SparkConfig;
  evidence: EvidenceStore;
  sources: RedteamSources;
  nameOf: NameOf;
  /** Tells the engine there is something new in the outbox. */
  wake: () => void;
}

export interface RedteamRequest {
  version: string;
  actor: string;
  channel: string;
  deliveryId?: string;
}

const ref = (id: number) => `redteam:${id}`;

interface StoredRun {
  channel: string;
  run: RedteamRun;
}

type RunRow = { id: number; channel: string; state: RedteamRun };

/** The run, locked until tx ends: a finding and a tick, or two ticks, are applied one after another. */
async function lockRun(tx: Sql, id: number): Promise<StoredRun | undefined> {
  const [row] = await tx.query<RunRow>('SELECT id, channel, state FROM redteam_run WHERE id = $1 FOR UPDATE', [id]);
  return row && { channel: row.channel, run: row.state };
}

const OUTCOME: Record<ItemOutcome, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skipped: 'SKIPPED', open: 'OPEN' };
const cell = (text: string) => text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');

/** The summary evidence: every item with its outcome, note, who and when; an automated item's evidence file and sha256. */
function summaryEvidence(id: number, run: RedteamRun, nameOf: NameOf): string {
  const { verdict, counts } = verdictOf(run);
  const who = (user: string) => `${nameOf(user)} (${user})`;
  return [
    `Run ${id} · started by ${who(run.startedBy)} · ${run.startedAt} → ${run.finishedAt ?? 'open'}`,
    '',
    `Verdict: **${verdict}** — ${counts.pass} pass, ${counts.warn} warn, ${counts.fail} fail, ${counts.skipped} skipped`,
    '',
    '| # | item | kind | outcome | note | by | at | evidence | sha256 |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...run.items.map(
      (i) =>
        `| ${i.number} | ${cell(i.title)} | ${i.kind} | ${OUTCOME[i.outcome]} | ${cell(i.note ?? '')} | ${i.by ? cell(who(i.by)) : 'spark-bot'} | ${i.at ?? '-'} | ${i.evidence?.path ?? '-'} | ${i.evidence?.sha256 ?? '-'} |`,
    ),
    '',
  ].join('\n');
}

const CLOSING: Record<RedteamVerdict, string> = {
  passed: '✅ passed',
  'passed-with-warnings': '⚠️ passed, with warnings',
  incomplete: '⏭ incomplete: a skipped item is not a pass',
  'in-review': '🔎 in review',
  'not-passed': '❌ not passed',
};

/** The run is complete: its summary sealed, the `redteam.finished` row, a post in the card's thread. */
async function sealSummary(tx: Sql, deps: RedteamDeps, id: number, channel: string, run: RedteamRun, now: Date, actor: string): Promise<void> {
  const { verdict, counts } = verdictOf(run);
  const file = await writeEvidence(tx, deps.evidence, {
    version: run.version,
    kind: 'redteam-summary',
    at: now,
    actor,
    title: `Red team ${run.version}: summary of run ${id}`,
    content: summaryEvidence(id, run, deps.nameOf),
  });
  await tx.query('UPDATE redteam_run SET summary_path = $2, summary_sha256 = $3 WHERE id = $1', [id, file.path, file.sha256]);
  await appendAudit(tx, deps.evidence.key, {
    at: now,
    actor,
    action: 'redteam.finished',
    version: run.version,
    details: { runId: id, verdict, counts, summary: file.path, sha256: file.sha256 },
  });
  const tally = `${counts.pass} pass · ${counts.warn} warn · ${counts.fail} fail · ${counts.skipped} skipped`;
  await enqueue(tx, { kind: 'slack.post', channel, card: textCard(`Red team ${run.version} ${CLOSING[verdict]} (${tally}). Summary sealed in \`${file.path}\`.`), threadOf: ref(id) }, now);
  deps.log.info({ runId: id, version: run.version, verdict }, 'red team complete');
}

/** Stores the changed run and updates its card; seals the summary when this change completed it, and says so. */
async function save(tx: Sql, deps: RedteamDeps, id: number, channel: string, before: RedteamRun, run: RedteamRun, now: Date, actor: string): Promise<boolean> {
  await tx.query('UPDATE redteam_run SET state = $2, finished_at = $3 WHERE id = $1', [id, JSON.stringify(run), run.finishedAt ?? null]);
  await enqueue(tx, { kind: 'slack.update', channel, card: redteamCard(id, run, deps.nameOf), of: ref(id) }, now);
  const completed = !before.finishedAt && run.finishedAt !== undefined && run.supersededBy === undefined;
  if (completed) await sealSummary(tx, deps, id, channel, run, now, actor);
  return completed;
}

/** One automated item's finding: its evidence file, the run and the card, in one transaction. */
async function recordCheck(deps: RedteamDeps, id: number, check: RedteamCheck, finding: Finding, ms: number): Promise<boolean> {
  const at = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const { channel, run: before } = (await lockRun(tx, id))!;
    const file = await writeEvidence(tx, deps.evidence, {
      version: before.version,
      kind: `redteam-${check.number}-${check.id}`,
      at,
      actor: before.startedBy,
      title: `Red team ${before.version}: ${check.number}. ${check.title}`,
      content: checkEvidence({ runId: id, number: check.number, finding, ms }),
    });
    const run = recordFinding(before, check.id, finding, { path: file.path, sha256: file.sha256 }, at);
    return save(tx, deps, id, channel, before, run, at, before.startedBy);
  });
}

/**
 * `/spark redteam <version>`: posts the card, closes any earlier open run of the version as superseded, then runs
 * items 11–15 at once, each cut off at the preflight check timeout, recording each as it finishes. Items 1–10 wait
 * for the Red Team Lead's ticks. Says something to the asker only when an earlier run was replaced.
 */
export async function startRedteam(deps: RedteamDeps, req: RedteamRequest): Promise<string | undefined> {
  const { db, clock, config, evidence } = deps;
  const started = clock.now();
  const opened = await db.transaction(async (tx) => {
    if (req.deliveryId !== undefined && !(await isFirstDelivery(tx, req.deliveryId, 'command', started))) return undefined;
    // Locked before the audit log is, in the order a tick takes them.
    const earlier = await tx.query<RunRow>('SELECT id, channel, state FROM redteam_run WHERE version = $1 AND finished_at IS NULL ORDER BY id FOR UPDATE', [req.version]);
    const run = openRun(req.version, req.actor, config.redteam.mistakes, REDTEAM_CHECKS, started);
    const [row] = await tx.query<{ id: number }>(
      'INSERT INTO redteam_run (version, actor, channel, state, started_at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [req.version, req.actor, req.channel, JSON.stringify(run), started],
    );
    const id = row!.id;
    await appendAudit(tx, evidence.key, { at: started, actor: req.actor, action: 'redteam.started', version: req.version, details: { runId: id } });
    await enqueue(tx, { kind: 'slack.post', channel: req.channel, card: redteamCard(id, run, deps.nameOf), ref: ref(id) }, started);
    for (const old of earlier) {
      const replaced = supersede(old.state, id, started);
      await save(tx, deps, old.id, old.channel, old.state, replaced, started, req.actor);
      await appendAudit(tx, evidence.key, { at: started, actor: req.actor, action: 'redteam.superseded', version: req.version, details: { runId: old.id, by: id } });
    }
    return { id, replaced: earlier.map((r) => r.id) };
  });
  if (!opened) return undefined;
  deps.wake();

  const ctx: RedteamContext = { version: req.version, now: () => clock.now(), config, sources: deps.sources };
  const timeout = config.preflight.checkTimeout;
  await Promise.all(
    REDTEAM_CHECKS.map(async (check) => {
      const from = clock.now().getTime();
      const finding = await runRedteamCheck({ ...check, run: (c) => withTimeout(check.run(c), timeout) }, ctx);
      await recordCheck(deps, opened.id, check, finding, clock.now().getTime() - from);
      deps.wake();
    }),
  );

  const { replaced } = opened;
  if (replaced.length === 0) return undefined;
  const runs = replaced.length === 1 ? `run ${replaced[0]} was` : `runs ${replaced.join(', ')} were`;
  return `An earlier red team for ${req.version} (${runs} still open) is closed as superseded: only run ${opened.id} counts now, tick its items on the new card.`;
}

/**
 * The Red Team Lead's tick on a manual item, in one transaction with the run locked. A refusal is audited and
 * returned as the sentence for the person; a change is audited and shown on the card, and when it completes the
 * run the summary is sealed.
 */
export async function tickRedteam(deps: RedteamDeps, runId: number, t: Tick, deliveryId?: string): Promise<string | undefined> {
  const now = deps.clock.now();
  const result = await deps.db.transaction(async (tx): Promise<{ said?: string } | undefined> => {
    if (deliveryId !== undefined && !(await isFirstDelivery(tx, deliveryId, 'action', now))) return undefined;
    const stored = await lockRun(tx, runId);
    if (!stored) return { said: 'That red-team run no longer exists; nothing was changed.' };
    const { run, outcome } = tick(stored.run, t, now, deps.config.roles, deps.nameOf);
    const audit = (action: string, details: Record<string, unknown>) =>
      appendAudit(tx, deps.evidence.key, { at: now, actor: t.user, action, version: run.version, details: { runId, ...details } });
    switch (outcome.kind) {
      case 'refused':
        await audit('redteam.refused', { tick: t, why: outcome.why });
        return { said: outcome.why };
      case 'unchanged':
        return { said: outcome.why };
      case 'changed': {
        await audit('redteam.tick', { tick: t });
        await save(tx, deps, runId, stored.channel, stored.run, run, now, t.user);
        return {};
      }
    }
  });
  if (!result) return undefined;
  deps.wake();
  return result.said;
}

export interface LatestRedteam {
  runId: number;
  /** every item decided and the summary sealed */
  complete: boolean;
  verdict: RedteamVerdict;
  summarySha256: string | null;
  counts: Record<ItemOutcome, number>;
}

/** The newest red-team run of `version`, for the GO / NO-GO card and its binding. */
export async function latestRedteam(db: Sql, version: string): Promise<LatestRedteam | undefined> {
  const [row] = await db.query<{ id: number; state: RedteamRun; summary_sha256: string | null }>(
    'SELECT id, state, summary_sha256 FROM redteam_run WHERE version = $1 ORDER BY id DESC LIMIT 1',
    [version],
  );
  if (!row) return undefined;
  const { verdict, counts } = verdictOf(row.state);
  return { runId: row.id, complete: isComplete(row.state) && row.summary_sha256 !== null, verdict, summarySha256: row.summary_sha256, counts };
}
