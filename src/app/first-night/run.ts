/**
 * The first night of RITUAL §6 on the platform: 24 h of snapshots after a canary released its version at 100 %,
 * as durable timers. `startFirstNight` is called in the transaction that records the release; it stores the night
 * and arms its first snapshot, and says nothing (the canary has just posted the release). Each snapshot
 * (timers.ts) measures, judges and writes what came of it in the transaction that completes its timer, and arms
 * the next one; the last arms the T+24h close: the release note, the mini-RCA template and the freeze lift.
 *
 * Every timer is keyed by the night and the snapshot's number (and due offset), and each one checks the stored
 * night before it writes: arming one again (a restart, a repeated start) arms it once, and a snapshot that was
 * already counted is not counted again.
 */
import type { SparkConfig } from '../../config/schema.ts';
import type { Clock } from '../../domain/clock.ts';
import type { NameOf } from '../../domain/canary/machine.ts';
import { NIGHT_START, nextDueOffset, nightEndMs, nightRules } from '../../domain/first-night/schedule.ts';
import { emptyNight } from '../../domain/first-night/snapshot.ts';
import { schedule } from '../../engine/timers.ts';
import { appendAudit } from '../../evidence/audit.ts';
import type { EvidenceStore } from '../../evidence/files.ts';
import type { Logger } from '../../log.ts';
import type { MetricsSource } from '../../ports/metrics.ts';
import type { Db, Sql } from '../../store/db.ts';
import type { Source } from '../preflight/check.ts';
import { insertNight, nightOfRun, runningNights, type StoredNight, type StoredNightState } from './record.ts';

export const FIRST_NIGHT_TIMER = {
  snapshot: 'first-night.snapshot',
  close: 'first-night.close',
} as const;

/** Who acts in the first night: nobody presses anything. */
export const BOT = 'spark-bot';
/** The first-night card, posted in the release channel at the first snapshot and edited after each one. */
export const nightRef = (id: number) => `first-night:${id}`;
/** The canary's release card (src/app/canary/apply.ts `canaryRef`): the snapshots go in its thread. */
export const releaseThread = (runId: number) => `canary:${runId}`;

export interface FirstNightDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  config: SparkConfig;
  evidence: EvidenceStore;
  metrics: Source<MetricsSource>;
  nameOf: NameOf;
  /** Tells the engine there is something new in the outbox or a timer due now. */
  wake: () => void;
}

export interface StartNight {
  /** the canary run that released the version */
  runId: number;
  version: string;
  /** T+0: the moment stage 5 passed */
  releasedAt: Date | number;
  /** the release channel (the canary's) */
  channel: string;
}

/**
 * Starts the first night in the caller's transaction: stores it with the rules and checks of the config, and arms
 * the first snapshot. Posts nothing. Starting it again for the same canary run changes nothing and returns the
 * night that exists.
 */
export async function startFirstNight(tx: Sql, deps: Pick<FirstNightDeps, 'config' | 'evidence'>, req: StartNight, now: Date = new Date(req.releasedAt)): Promise<number> {
  const releasedAt = new Date(req.releasedAt);
  const state: StoredNightState = {
    night: NIGHT_START,
    summary: emptyNight(),
    previous: {},
    rules: nightRules(deps.config.firstNight),
    checks: deps.config.firstNight.checks.map((c) => ({ ...c })),
  };
  const id = await insertNight(tx, { version: req.version, runId: req.runId, channel: req.channel, releasedAt, state, at: now });
  if (id === undefined) {
    const existing = await nightOfRun(tx, req.runId);
    if (!existing) throw new Error(`first night of canary run ${req.runId}: neither inserted nor found`);
    return existing.id;
  }
  await appendAudit(tx, deps.evidence.key, {
    at: now,
    actor: BOT,
    action: 'first-night.started',
    version: req.version,
    details: { nightId: id, runId: req.runId, releasedAt: releasedAt.toISOString(), snapshots: state.rules.offsets.length, endsAt: new Date(releasedAt.getTime() + nightEndMs(state.rules)).toISOString() },
  });
  await armNext(tx, { id, releasedAt, state }, now);
  return id;
}

/**
 * Arms what comes next for the night as stored: its next snapshot, keyed by the night, the snapshot's number and
 * its due offset, or once the last one is taken, the close. Arming it again does nothing.
 */
export async function armNext(tx: Sql, n: Pick<StoredNight, 'id' | 'releasedAt' | 'state'>, now: Date): Promise<void> {
  const { night, rules } = n.state;
  const released = n.releasedAt.getTime();
  const due = nextDueOffset(night, rules);
  if (due === null) {
    await schedule(tx, { kind: FIRST_NIGHT_TIMER.close, key: `${nightRef(n.id)}:close`, dueAt: new Date(released + nightEndMs(rules)), payload: { nightId: n.id } }, now);
    return;
  }
  const number = night.n + 1;
  await schedule(
    tx,
    { kind: FIRST_NIGHT_TIMER.snapshot, key: `${nightRef(n.id)}:snapshot:${number}:${due}`, dueAt: new Date(released + due), payload: { nightId: n.id, n: number, dueOffsetMs: due } },
    now,
  );
}

/** At boot: every running night's next timer is armed again under the key it already has (so, once). */
export async function restoreFirstNights(deps: Pick<FirstNightDeps, 'db' | 'clock' | 'log' | 'wake'>): Promise<void> {
  const nights = await runningNights(deps.db);
  if (nights.length === 0) return;
  await deps.db.transaction(async (tx) => {
    for (const n of nights) await armNext(tx, n, deps.clock.now());
  });
  for (const n of nights) deps.log.info({ nightId: n.id, version: n.version, taken: n.state.night.n }, 'first night restored');
  deps.wake();
}
