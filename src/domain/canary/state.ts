/**
 * The canary of RITUAL §5 as plain data: one state per `/spark canary <version>`, changed only by `apply`
 * (machine.ts).
 *
 * The state is JSON: the caller stores it after every `apply` and reads it back unchanged after a restart.
 * Every time in it is absolute, in epoch milliseconds (`holdEndsAt` is a moment, not a remaining duration), so
 * a canary restored mid-stage keeps the hold it had. Minutes carry ISO-8601 times, for people.
 */
import type { Locale, Signal, SparkConfig, Stage, Trigger } from '../../config/schema.ts';
import type { Sample } from './sample.ts';
import type { SignalStatus, SignalTrack } from './signals.ts';
import type { FiredTrigger, TriggerPoint } from './triggers.ts';

/** The config the canary started with, kept in it: a canary runs to the end by the rules it started with. */
export interface CanaryRules {
  stages: Stage[];
  signals: Signal[];
  triggers: Trigger[];
  analysisIntervalMs: number;
  noDataLimitMs: number;
  minRequestsPerStage: number;
  cardUpdateThrottleMs: number;
  locale: Locale;
}

export function rulesFrom(config: Pick<SparkConfig, 'stages' | 'signals' | 'triggers' | 'canary' | 'locale'>): CanaryRules {
  return {
    stages: config.stages.map((s) => ({ ...s })),
    signals: config.signals.map((s) => ({ ...s })),
    triggers: config.triggers.map((t) => ({ ...t })),
    analysisIntervalMs: config.canary.analysisInterval,
    noDataLimitMs: config.canary.noDataLimit,
    minRequestsPerStage: config.canary.minRequestsPerStage,
    cardUpdateThrottleMs: config.canary.cardUpdateThrottle,
    locale: config.locale,
  };
}

/**
 * ready: created, not started · running: in a stage's hold · holding-no-data: the hold ended but a signal has
 * no data (inconclusive: held, judged again every tick) · extending: the hold ended with too few requests
 * (extended until enough traffic was seen) · rolling-back: the decision is made, the caller runs the
 * procedure · rolled-back / rollback-failed: the procedure's outcome · released: the last stage passed.
 */
export type Phase = 'ready' | 'running' | 'holding-no-data' | 'extending' | 'rolling-back' | 'rolled-back' | 'rollback-failed' | 'released';
/** The phase, or `paused` while the IC has paused promotion (analysis and triggers go on). */
export type CanaryStatus = Phase | 'paused';

/** The stage being walked. */
export interface CurrentStage {
  /** 1-based */
  stage: number;
  weight: number;
  startedAt: number;
  holdEndsAt: number;
  /** requests the canary served during this stage (sum of the ticks' request samples) */
  requests: number;
}

/** A stage that passed (by its hold or by the IC's promote-now): what it measured. */
export interface StageRecord {
  stage: number;
  weight: number;
  startedAt: number;
  endedAt: number;
  requests: number;
  /** how it ended: its hold, or promote-now by this user */
  promotedBy: 'hold' | { user: string };
  signals: { id: string; median: number | null; n: number; verdict: SignalStatus['verdict'] }[];
}

export type RollbackCause =
  | { kind: 'trigger'; trigger: FiredTrigger; alsoFired: string[] }
  /** signals without data for at least `noDataLimit` */
  | { kind: 'no-data'; signals: { id: string; missingForMs: number; why: string }[] }
  /** the hold ended with a signal past its threshold */
  | { kind: 'stage-failed'; failures: { id: string; median: number; limit: number; comparison: Signal['comparison'] }[] }
  | { kind: 'manual'; by: string; reason: string };

export interface RollbackRecord {
  at: number;
  stage: number;
  weight: number;
  cause: RollbackCause;
  /** one sentence: why */
  reason: string;
  /** how many times the procedure was started (a failed procedure may be started again) */
  attempts: number;
  finishedAt?: number;
  ok?: boolean;
  detail?: string;
}

export interface CanaryState {
  version: string;
  rules: CanaryRules;
  /** the preflight's baseline: signal id → its value on the stable track */
  baseline: Record<string, number>;
  /** rollbacks of this version before this canary (earlier attempts), for the one-liner */
  rollbacksBefore: number;
  phase: Phase;
  /** `phase`, or `paused`; kept by `apply` so a stored canary can be listed by it */
  status: CanaryStatus;
  paused?: { by: string; at: number; reason?: string };
  startedAt?: number;
  startedBy?: string;
  /** started by the IC despite these refusals, for this reason */
  override?: Override;
  current?: CurrentStage;
  completed: StageRecord[];
  signals: Record<string, SignalTrack>;
  triggers: Record<string, TriggerPoint[]>;
  lastTickAt?: number;
  /** the hold ended while paused and the minute saying so was written */
  heldWhilePaused?: boolean;
  cardAt?: number;
  rollback?: RollbackRecord;
  releasedAt?: number;
}

