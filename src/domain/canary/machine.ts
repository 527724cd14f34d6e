/**
 * The canary state machine (RITUAL §5): `apply(state, event, now)` → the next state, the effects the caller
 * performs (set a weight, arm a timer, start the rollback procedure, post a minute, re-render the card,
 * announce the release) and an outcome for the person who acted.
 *
 * Pure: no I/O, no clock but `now`, and the input state is never mutated. The decision to roll back is made
 * here; the procedure (stop, check out, rebuild, …) is the caller's, which reports back with
 * `rollback-finished`.
 *
 * The rules, in the order a tick applies them:
 * 1. Triggers. A trigger whose condition held for its whole `for` window (triggers.ts) starts the rollback at
 *    once — paused or not, held or not — naming the trigger and its values. Several firing on one tick: the
 *    first in config order is reported, the others listed.
 * 2. No data. A signal without data (signals.ts: a no-data answer, or a run of source errors) for
 *    `noDataLimit` starts the rollback: no data is never a pass, and a blind canary must not stay on.
 * 3. The hold. Once `holdEndsAt` is reached (by a tick or by the `hold-ended` timer) and the canary is not
 *    paused, the stage is judged:
 *    - a signal whose stage median is past its threshold → roll back (the stage failed);
 *    - a signal with no data now, or no value this stage → inconclusive: `holding-no-data`, judged again at
 *      every tick, rolled back by rule 2 if the data does not come back;
 *    - fewer than `minRequestsPerStage` requests this stage → `extending`, judged again at every tick, and
 *      passed as soon as the stage has seen enough traffic;
 *    - otherwise the stage passes: the next stage's weight is set and its hold armed; the last stage's pass
 *      releases the version.
 *
 * People (the command table decides who may; the domain records who did):
 * - pause: promotion stops; analysis, the no-data limit and the triggers go on. The hold keeps running: a hold
 *   that ends while paused is judged on resume.
 * - promote-now: skips the rest of the hold, by the same stage judgement as the hold's end, and stricter:
 *   refused while paused, while any signal has no data or no value this stage (it never promotes on no data),
 *   while a signal's stage value is past its threshold (a refusal, not a rollback), while any trigger's
 *   condition is holding (a breach building towards its window), and with fewer requests than a stage needs.
 * - rollback: at any stage, with a reason; again after a failed procedure.
 *
 * Promotion is idempotent on the stage number: a `hold-ended` or `promote-now` for a stage that is over
 * changes nothing, and a tick at or before the last analysed moment is ignored; so replays after a restart
 * never promote twice. After a restart the caller applies `restored` to the stored state: it re-arms the
 * hold's timer at the same absolute `holdEndsAt`; a hold that ended while the process was down is judged by
 * the next tick, on fresh data (the stored samples are as old as the outage).
 */
import { formatDurationShort, formatValue, labelOf } from './format.ts';
import { oneLiner } from './oneliner.ts';
import { gapLimitOf, read } from './sample.ts';
import { emptyTrack, isBaselineRelative, limitOf, newStage, record, statusOf, type SignalStatus } from './signals.ts';
import {
  isActive,
  statusOfState,
  type Applied,
  type CanaryEffect,
  type CanaryEvent,
  type CanaryState,
  type Minute,
  type Override,
  type RollbackCause,
  type StageRecord,
  type TickSamples,
} from './state.ts';
import { extend, fired, pointOf, windowOf, type ConditionValues, type TriggerWindow } from './triggers.ts';

/** Slack user id → the name people know them by. */
export type NameOf = (userId: string) => string;
const plainName: NameOf = (id) => id;

export function apply(s: CanaryState, e: CanaryEvent, now: Date, nameOf: NameOf = plainName): Applied {
  const t = now.getTime();
  switch (e.type) {
    case 'start':
      return start(s, e.by, e.override, t, nameOf);
    case 'tick':
      return tick(s, e, t);
    case 'hold-ended':
      return holdEnded(s, e.stage, t);
    case 'weight-confirmed':
      return weightSet(s, e.stage, t);
    case 'pause':
      return pause(s, e.by, e.reason, t, nameOf);
    case 'resume':
      return resume(s, e.by, t, nameOf);
    case 'promote-now':
      return promoteNow(s, e.by, e.stage, t, nameOf);
    case 'rollback':
      return manualRollback(s, e.by, e.reason, t, nameOf);
    case 'rollback-finished':
      return rollbackFinished(s, e.ok, e.detail, t);
    case 'restored':
      return restored(s, t);
  }
}

