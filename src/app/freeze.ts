/**
 * The freeze windows of RITUAL §7 as the ritual meets them: whether a canary may start now, and what
 * `/spark freeze` shows. The windows and their texts are the pure domain's (domain/freeze.ts); this adds the
 * release's facts from the config: how long its canary is planned to run, and whether it changes the schema.
 */
import type { SparkConfig } from '../config/schema.ts';
import { formatDuration } from '../config/duration.ts';
import type { Clock } from '../domain/clock.ts';
import { type ChangeFreeze, formatTime, type FreezeState, freezeState, judgeDeploy } from '../domain/freeze.ts';
import { formatSpan } from '../domain/freeze/calendar.ts';

/** Where the config says whether the release changes the schema. */
export const SCHEMA_CHANGE_KEY = 'preflight.prisma.schemaChange';

/** How far ahead a refusal looks for a start that fits, and `/spark freeze` for the next window. */
const SEARCH_DAYS = 60;
const HORIZON_DAYS = 14;

export interface SchemaChangeFact {
  schemaChange: boolean;
  /** set when the config does not say, and the release is treated as a schema change, the safe direction */
  assumed?: string;
}

/** Whether the release changes the schema (`preflight.prisma.schemaChange`); unknown is treated as a schema change. */
export function schemaChangeOf(config: SparkConfig): SchemaChangeFact {
  const said = config.preflight.prisma.schemaChange;
  if (said !== undefined) return { schemaChange: said };
  return { schemaChange: true, assumed: `treated as a schema change because ${SCHEMA_CHANGE_KEY} is not set in the config` };
}

export interface PlannedDuration {
  /** the stage holds and the margin */
  ms: number;
  holdsMs: number;
  marginMs: number;
  /** `1h45m (stage holds 1h30m + 15m margin)` */
  text: string;
}

/** A canary's planned duration: the sum of the configured stage holds, plus freeze.canaryMargin. */
export function plannedDuration(config: SparkConfig): PlannedDuration {
  const holdsMs = config.stages.reduce((sum, s) => sum + s.hold, 0);
  const marginMs = config.freeze.canaryMargin;
  const ms = holdsMs + marginMs;
  return { ms, holdsMs, marginMs, text: `${formatDuration(ms)} (stage holds ${formatDuration(holdsMs)} + ${formatDuration(marginMs)} margin)` };
}

export interface FreezePlan {
  start: Date;
  /** an emergency rollback is never refused; default canary */
  kind?: 'canary' | 'rollback';
  /** undefined: from the config ({@link schemaChangeOf}), unknown there treated as a schema change */
  schemaChange?: boolean | undefined;
}

/**
 * Why a canary may not start at `plan.start`, or undefined when it may: the planned duration ({@link plannedDuration})
 * must fit outside every forbidden window that applies to it. The answer is the `why` of the canary's
 * "Cannot start the canary of v1.4.0: …" refusals: lowercase, without a closing period. It names when the canary
 * would have ended, the window and why it is there, and the earliest start that fits.
 * `freezes`: the run of show's change freezes (T-30 to the freeze lift).
 */
export function freezeRefusal(deps: { config: SparkConfig }, plan: FreezePlan, freezes: readonly ChangeFreeze[]): string | undefined {
  const { config } = deps;
  const fact: SchemaChangeFact = plan.schemaChange === undefined ? schemaChangeOf(config) : { schemaChange: plan.schemaChange };
  const duration = plannedDuration(config);
  const verdict = judgeDeploy(config.freeze, { kind: plan.kind ?? 'canary', start: plan.start, durationMs: duration.ms, schemaChange: fact.schemaChange }, freezes, SEARCH_DAYS);
  if (verdict.allowed) return undefined;

  const tz = config.freeze.timezone;
  const { window, wouldEndAt, earliestStart } = verdict;
  const what = `${fact.schemaChange ? 'a schema-change' : 'a'} canary of ${duration.text}`;
  const where =
    +window.start <= +plan.start
      ? `starts inside the forbidden window ${formatSpan(window.start, window.end, tz)} and would have ended at ${formatTime(wouldEndAt, tz)}`
      : `would end at ${formatTime(wouldEndAt, tz)}, past the start of the forbidden window ${formatSpan(window.start, window.end, tz)}`;
  const opens =
    earliestStart !== undefined
      ? `the earliest start that fits is ${formatTime(earliestStart, tz)}`
      : freezes.some((f) => f.until === undefined)
        ? 'no start fits until the change freeze is lifted'
        : `no start fits within the next ${SEARCH_DAYS} days`;
  const assumed = fact.assumed ? `; it is ${fact.assumed}` : '';
  return `${what} starting ${formatTime(plan.start, tz)} ${where} (${window.why}); ${opens}${assumed}`;
}

export interface FreezeView {
  state: FreezeState;
  timezone: string;
  horizonDays: number;
  release: SchemaChangeFact;
  /** a canary of the release started now */
  canary: { duration: PlannedDuration; refusal: string | undefined; wouldEndAt: Date };
}

/** What `/spark freeze` shows at the clock's now. */
export function freezeView(deps: { config: SparkConfig; clock: Clock }, freezes: readonly ChangeFreeze[]): FreezeView {
  const { config } = deps;
  const at = deps.clock.now();
  const duration = plannedDuration(config);
  return {
    state: freezeState(config.freeze, at, freezes, HORIZON_DAYS),
    timezone: config.freeze.timezone,
    horizonDays: HORIZON_DAYS,
    release: schemaChangeOf(config),
    canary: { duration, refusal: freezeRefusal(deps, { start: at }, freezes), wouldEndAt: new Date(+at + duration.ms) },
  };
}

/**
 * The first moment from `from` at which a canary started within `leadMs` of it fits outside every forbidden window;
 * `from` itself when it already does, undefined when nothing fits within the search.
 */
export function firstFit(config: SparkConfig, from: Date, leadMs: number): Date | undefined {
  const { schemaChange } = schemaChangeOf(config);
  const durationMs = plannedDuration(config).ms + leadMs;
  let start = from;
  for (let tries = 0; tries < 10; tries++) {
    const verdict = judgeDeploy(config.freeze, { kind: 'canary', start, durationMs, schemaChange }, [], SEARCH_DAYS);
    if (verdict.allowed) return start;
    if (!verdict.earliestStart) return undefined;
    start = verdict.earliestStart;
  }
  return undefined;
}