/** One analysis tick's measurements: every signal, every trigger (one sample per condition), and the canary's requests. */
export interface TickSamples {
  signals: Record<string, Sample>;
  /** a simple trigger takes a sample (or a one-element list); a composite takes one per `allOf` part, in order */
  triggers: Record<string, Sample | Sample[]>;
  /** requests the canary served since the previous tick (e.g. `sum(increase(http_requests_total{track="canary"}[10s]))`) */
  requests?: Sample;
}

export interface Override {
  reason: string;
  /** the refusals the IC overrode, as they were said */
  overrode: string[];
}

export type CanaryEvent =
  | { type: 'start'; by: string; override?: Override }
  | ({ type: 'tick' } & TickSamples)
  /** the caller's timer for `schedule { what: 'hold-ended' }` fired */
  | { type: 'hold-ended'; stage: number }
  /** the deploy target confirmed the stage's weight: the stage is observed from now */
  | { type: 'weight-confirmed'; stage: number }
  | { type: 'pause'; by: string; reason?: string }
  | { type: 'resume'; by: string }
  /** skip the rest of the hold; `stage` is the stage the IC saw, so a double press promotes once */
  | { type: 'promote-now'; by: string; stage?: number }
  | { type: 'rollback'; by: string; reason: string }
  | { type: 'rollback-finished'; ok: boolean; detail?: string }
  /** the process restarted with this stored state: re-arm timers, judge a hold that ended meanwhile */
  | { type: 'restored' };

/** A row of the war-room minutes (`Time | Stage | Metrics | Decision`). */
export interface Minute {
  /** ISO-8601 */
  at: string;
  stage: number;
  weight: number;
  /** the signals' stage values with a mark each, and the requests */
  metrics: string;
  kind:
    | 'started'
    | 'promoted'
    | 'promoted-now'
    | 'released'
    | 'held-no-data'
    | 'extended'
    | 'hold-ended-paused'
    | 'paused'
    | 'resumed'
    | 'rollback-started'
    | 'rolled-back'
    | 'rollback-failed';
  /** one sentence */
  decision: string;
}

export type CanaryEffect =
  | { type: 'set-weight'; version: string; stage: number; weight: number }
  /** call `apply` with `{ type: 'hold-ended', stage }` at `at` (epoch ms) */
  | { type: 'schedule'; at: number; what: 'hold-ended'; stage: number }
  /** run the rollback procedure (the caller's), then call `apply` with `rollback-finished` */
  | { type: 'start-rollback'; version: string; stage: number; weight: number; reason: string; cause: RollbackCause; trigger?: FiredTrigger }
  | { type: 'minute'; minute: Minute }
  /** the card should be re-rendered from the state (at most every `cardUpdateThrottle`, at once on a decision) */
  | { type: 'card' }
  | { type: 'released'; version: string; at: number; oneliner: string };

export type CanaryOutcome =
  | { kind: 'changed' }
  /** nothing to do: a repeated press, a stale timer, a replayed tick */
  | { kind: 'unchanged'; why: string }
  /** not allowed now; `why` is a sentence for the person. The state is untouched. */
  | { kind: 'refused'; why: string };

export interface Applied {
  state: CanaryState;
  effects: CanaryEffect[];
  outcome: CanaryOutcome;
}

/** A new canary, ready to start. Throws on rules the config checks should have caught. */
export function newCanary(rules: CanaryRules, version: string, baseline: Record<string, number>, opts: { rollbacksBefore?: number } = {}): CanaryState {
  const problems: string[] = [];
  if (rules.stages.length === 0) problems.push('there are no stages');
  if (!(rules.analysisIntervalMs > 0)) problems.push('the analysis interval must be longer than 0');
  if (rules.signals.length === 0) problems.push('there are no signals');
  const ids = [...rules.signals.map((s) => `signal ${s.id}`), ...rules.triggers.map((t) => `trigger ${t.id}`)];
  ids.forEach((id, i) => {
    if (ids.indexOf(id) !== i) problems.push(`${id} is listed twice`);
  });
  if (problems.length > 0) throw new Error(`canary: cannot plan ${version}: ${problems.join('; ')}`);
  return {
    version,
    rules,
    baseline: { ...baseline },
    rollbacksBefore: opts.rollbacksBefore ?? 0,
    phase: 'ready',
    status: 'ready',
    completed: [],
    signals: Object.fromEntries(rules.signals.map((s) => [s.id, { samples: [] }])),
    triggers: Object.fromEntries(rules.triggers.map((t) => [t.id, []])),
  };
}

export const isActive = (p: Phase): boolean => p === 'running' || p === 'holding-no-data' || p === 'extending';
export const statusOfState = (s: Pick<CanaryState, 'phase' | 'paused'>): CanaryStatus => (s.paused && isActive(s.phase) ? 'paused' : s.phase);
