/**
 * The first night's durable timers. A snapshot measures first, outside any transaction, then in the one that
 * completes its timer: judges, posts the snapshot (and at once a ⚠️ line naming the on-call on a breach) in the
 * release card's thread, edits the first-night card, seals the snapshot in an evidence file, audits it, stores
 * the night and arms the next snapshot, or after the last one the close. A crash before that commit leaves the
 * timer due and it runs again; a timer whose snapshot the stored night has already counted does nothing.
 *
 * The close (T+24h) posts the release note (sealed in evidence too), the mini-RCA template and the freeze-lift
 * line in the thread, and ends the night.
 */
import { textCard } from '../../chat/card.ts';
import { afterSnapshot, inFastCadence, isOver, nextDueOffset, plannedCount } from '../../domain/first-night/schedule.ts';
import { appliesAt, breachesOf, foldSnapshot, judgeSnapshot, valuesOf, type CheckResult, type SnapshotResult } from '../../domain/first-night/snapshot.ts';
import { miniRca, nightLine, offsetText, releaseNote, snapshotPost, splitForSlack } from '../../domain/first-night/texts.ts';
import { enqueue } from '../../engine/outbox.ts';
import type { DueTimer } from '../../engine/timers.ts';
import type { TimerHandler, TimerStep } from '../../engine/timer-runner.ts';
import { appendAudit, type AuditEntry } from '../../evidence/audit.ts';
import { writeEvidence } from '../../evidence/files.ts';
import type { Sql } from '../../store/db.ts';
import { liftChangeFreeze } from '../run-of-show/run.ts';
import { releaseNoteFacts } from './facts.ts';
import { measureNight } from './measure.ts';
import { endNight, lockNight, readNight, saveNight, type StoredNight, type StoredNightState } from './record.ts';
import { armNext, BOT, FIRST_NIGHT_TIMER, nightRef, releaseThread, type FirstNightDeps } from './run.ts';
import { breachText, freezeLiftedText, nightCard, recoveredText, snapshotEvidence } from './texts.ts';

/** The role told about a breach until incidents are opened for it. */
export const ON_CALL_ROLE = 'onCall';

/** A snapshot that was not clean: what the incident work needs to open (or update) an incident. */
export interface FirstNightBreach {
  nightId: number;
  runId: number;
  version: string;
  channel: string;
  /** the snapshot's number and the offset it counted at */
  n: number;
  offsetMs: number;
  at: Date;
  result: SnapshotResult;
  /** the checks that failed or had no data */
  breaches: CheckResult[];
  /** a new breach (a check that passed the previous snapshot fails or has no data now), not only the same one going on */
  fresh: boolean;
  /** the thread the snapshots are posted in (the release card's) */
  threadOf: string;
}

/**
 * Called in the transaction that records a snapshot that was not clean, after its ⚠️ line was posted: the hook for
 * the incident work (open an incident, page). Throwing rolls the snapshot back and its timer runs again.
 */
export type OnBreach = (tx: Sql, breach: FirstNightBreach) => Promise<void>;

export interface FirstNightHooks {
  onBreach?: OnBreach;
}

const payloadOf = (t: DueTimer) => ({ nightId: Number(t.payload.nightId), n: Number(t.payload.n), dueOffsetMs: Number(t.payload.dueOffsetMs) });

/** Whether the stored night still waits for this snapshot: running, not counted yet, due at this offset. */
const waitsFor = (night: StoredNight | undefined, n: number, dueOffsetMs: number): night is StoredNight =>
  night !== undefined && night.status === 'running' && night.state.night.n === n - 1 && nextDueOffset(night.state.night, night.state.rules) === dueOffsetMs;

/** The checks that kept the previous snapshot from being clean; empty when it was clean (or there was none). */
function previousBreach(s: StoredNightState): Set<string> {
  const last = s.summary.breaches.at(-1);
  return new Set(s.summary.last && !s.summary.last.clean && last?.n === s.summary.last.n ? last.checks.map((c) => c.id) : []);
}