// ---------------------------------------------------------------------------------------------
// Reading the state
// ---------------------------------------------------------------------------------------------

const gapOf = (s: CanaryState): number => gapLimitOf(s.rules.analysisIntervalMs);

/** Every signal's status at `now`, in config order. */
export function signalStatuses(s: CanaryState, now: number): SignalStatus[] {
  return s.rules.signals.map((sig) => statusOf(sig, s.signals[sig.id] ?? emptyTrack(), s.baseline, now, gapOf(s)));
}

/** Every trigger's window at `now`, in config order. */
export function triggerWindows(s: CanaryState, now: number): TriggerWindow[] {
  return s.rules.triggers.map((tr) => windowOf(tr, s.triggers[tr.id] ?? [], now, gapOf(s)));
}

export type StageVerdict =
  | { kind: 'pass'; statuses: SignalStatus[] }
  | { kind: 'fail'; statuses: SignalStatus[]; failures: SignalStatus[] }
  | { kind: 'no-data'; statuses: SignalStatus[]; missing: SignalStatus[] }
  | { kind: 'too-few-requests'; statuses: SignalStatus[]; seen: number; min: number };

/** How the current stage would be judged at `now` (see the module comment, rule 3). */
export function stageVerdict(s: CanaryState, now: number): StageVerdict {
  const statuses = signalStatuses(s, now);
  const failures = statuses.filter((st) => st.verdict === 'fail');
  if (failures.length > 0) return { kind: 'fail', statuses, failures };
  const missing = statuses.filter((st) => st.verdict === 'no-data');
  if (missing.length > 0) return { kind: 'no-data', statuses, missing };
  const seen = s.current?.requests ?? 0;
  const min = s.rules.minRequestsPerStage;
  if (seen < min) return { kind: 'too-few-requests', statuses, seen, min };
  return { kind: 'pass', statuses };
}

