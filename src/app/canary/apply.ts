/**
 * One event applied to a stored canary in the caller's transaction, with everything it causes written in that
 * same transaction: the state, its audit row, the war-room minutes and stage results in the card's thread, the
 * card, the evidence files, and the durable timers that do the rest (the next analysis, the hold's end, the
 * traffic weight, each rollback step). Nothing here calls the platform: the timers' handlers (timers.ts) do,
 * outside any transaction, so a crash between a decision and its effect leaves a timer that runs again.
 */
import { textCard } from '../../chat/card.ts';
import { canaryCard } from '../../chat/cards/canary.ts';
import { apply, signalStatuses } from '../../domain/canary/machine.ts';
import { isActive, type CanaryEffect, type CanaryEvent, type CanaryState } from '../../domain/canary/state.ts';
import { canaryView } from '../../domain/canary/view.ts';
import { enqueue } from '../../engine/outbox.ts';
import { schedule } from '../../engine/timers.ts';
import { appendAudit, type AuditEntry } from '../../evidence/audit.ts';
import { writeEvidence } from '../../evidence/files.ts';
import type { Sql } from '../../store/db.ts';
import { startFirstNight } from '../first-night/run.ts';
import { openOnAutoRollback } from '../incident/auto.ts';
import { lockCanary, saveCanary } from './record.ts';
import type { CanaryDeps } from './run.ts';
import { minuteText, passedStage, rolledBackStage, stageEvidence, stageText, type StageResult } from './texts.ts';

export const CANARY_TIMER = {
  tick: 'canary.tick',
  holdEnded: 'canary.hold-ended',
  setWeight: 'canary.set-weight',
  rollbackStep: 'canary.rollback-step',
} as const;

/** Who acts when nobody pressed anything: a trigger, a timer, a failed call. */
export const BOT = 'spark-bot';
export const canaryRef = (id: number) => `canary:${id}`;

export interface EventResult {
  /** for the person who acted: a refusal, or why nothing changed */
  said: string | undefined;
}

type Deps = Pick<CanaryDeps, 'evidence' | 'nameOf' | 'config' | 'onCall'>;

type Run = { id: number; channel: string };

export const audit = (tx: Sql, deps: Pick<CanaryDeps, 'evidence'>, e: AuditEntry) => appendAudit(tx, deps.evidence.key, e);

export const inThread = (tx: Sql, run: Run, text: string, now: Date) =>
  enqueue(tx, { kind: 'slack.post', channel: run.channel, card: textCard(text), threadOf: canaryRef(run.id) }, now);

/** A tick's samples are in the state; its audit row says what it decided. */
const auditable = (e: CanaryEvent) => (e.type === 'tick' ? { type: 'tick' } : e);

export async function applyEvent(tx: Sql, deps: Deps, id: number, event: CanaryEvent, now: Date): Promise<EventResult> {
  const stored = await lockCanary(tx, id);
  if (!stored) return { said: 'That canary no longer exists; nothing was changed.' };
  const before = stored.state;
  const { state, effects, outcome } = apply(before, event, now, deps.nameOf);
  const actor = 'by' in event ? event.by : BOT;
  await armTick(tx, id, state, now);
  if (outcome.kind === 'refused') {
    await audit(tx, deps, { at: now, actor, action: 'canary.refused', version: state.version, details: { runId: id, event: auditable(event), why: outcome.why } });
    return { said: outcome.why };
  }
  if (outcome.kind === 'unchanged') return { said: outcome.why };
  await saveCanary(tx, id, state, now);
  const minutes = effects.flatMap((e) => (e.type === 'minute' ? [e.minute.decision] : []));
  if (event.type !== 'tick' || minutes.length > 0) {
    await audit(tx, deps, { at: now, actor, action: `canary.${event.type}`, version: state.version, details: { runId: id, event: auditable(event), status: state.status, minutes } });
  }
  await performEffects(tx, deps, stored, before, state, effects, now);
  return { said: undefined };
}

