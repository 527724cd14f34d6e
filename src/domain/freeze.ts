/**
 * Change-freeze windows (RITUAL §7): whether a deploy may start, and what `/spark freeze` shows.
 * Times are in `freeze.timezone`; the windows themselves are built in ./freeze/windows.ts.
 */
import { formatDuration } from '../config/duration.ts';
import { formatSpan, formatTime } from './freeze/calendar.ts';
import { byPriority, type ChangeFreeze, type ForbiddenWindow, forbiddenWindows, type FreezeRules, overlaps } from './freeze/windows.ts';

export type { ClockChange } from './freeze/calendar.ts';
export { formatTime } from './freeze/calendar.ts';
export type { ChangeFreeze, ForbiddenWindow, FreezeRules, WindowKind } from './freeze/windows.ts';
export { forbiddenWindows } from './freeze/windows.ts';

const DAY_MS = 86_400_000;

export interface DeployPlan {
  kind: 'canary' | 'rollback';
  start: Date;
  /** how long the canary is planned to run; it must end before any window it would cross starts */
  durationMs: number;
  schemaChange: boolean;
}

export type DeployVerdict =
  | { allowed: true }
  | {
      allowed: false;
      reason: string;
      /** the window it starts in, or else the first one it would run into */
      window: ForbiddenWindow;
      wouldEndAt: Date;
      /** the earliest start at which the whole plan fits; undefined behind an unlifted freeze or beyond `searchDays` */
      earliestStart: Date | undefined;
    };

const applies = (w: ForbiddenWindow, schemaChange: boolean): boolean => schemaChange || !w.schemaOnly;

/**
 * The earliest start ≥ `from` at which [start, start+duration) meets none of `windows`: `Infinity` behind a
 * freeze not yet lifted, undefined when nothing fits by `limit`.
 */
function earliestFit(windows: ForbiddenWindow[], from: number, durationMs: number, limit: number): number | undefined {
  // Any start that fits lies past the end of every window the current try meets.
  for (let t = from; t <= limit; ) {
    const met = windows.filter((w) => overlaps(w, t, t + durationMs));
    if (met.length === 0) return t;
    if (met.some((w) => w.end === undefined)) return Infinity;
    t = Math.max(...met.map((w) => +w.end!));
  }
  return undefined;
}

const asDate = (t: number | undefined): Date | undefined => (t === undefined || t === Infinity ? undefined : new Date(t));

/** Whether a deploy may start as planned. An emergency rollback always may. */
export function judgeDeploy(rules: FreezeRules, plan: DeployPlan, freezes: readonly ChangeFreeze[], searchDays = 60): DeployVerdict {
  if (plan.kind === 'rollback') return { allowed: true };
  if (!Number.isFinite(+plan.start) || !Number.isFinite(plan.durationMs)) throw new RangeError(`not a deploy plan: start ${String(plan.start)}, duration ${plan.durationMs}`);
  const start = +plan.start;
  const duration = Math.max(0, plan.durationMs);
  const windowsUntil = (t: number) => forbiddenWindows(rules, plan.start, new Date(t), freezes).filter((w) => applies(w, plan.schemaChange));
  const hitAt = (w: ForbiddenWindow) => Math.max(+w.start, start);
  const [window] = windowsUntil(start + duration).sort((a, b) => hitAt(a) - hitAt(b) || byPriority(a, b));
  if (window === undefined) return { allowed: true };

  // Usually the next week has room; the calendar is built further only when it has not.
  let fit: number | undefined;
  for (const days of [Math.min(7, searchDays), searchDays]) {
    const limit = start + days * DAY_MS;
    fit = earliestFit(windowsUntil(limit + duration), start, duration, limit);
    if (fit !== undefined) break;
  }
  const tz = rules.timezone;
  const wouldEndAt = new Date(start + duration);
  const what = `${plan.schemaChange ? 'schema-change ' : ''}canary${duration > 0 ? ` (${formatDuration(duration)})` : ''}`;
  const head =
    +window.start <= start
      ? `Refused: a ${what} starting ${formatTime(plan.start, tz)} starts inside a forbidden window (${formatSpan(window.start, window.end, tz)}); it would have ended at ${formatTime(wouldEndAt, tz)}.`
      : `Refused: a ${what} starting ${formatTime(plan.start, tz)} would end at ${formatTime(wouldEndAt, tz)}, past the start of a forbidden window at ${formatTime(window.start, tz)} (${formatSpan(window.start, window.end, tz)}).`;
  const next =
    fit === Infinity
      ? 'No start fits until the change freeze is lifted.'
      : fit === undefined
        ? `No start fits within ${searchDays} days.`
        : `Earliest start that fits: ${formatTime(new Date(fit), tz)}.`;
  return { allowed: false, reason: `${head} ${capital(window.why)}. ${next}`, window, wouldEndAt, earliestStart: asDate(fit) };
}

export interface FreezeState {
  at: Date;
  /** the windows in force at `at`; empty when everything is open */
  active: ForbiddenWindow[];
  /** when schema changes / deploys are next allowed (`at` when they are now); undefined behind an unlifted freeze or beyond the horizon */
  schemaOpensAt: Date | undefined;
  deployOpensAt: Date | undefined;
  /** the next window to start after `at`, within the horizon */
  next: ForbiddenWindow | undefined;
  /** for `/spark freeze`: the state now, and the next window */
  nowText: string;
  nextText: string;
}

/** The freeze state at `at`, for `/spark freeze`. */
export function freezeState(rules: FreezeRules, at: Date, freezes: readonly ChangeFreeze[], horizonDays = 14): FreezeState {
  const tz = rules.timezone;
  const limit = +at + horizonDays * DAY_MS;
  const windows = forbiddenWindows(rules, at, new Date(limit), freezes);
  const active = windows.filter((w) => overlaps(w, +at, +at)).sort(byPriority);
  const next = windows.filter((w) => +w.start > +at).sort((a, b) => +a.start - +b.start || byPriority(a, b))[0];
  const schemaOpensAt = asDate(earliestFit(windows, +at, 0, limit));
  const deployOpensAt = asDate(earliestFit(windows.filter((w) => !w.schemaOnly), +at, 0, limit));

  const when = (t: Date | undefined) =>
    t !== undefined ? formatTime(t, tz) : active.some((w) => w.end === undefined) ? 'the change freeze is lifted' : `beyond the next ${horizonDays} days`;
  const whys = active.map((w) => `${capital(w.why)}.`).join(' ');
  const now = formatTime(at, tz);
  let nowText: string;
  if (active.length === 0) nowText = `Open now (${now}): deploys and schema changes allowed.`;
  else if (active.every((w) => w.schemaOnly)) {
    nowText = `Now ${now}: schema changes refused until ${when(schemaOpensAt)}. ${whys} Other deploys allowed.`;
  } else {
    const schemaLater = schemaOpensAt === undefined || deployOpensAt === undefined || +schemaOpensAt > +deployOpensAt;
    const schemaNote = schemaLater && deployOpensAt !== undefined ? ` (schema changes from ${when(schemaOpensAt)})` : '';
    nowText = `Now ${now}: deploys refused until ${when(deployOpensAt)}${schemaNote}. ${whys} Emergency rollback allowed at any time.`;
  }
  const nextText =
    next === undefined
      ? `No forbidden window in the next ${horizonDays} days.`
      : `Next: ${next.schemaOnly ? 'schema changes' : 'deploys'} refused ${formatSpan(next.start, next.end, tz)}: ${next.why}.`;
  return { at, active, schemaOpensAt, deployOpensAt, next, nowText, nextText };
}

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