/** When the caller's `hold-ended` timer is due, while a hold is running. */
export function nextDueAt(s: CanaryState): number | undefined {
  return s.phase === 'running' && s.current ? s.current.holdEndsAt : undefined;
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

function start(s: CanaryState, by: string, override: Override | undefined, t: number, nameOf: NameOf): Applied {
  if (s.phase !== 'ready') return unchanged(s, `The canary of ${s.version} has already started (${s.status}).`);
  const noBaseline = s.rules.signals.filter((sig) => isBaselineRelative(sig) && limitOf(sig, s.baseline) === undefined);
  if (noBaseline.length > 0) {
    return refused(
      s,
      `The canary of ${s.version} cannot start: ${noBaseline.map((sig) => sig.name).join(', ')} ${noBaseline.length === 1 ? 'is' : 'are'} judged against the preflight baseline, and the baseline has no value for ${noBaseline.length === 1 ? 'it' : 'them'}. Run the preflight again.`,
    );
  }
  const first = s.rules.stages[0];
  if (!first) return refused(s, 'The canary has no stages.');
  const current = { stage: 1, weight: first.weight, startedAt: t, holdEndsAt: t + first.hold, requests: 0 };
  const next: CanaryState = { ...s, phase: 'running', startedAt: t, startedBy: by, current, ...(override ? { override } : {}) };
  const overriding = override ? ` on the IC's override (${override.reason}) of: ${override.overrode.join('; ')}` : '';
  return done(s, next, t, [
    { type: 'set-weight', version: s.version, stage: 1, weight: first.weight },
    { type: 'schedule', at: current.holdEndsAt, what: 'hold-ended', stage: 1 },
    minute(next, t, 'started', `Canary started by ${nameOf(by)}${overriding}: stage 1 of ${s.rules.stages.length} at ${first.weight} %, hold ${formatDurationShort(first.hold)}.`, []),
  ]);
}

function tick(s: CanaryState, e: TickSamples, t: number): Applied {
  if (!isActive(s.phase) || !s.current) return unchanged(s, notAnalysing(s));
  if (s.lastTickAt !== undefined && t <= s.lastTickAt) return unchanged(s, 'This moment was already analysed.');
  const cur = s.current;
  const gap = gapOf(s);
  const hold = s.rules.stages[cur.stage - 1]?.hold ?? 0;
  const keepFrom = Math.max(cur.startedAt, t - hold);
  const signals = Object.fromEntries(s.rules.signals.map((sig) => [sig.id, record(s.signals[sig.id] ?? emptyTrack(), e.signals[sig.id], t, keepFrom)]));
  const triggers = Object.fromEntries(
    s.rules.triggers.map((tr) => [tr.id, extend(tr, s.triggers[tr.id] ?? [], pointOf(tr, e.triggers[tr.id], t), t, gap)]),
  );
  const req = read(e.requests);
  const requests = cur.requests + (req.kind === 'value' ? Math.max(0, req.value) : 0);
  const next: CanaryState = { ...s, signals, triggers, lastTickAt: t, current: { ...cur, requests } };

  const firing = triggerWindows(next, t).filter((w) => w.fires);
  const [first, ...others] = firing;
  if (first) {
    const tr = s.rules.triggers.find((x) => x.id === first.id);
    if (tr) return rollbackNow(s, next, t, { kind: 'trigger', trigger: fired(tr, first), alsoFired: others.map((w) => w.id) }, []);
  }

  const blind = signalStatuses(next, t).filter((st) => (st.missingForMs ?? 0) >= s.rules.noDataLimitMs);
  if (blind.length > 0) {
    const cause: RollbackCause = { kind: 'no-data', signals: blind.map((st) => ({ id: st.id, missingForMs: st.missingForMs ?? 0, why: st.why ?? 'no data' })) };
    return rollbackNow(s, next, t, cause, []);
  }

  if (t >= cur.holdEndsAt) return next.paused ? holdEndedWhilePaused(s, next, t) : judge(s, next, t, []);
  return done(s, next, t, []);
}

/**
 * The stage's traffic is at its weight only from now: its hold and its measurements start again here, so a slow
 * deploy call never shortens the time the new weight is watched, nor counts what the old weight served.
 */
function weightSet(s: CanaryState, stage: number, t: number): Applied {
  const cur = s.current;
  if (!isActive(s.phase) || !cur || cur.stage !== stage) return unchanged(s, `Stage ${stage} is no longer the canary's stage.`);
  if (t <= cur.startedAt) return unchanged(s, 'The weight was set as the stage began.');
  const hold = s.rules.stages[stage - 1]?.hold ?? 0;
  const current = { ...cur, startedAt: t, holdEndsAt: t + hold, requests: 0 };
  const next: CanaryState = { ...s, current, signals: Object.fromEntries(Object.entries(s.signals).map(([id, track]) => [id, newStage(track)])) };
  return done(s, next, t, s.phase === 'running' ? [{ type: 'schedule', at: current.holdEndsAt, what: 'hold-ended', stage }] : []);
}

function holdEnded(s: CanaryState, stage: number, t: number): Applied {
  if (!isActive(s.phase) || !s.current) return unchanged(s, notAnalysing(s));
  const cur = s.current;
  if (stage !== cur.stage) return unchanged(s, `Stage ${stage} is over; the canary is at stage ${cur.stage} (${cur.weight} %).`);
  if (t < cur.holdEndsAt) return unchanged(s, `The hold of stage ${cur.stage} has ${formatDurationShort(cur.holdEndsAt - t)} to go.`);
  if (s.phase !== 'running') return unchanged(s, `The hold of stage ${cur.stage} already ended; the stage is judged at every analysis.`);
  if (s.paused) return holdEndedWhilePaused(s, s, t);
  return judge(s, s, t, []);
}

function pause(s: CanaryState, by: string, reason: string | undefined, t: number, nameOf: NameOf): Applied {
  if (!isActive(s.phase)) return refused(s, `There is nothing to pause: ${notAnalysing(s)}`);
  if (s.paused) return unchanged(s, `The canary is already paused (by ${nameOf(s.paused.by)}).`);
  const why = reason?.trim() || undefined;
  const next: CanaryState = { ...s, paused: { by, at: t, ...(why ? { reason: why } : {}) } };
  return done(s, next, t, [
    minute(next, t, 'paused', `Paused by ${nameOf(by)}${why ? ` (${why})` : ''}: promotion stops; analysis and the auto-rollback triggers go on.`),
  ]);
}

function resume(s: CanaryState, by: string, t: number, nameOf: NameOf): Applied {
  if (!isActive(s.phase) || !s.current) return refused(s, `There is nothing to resume: ${notAnalysing(s)}`);
  if (!s.paused) return unchanged(s, 'The canary is not paused.');
  const { paused: _paused, heldWhilePaused: _held, ...rest } = s;
  const next: CanaryState = { ...rest };
  const cur = s.current;
  const ended = t >= cur.holdEndsAt;
  const m = minute(
    next,
    t,
    'resumed',
    `Resumed by ${nameOf(by)}: ${ended ? `the hold of stage ${cur.stage} has ended, so the stage is judged now.` : `the hold of stage ${cur.stage} ends in ${formatDurationShort(cur.holdEndsAt - t)}.`}`,
  );
  return ended ? judge(s, next, t, [m]) : done(s, next, t, [m]);
}

function promoteNow(s: CanaryState, by: string, stage: number | undefined, t: number, nameOf: NameOf): Applied {
  if (!isActive(s.phase) || !s.current) return refused(s, `There is nothing to promote: ${notAnalysing(s)}`);
  const cur = s.current;
  if (stage !== undefined && stage !== cur.stage) return unchanged(s, `Stage ${stage} is already over; the canary is at stage ${cur.stage} (${cur.weight} %).`);
  const not = `Not promoting stage ${cur.stage}`;
  if (s.paused) return refused(s, `${not}: the canary is paused (by ${nameOf(s.paused.by)}). Resume it first.`);
  const v = stageVerdict(s, t);
  if (v.kind === 'no-data') return refused(s, `${not}: ${missingText(v.missing)}. A stage is never promoted on missing data.`);
  if (v.kind === 'fail') return refused(s, `${not}: ${v.failures.map(failureText).join('; ')}.`);
  const building = triggerWindows(s, t).filter((w) => w.holding);
  if (building.length > 0) {
    return refused(s, `${not}: ${building.map((w) => `trigger ${w.id} has held for ${formatDurationShort(w.heldMs)} of its ${formatDurationShort(w.forMs)}`).join('; ')}.`);
  }
  if (v.kind === 'too-few-requests') return refused(s, `${not}: the canary served ${v.seen} requests this stage; a stage needs ${v.min}.`);
  return promote(s, s, t, v.statuses, { user: by }, [], nameOf);
}

function manualRollback(s: CanaryState, by: string, reasonText: string, t: number, nameOf: NameOf): Applied {
  const reason = reasonText.trim();
  if (!reason) return refused(s, 'A rollback needs a reason.');
  switch (s.phase) {
    case 'ready':
      return refused(s, `The canary of ${s.version} has not started: there is nothing to roll back.`);
    case 'released':
      return refused(s, `${s.version} is released: its canary is over. A released version is rolled back through an incident.`);
    case 'rolling-back':
      return unchanged(s, `The rollback is already running: ${s.rollback?.reason ?? ''}`);
    case 'rolled-back':
      return unchanged(s, `${s.version} is already rolled back.`);
    case 'rollback-failed': {
      const rb = s.rollback;
      if (!rb) return refused(s, 'There is no rollback to start again.');
      const { finishedAt: _f, ok: _ok, detail: _d, ...open } = rb;
      const next: CanaryState = { ...s, phase: 'rolling-back', rollback: { ...open, attempts: rb.attempts + 1 } };
      return done(s, next, t, [
        startRollbackEffect(next),
        minute(next, t, 'rollback-started', `Rollback started again by ${nameOf(by)} (attempt ${rb.attempts + 1}): ${reason}. First cause: ${rb.reason}`),
      ]);
    }
    case 'running':
    case 'holding-no-data':
    case 'extending':
      return rollbackNow(s, s, t, { kind: 'manual', by, reason }, [], nameOf);
  }
}

function rollbackFinished(s: CanaryState, ok: boolean, detail: string | undefined, t: number): Applied {
  if (s.phase !== 'rolling-back' || !s.rollback) return unchanged(s, 'No rollback is running.');
  const d = detail?.trim() || undefined;
  const took = formatDurationShort(t - s.rollback.at);
  const next: CanaryState = {
    ...s,
    phase: ok ? 'rolled-back' : 'rollback-failed',
    rollback: { ...s.rollback, finishedAt: t, ok, ...(d ? { detail: d } : {}) },
  };
  return done(s, next, t, [
    ok
      ? minute(next, t, 'rolled-back', `Rolled back in ${took}${d ? `: ${d}` : ''}.`)
      : minute(next, t, 'rollback-failed', `The rollback procedure failed after ${took}${d ? `: ${d}` : ''}. It can be started again with a rollback.`),
  ]);
}

/** After a restart: re-arm the hold's timer. A hold that ended meanwhile is judged by the next tick, on fresh data. */
function restored(s: CanaryState, t: number): Applied {
  if (!isActive(s.phase) || !s.current) return unchanged(s, `Nothing to resume: ${notAnalysing(s)}`);
  const cur = s.current;
  const effects: CanaryEffect[] = s.phase === 'running' && t < cur.holdEndsAt ? [{ type: 'schedule', at: cur.holdEndsAt, what: 'hold-ended', stage: cur.stage }] : [];
  return done(s, s, t, effects, true);
}

// ---------------------------------------------------------------------------------------------
// Decisions
// ---------------------------------------------------------------------------------------------

function judge(prev: CanaryState, s: CanaryState, t: number, extra: CanaryEffect[], nameOf: NameOf = plainName): Applied {
  const cur = s.current;
  if (!cur) return done(prev, s, t, extra);
  const v = stageVerdict(s, t);
  switch (v.kind) {
    case 'fail':
      return rollbackNow(prev, s, t, {
        kind: 'stage-failed',
        failures: v.failures.map((f) => ({ id: f.id, median: f.median ?? 0, limit: f.limit ?? 0, comparison: f.comparison })),
      }, extra, nameOf);
    case 'no-data': {
      if (s.phase === 'holding-no-data') return done(prev, s, t, extra);
      const next: CanaryState = { ...s, phase: 'holding-no-data' };
      return done(prev, next, t, [
        ...extra,
        minute(next, t, 'held-no-data', `Stage ${cur.stage} is inconclusive: ${missingText(v.missing)}. Holding; it rolls back if a signal stays without data for ${formatDurationShort(s.rules.noDataLimitMs)}.`, v.statuses),
      ]);
    }
    case 'too-few-requests': {
      if (s.phase === 'extending') return done(prev, s, t, extra);
      const next: CanaryState = { ...s, phase: 'extending' };
      return done(prev, next, t, [
        ...extra,
        minute(next, t, 'extended', `Stage ${cur.stage} extended: the canary served ${v.seen} requests, fewer than the ${v.min} a stage needs; it passes once it has seen enough.`, v.statuses),
      ]);
    }
    case 'pass':
      return promote(prev, s, t, v.statuses, 'hold', extra, nameOf);
  }
}

function promote(prev: CanaryState, s: CanaryState, t: number, statuses: SignalStatus[], by: StageRecord['promotedBy'], extra: CanaryEffect[], nameOf: NameOf): Applied {
  const cur = s.current;
  if (!cur) return done(prev, s, t, extra);
  const rec: StageRecord = {
    stage: cur.stage,
    weight: cur.weight,
    startedAt: cur.startedAt,
    endedAt: t,
    requests: cur.requests,
    promotedBy: by,
    signals: statuses.map((st) => ({ id: st.id, median: st.median ?? null, n: st.n, verdict: st.verdict })),
  };
  const completed = [...s.completed, rec];
  const how = by === 'hold' ? `passed (${statuses.length}/${statuses.length} signals within limits, ${cur.requests} requests)` : `promoted early by ${nameOf(by.user)} (${statuses.length}/${statuses.length} signals within limits, ${cur.requests} requests)`;
  const passedMinute = (kind: Minute['kind'], decision: string) => minute(s, t, kind, decision, statuses);
  const { paused: _p, heldWhilePaused: _h, ...rest } = s;

  const upcoming = s.rules.stages[cur.stage];
  if (!upcoming) {
    const next: CanaryState = { ...rest, phase: 'released', completed, releasedAt: t };
    return done(prev, next, t, [
      ...extra,
      passedMinute('released', `Stage ${cur.stage} ${how}: ${s.version} is released at ${cur.weight} %.`),
      { type: 'released', version: s.version, at: t, oneliner: oneLiner(next) },
    ]);
  }
  const stage = cur.stage + 1;
  const current = { stage, weight: upcoming.weight, startedAt: t, holdEndsAt: t + upcoming.hold, requests: 0 };
  const signals = Object.fromEntries(Object.entries(s.signals).map(([id, track]) => [id, newStage(track)]));
  const next: CanaryState = { ...rest, phase: 'running', completed, current, signals };
  return done(prev, next, t, [
    ...extra,
    passedMinute(by === 'hold' ? 'promoted' : 'promoted-now', `Stage ${cur.stage} ${how}: promoting to stage ${stage} at ${upcoming.weight} %, hold ${formatDurationShort(upcoming.hold)}.`),
    { type: 'set-weight', version: s.version, stage, weight: upcoming.weight },
    { type: 'schedule', at: current.holdEndsAt, what: 'hold-ended', stage },
  ]);
}

function rollbackNow(prev: CanaryState, s: CanaryState, t: number, cause: RollbackCause, extra: CanaryEffect[], nameOf: NameOf = plainName): Applied {
  const cur = s.current;
  const stage = cur?.stage ?? 0;
  const weight = cur?.weight ?? 0;
  const reason = causeText(s, cause, nameOf);
  const { paused: _p, heldWhilePaused: _h, ...rest } = s;
  const next: CanaryState = { ...rest, phase: 'rolling-back', rollback: { at: t, stage, weight, cause, reason, attempts: 1 } };
  return done(prev, next, t, [...extra, startRollbackEffect(next), minute(next, t, 'rollback-started', `Rolling back from stage ${stage} (${weight} %): ${reason}`, signalStatuses(s, t))]);
}

function startRollbackEffect(s: CanaryState): CanaryEffect {
  const rb = s.rollback;
  if (!rb) throw new Error('canary: no rollback to start');
  return {
    type: 'start-rollback',
    version: s.version,
    stage: rb.stage,
    weight: rb.weight,
    reason: rb.reason,
    cause: rb.cause,
    ...(rb.cause.kind === 'trigger' ? { trigger: rb.cause.trigger } : {}),
  };
}

/** The hold ended (or is over) while paused: said once in the minutes, when it happens during the hold itself. */
function holdEndedWhilePaused(prev: CanaryState, s: CanaryState, t: number): Applied {
  if (s.heldWhilePaused || s.phase !== 'running' || !s.current || !s.paused) return done(prev, s, t, []);
  const next: CanaryState = { ...s, heldWhilePaused: true };
  return done(prev, next, t, [
    minute(next, t, 'hold-ended-paused', `The hold of stage ${s.current.stage} ended while paused (by ${s.paused.by}): not promoting until the canary is resumed.`),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Texts
// ---------------------------------------------------------------------------------------------

const plain = (v: number): string => String(Math.abs(v) >= 1 ? Number(v.toFixed(2)) : Number(v.toPrecision(3)));

const conditionText = (c: ConditionValues): string =>
  `${c.latest === null ? 'no data' : plain(c.latest)} ${c.comparison} ${plain(c.threshold)}${c.worst !== null && c.worst !== c.latest ? ` (worst ${plain(c.worst)})` : ''}`;

function causeText(s: CanaryState, cause: RollbackCause, nameOf: NameOf): string {
  switch (cause.kind) {
    case 'trigger': {
      const tr = cause.trigger;
      const also = cause.alsoFired.length > 0 ? ` Also fired: ${cause.alsoFired.join(', ')}.` : '';
      return `trigger ${tr.id} fired (${tr.description}): held ${formatDurationShort(tr.heldMs)} of ${formatDurationShort(tr.forMs)}; ${tr.values.map(conditionText).join(', ')}.${also}`;
    }
    case 'no-data':
      return `${cause.signals.map((x) => `${nameOfSignal(s, x.id)} without data for ${formatDurationShort(x.missingForMs)} (${x.why})`).join('; ')}; the limit is ${formatDurationShort(s.rules.noDataLimitMs)}, and no data is never a pass.`;
    case 'stage-failed':
      return `stage ${s.current?.stage ?? '?'} failed at the end of its hold: ${cause.failures
        .map((f) => `${nameOfSignal(s, f.id)} ${formatValue(f.median, unitOf(s, f.id))} (must be ${f.comparison} ${formatValue(f.limit, unitOf(s, f.id))})`)
        .join('; ')}.`;
    case 'manual':
      return `rolled back by ${nameOf(cause.by)}: ${cause.reason}`;
  }
}

const nameOfSignal = (s: CanaryState, id: string): string => s.rules.signals.find((x) => x.id === id)?.name ?? id;
const unitOf = (s: CanaryState, id: string) => s.rules.signals.find((x) => x.id === id)?.unit ?? 'x';

function missingText(missing: SignalStatus[]): string {
  return `no data for ${missing.map((m) => `${m.name} (${m.why ?? 'no data'}${m.missingForMs ? ` for ${formatDurationShort(m.missingForMs)}` : ''})`).join(', ')}`;
}

const failureText = (f: SignalStatus): string =>
  `${f.name} ${f.median === undefined ? '?' : formatValue(f.median, f.unit)} this stage, must be ${f.comparison} ${f.limit === undefined ? '?' : formatValue(f.limit, f.unit)}`;

function notAnalysing(s: CanaryState): string {
  switch (s.phase) {
    case 'ready':
      return `the canary of ${s.version} has not started.`;
    case 'rolling-back':
      return `the canary of ${s.version} is rolling back.`;
    case 'rolled-back':
      return `the canary of ${s.version} was rolled back.`;
    case 'rollback-failed':
      return `the rollback of ${s.version} failed and waits to be started again.`;
    case 'released':
      return `${s.version} is released.`;
    default:
      return `the canary of ${s.version} is ${s.status}.`;
  }
}

/** The minutes' metrics column: each signal's stage value with ✓ / ✗, or "no data"; and the stage's requests. */
export function metricsSummary(s: CanaryState, statuses: SignalStatus[]): string {
  const parts = statuses.map((st) => {
    const v = st.median ?? st.latest;
    if (st.verdict === 'no-data') return `${labelOf(st.id)} ${v === undefined ? '' : `${formatValue(v, st.unit)} `}(${st.why ?? 'no data'})`;
    return `${labelOf(st.id)} ${v === undefined ? '?' : formatValue(v, st.unit)} ${st.verdict === 'pass' ? '✓' : '✗'}`;
  });
  if (s.current) parts.push(`requests ${s.current.requests}${s.rules.minRequestsPerStage > 0 ? `/${s.rules.minRequestsPerStage}` : ''}`);
  return parts.join(' · ');
}

function minute(s: CanaryState, t: number, kind: Minute['kind'], decision: string, statuses?: SignalStatus[]): CanaryEffect {
  const sts = statuses ?? signalStatuses(s, t);
  return {
    type: 'minute',
    minute: {
      at: new Date(t).toISOString(),
      stage: s.current?.stage ?? 0,
      weight: s.current?.weight ?? 0,
      metrics: sts.length > 0 ? metricsSummary(s, sts) : '',
      kind,
      decision,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------

/**
 * The result of a change. The card is re-rendered at once on a decision (a minute) or a new status, and
 * otherwise at most every `cardUpdateThrottle`; `forceCard` re-renders it regardless (after a restart).
 */
function done(prev: CanaryState, next: CanaryState, t: number, effects: CanaryEffect[], forceCard = false): Applied {
  const status = statusOfState(next);
  const decided = forceCard || effects.some((e) => e.type === 'minute') || status !== prev.status;
  const due = decided || next.cardAt === undefined || t - next.cardAt >= next.rules.cardUpdateThrottleMs;
  const state: CanaryState = { ...next, status, ...(due ? { cardAt: t } : {}) };
  return { state, effects: due ? [...effects, { type: 'card' }] : effects, outcome: { kind: 'changed' } };
}

const unchanged = (state: CanaryState, why: string): Applied => ({ state, effects: [], outcome: { kind: 'unchanged', why } });
const refused = (state: CanaryState, why: string): Applied => ({ state, effects: [], outcome: { kind: 'refused', why } });