/**
 * The next analysis, on the canary's grid (every interval from its start). Keyed by its slot, so arming it again
 * (a restart, a click between two ticks) arms it once, and a late tick skips the slots it missed.
 */
export async function armTick(tx: Sql, id: number, s: CanaryState, now: Date): Promise<void> {
  if (!isActive(s.phase) || s.startedAt === undefined) return;
  const every = s.rules.analysisIntervalMs;
  const slot = Math.floor((now.getTime() - s.startedAt) / every) + 1;
  await schedule(tx, { kind: CANARY_TIMER.tick, key: `${canaryRef(id)}:tick:${slot}`, dueAt: new Date(s.startedAt + slot * every), payload: { runId: id } }, now);
}

export async function scheduleRollbackStep(tx: Sql, id: number, attempt: number, step: number, now: Date): Promise<void> {
  await schedule(tx, { kind: CANARY_TIMER.rollbackStep, key: `${canaryRef(id)}:rollback:${attempt}:${step}`, dueAt: now, payload: { runId: id, attempt, step } }, now);
}

/** The stages this change ended: passed ones, and the current one when the canary has just started rolling back. */
function endedStages(before: CanaryState, after: CanaryState, now: Date, deps: Deps): StageResult[] {
  const passed = after.completed.slice(before.completed.length).map((rec) => passedStage(rec, deps.nameOf));
  const rolledBack = isActive(before.phase) && after.phase === 'rolling-back' ? rolledBackStage(after, signalStatuses(after, now.getTime()), now.getTime()) : undefined;
  return rolledBack ? [...passed, rolledBack] : passed;
}

/** Writes what a change causes. */
export async function performEffects(tx: Sql, deps: Deps, run: Run, before: CanaryState, state: CanaryState, effects: CanaryEffect[], now: Date): Promise<void> {
  const { version } = state;
  const ref = canaryRef(run.id);
  const seal = (kind: string, title: string, content: string) => writeEvidence(tx, deps.evidence, { version, kind, at: now, actor: BOT, title, content });

  for (const result of endedStages(before, state, now, deps)) {
    const file = await seal(`canary-stage-${result.stage}`, `Canary ${version}: stage ${result.stage} (${result.weight} %) ${result.ended}`, stageEvidence(run.id, state, result));
    await inThread(tx, run, `${stageText(state, result)}\n_Sealed in \`${file.path}\`._`, now);
  }
  for (const e of effects) {
    switch (e.type) {
      case 'set-weight':
        await schedule(tx, { kind: CANARY_TIMER.setWeight, key: `${ref}:weight:${e.stage}`, dueAt: now, payload: { runId: run.id, stage: e.stage, weight: e.weight } }, now);
        break;
      case 'schedule':
        await schedule(tx, { kind: CANARY_TIMER.holdEnded, key: `${ref}:hold-ended:${e.stage}:${e.at}`, dueAt: new Date(e.at), payload: { runId: run.id, stage: e.stage } }, now);
        break;
      case 'start-rollback':
        await scheduleRollbackStep(tx, run.id, state.rollback?.attempts ?? 1, 0, now);
        await openOnAutoRollback(tx, deps, run, state, effects.flatMap((x) => (x.type === 'minute' ? [x.minute] : [])), now);
        break;
      case 'minute':
        await inThread(tx, run, minuteText(e.minute), now);
        break;
      case 'card':
        await enqueue(tx, { kind: 'slack.update', channel: run.channel, card: canaryCard(run.id, canaryView(state, now), deps.nameOf), of: ref }, now);
        break;
      case 'released': {
        const file = await seal('canary-oneliner', `Canary ${version}: the release one-liner`, `${e.oneliner}\n`);
        await inThread(tx, run, `${e.oneliner}\n_Sealed in \`${file.path}\`._`, now);
        await audit(tx, deps, { at: now, actor: BOT, action: 'canary.released', version, details: { runId: run.id, oneliner: e.oneliner, evidence: file.path, sha256: file.sha256 } });
        await startFirstNight(tx, deps, { runId: run.id, version, releasedAt: e.at, channel: run.channel }, now);
        break;
      }
    }
  }
}