export function firstNightTimers(deps: FirstNightDeps, hooks: FirstNightHooks = {}): Record<string, TimerHandler> {
  const audit = (tx: Sql, e: AuditEntry) => appendAudit(tx, deps.evidence.key, e);
  const inThread = (tx: Sql, night: StoredNight, text: string, now: Date) =>
    enqueue(tx, { kind: 'slack.post', channel: night.channel, card: textCard(text), threadOf: releaseThread(night.runId) }, now);
  const oncall = () => deps.config.roles[ON_CALL_ROLE] ?? [];

  async function snapshot(timer: DueTimer, step: TimerStep): Promise<void> {
    const { nightId, n, dueOffsetMs } = payloadOf(timer);
    const stored = await readNight(deps.db, nightId);
    if (!waitsFor(stored, n, dueOffsetMs)) return;
    const { rules, checks } = stored.state;
    const takenAtMs = Math.max(dueOffsetMs, step.now.getTime() - stored.releasedAt.getTime());
    // The offset it counts at (a late one counts at the latest due offset it reached), which decides the checks.
    const countedAt = afterSnapshot(stored.state.night, true, rules, takenAtMs).anchorMs;
    const readings = await measureNight(deps, stored.version, checks.filter((c) => appliesAt(c, countedAt)), step.now);

    await step.commit(async (tx) => {
      const night = await lockNight(tx, nightId);
      if (!waitsFor(night, n, dueOffsetMs)) return;
      const before = night.state;
      const result = judgeSnapshot(checks, readings, { offsetMs: countedAt, ...(Object.keys(before.previous).length > 0 ? { previous: before.previous } : {}) });
      const after = afterSnapshot(before.night, result.clean, rules, takenAtMs);
      const state: StoredNightState = { ...before, night: after, summary: foldSnapshot(before.summary, result), previous: valuesOf(result) };
      const pos = { n: after.n, of: plannedCount(after, rules) };
      const post = snapshotPost(result, pos);
      const bad = breachesOf(result);

      const file = await writeEvidence(tx, deps.evidence, {
        version: night.version,
        kind: `first-night-snapshot-${String(pos.n).padStart(2, '0')}`,
        at: step.now,
        actor: BOT,
        title: `First night ${night.version}: snapshot ${pos.n} at ${offsetText(result.offsetMs)} ${result.clean ? 'clean' : 'not clean'}`,
        content: snapshotEvidence(night, pos, result, step.now, post),
      });
      for (const text of post) await inThread(tx, night, text, step.now);
      if (!result.clean) {
        // new: a check that was fine (or not applicable) the previous snapshot is failing or without data now
        const was = previousBreach(before);
        const fresh = bad.some((c) => !was.has(c.id));
        await inThread(tx, night, breachText(result, bad, oncall(), rules, fresh), step.now);
        await hooks.onBreach?.(tx, {
          nightId, runId: night.runId, version: night.version, channel: night.channel, n: pos.n, offsetMs: result.offsetMs, at: step.now,
          result, breaches: bad, fresh, threadOf: releaseThread(night.runId),
        });
      } else if (inFastCadence(before.night) && !inFastCadence(after) && !isOver(after, rules)) {
        await inThread(tx, night, recoveredText(result.offsetMs, rules), step.now);
      }
      const card = nightCard(night, nightLine(state.summary, after, rules));
      await enqueue(tx, pos.n === 1 ? { kind: 'slack.post', channel: night.channel, card, ref: nightRef(nightId) } : { kind: 'slack.update', channel: night.channel, card, of: nightRef(nightId) }, step.now);
      await audit(tx, {
        at: step.now,
        actor: BOT,
        action: 'first-night.snapshot',
        version: night.version,
        details: {
          nightId, runId: night.runId, n: pos.n, of: pos.of, offsetMs: result.offsetMs, clean: result.clean,
          breaches: bad.map((c) => ({ id: c.id, outcome: c.outcome, ...(c.value !== undefined ? { value: c.value } : {}), ...(c.why ? { why: c.why } : {}) })),
          skipped: result.skipped, evidence: file.path, sha256: file.sha256,
        },
      });
      await saveNight(tx, nightId, state);
      await armNext(tx, { id: nightId, releasedAt: night.releasedAt, state }, step.now);
    });
  }

  async function close(timer: DueTimer, step: TimerStep): Promise<void> {
    const nightId = Number(timer.payload.nightId);
    const over = (x: StoredNight | undefined): x is StoredNight => x !== undefined && x.status === 'running' && isOver(x.state.night, x.state.rules);
    await step.commit(async (tx) => {
      const night = await lockNight(tx, nightId);
      if (!over(night)) return;
      const { rules } = night.state;
      const closedAt = new Date(night.releasedAt.getTime() + night.state.night.anchorMs);
      const facts = await releaseNoteFacts(tx, deps, night, closedAt);
      const note = releaseNote(facts);
      const file = await writeEvidence(tx, deps.evidence, {
        version: night.version,
        kind: 'first-night-release-note',
        at: step.now,
        actor: BOT,
        title: `Release note ${night.version}`,
        content: `${note.join('\n\n')}\n`,
      });
      for (const text of splitForSlack([...note, `_Sealed in \`${file.path}\`._`])) await inThread(tx, night, text, step.now);
      for (const text of miniRca({ version: night.version, releasedAt: night.releasedAt, night: night.state.summary })) await inThread(tx, night, text, step.now);
      await inThread(tx, night, freezeLiftedText(night.version, step.now), step.now);
      const line = nightLine(night.state.summary, night.state.night, rules);
      await enqueue(tx, { kind: 'slack.update', channel: night.channel, card: nightCard(night, line, `Release note (\`${file.path}\`), mini RCA and freeze lift in the release card’s thread`), of: nightRef(nightId) }, step.now);
      const summary = night.state.summary;
      await audit(tx, {
        at: step.now,
        actor: BOT,
        action: 'first-night.closed',
        version: night.version,
        details: { nightId, runId: night.runId, taken: summary.taken, clean: summary.clean, breaches: summary.breaches.length, evidence: file.path, sha256: file.sha256 },
      });
      await audit(tx, { at: step.now, actor: BOT, action: 'first-night.freeze-lifted', version: night.version, details: { nightId, runId: night.runId } });
      await liftChangeFreeze(tx, deps, night.version, step.now);
      await endNight(tx, nightId, step.now);
    });
  }

  return {
    [FIRST_NIGHT_TIMER.snapshot]: (timer, step) => snapshot(timer, step),
    [FIRST_NIGHT_TIMER.close]: (timer, step) => close(timer, step),
  };
}
