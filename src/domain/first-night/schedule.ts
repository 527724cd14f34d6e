/**
 * When the first night's snapshots are due (RITUAL §6). Times are offsets in ms from the release (the moment
 * stage 5 passed, T+0); `nextDueAt` turns one into a Date.
 *
 * - Normally the snapshots follow the cadence's offsets (`snapshotOffsets`: the defaults give 31, T+15m …
 *   T+24h).
 * - After a breach (a snapshot that is not clean) the cadence turns fast: every `fastEveryMs` (config
 *   firstNight.afterBreach) from the breach, until `cleanRunsToRecover` clean snapshots in a row; then the normal cadence
 *   resumes at its next offset after the last snapshot. A new breach during the fast cadence starts the count
 *   again. The fast cadence is never slower than the normal one: the next snapshot is the earlier of the two.
 * - A breach the app sees between snapshots (`breachSeen`) switches to the fast cadence from that moment.
 *   Showing the breach at once is the app's job; this module only decides timing.
 * - The night ends with the last offset (T+24h): nothing is ever due after it, and it is always due (a fast
 *   snapshot that would fall after it becomes it).
 *
 * The state is three numbers, meant to ride in a durable timer's payload: the next due time is a pure function
 * of it and the rules, so a restarted bot computes the same time. A snapshot counts at its due offset, not at
 * the moment the timer fired (no drift); one taken late (`takenAtMs`, e.g. after a restart) counts at the
 * latest due offset it had reached, so the snapshots missed meanwhile are skipped rather than fired in a burst.
 */
import type { SparkConfig } from '../../config/schema.ts';
import { snapshotOffsets } from '../cadence.ts';

export interface NightRules {
  /** the normal cadence's offsets, ascending; the last is the end of the night */
  offsets: readonly number[];
  /** the cadence after a breach */
  fastEveryMs: number;
  /** clean snapshots in a row that end the fast cadence */
  cleanRunsToRecover: number;
}

export function nightRules(firstNight: Pick<SparkConfig['firstNight'], 'cadence' | 'afterBreach'>): NightRules {
  const offsets = snapshotOffsets(firstNight.cadence);
  const fastEveryMs = firstNight.afterBreach.every;
  const cleanRunsToRecover = firstNight.afterBreach.cleanInARow;
  if (offsets.length === 0) throw new RangeError('the first-night cadence gives no snapshot');
  if (offsets.some((o, i) => i > 0 && o <= (offsets[i - 1] as number))) throw new RangeError('the first-night cadence must be ascending');
  if (!(fastEveryMs > 0) || !Number.isFinite(fastEveryMs)) throw new RangeError(`the fast cadence must be a positive duration, got ${fastEveryMs}`);
  if (!Number.isInteger(cleanRunsToRecover) || cleanRunsToRecover < 1) throw new RangeError(`clean runs to recover must be a whole number ≥ 1, got ${cleanRunsToRecover}`);
  return { offsets, fastEveryMs, cleanRunsToRecover };
}

/** The night's end: the last offset (T+24h by default). */
export const nightEndMs = (rules: NightRules): number => rules.offsets.at(-1) as number;

export interface NightState {
  /** snapshots taken so far; the next one is number n + 1 */
  n: number;
  /** the offset the next due time counts from: the last snapshot's (its due offset), or a breach seen since */
  anchorMs: number;
  /** 0: the normal cadence; k > 0: the fast cadence until k clean snapshots in a row */
  fastUntilCleanRuns: number;
}

export const NIGHT_START: NightState = Object.freeze({ n: 0, anchorMs: 0, fastUntilCleanRuns: 0 });

/** The last snapshot (at the end) has been taken. */
export const isOver = (state: NightState, rules: NightRules): boolean => state.anchorMs >= nightEndMs(rules);

export const inFastCadence = (state: NightState): boolean => state.fastUntilCleanRuns > 0;

/** The next due offset after `anchor`, in the normal or the fast cadence; null once the end is reached. */
function dueAfter(anchor: number, fast: boolean, rules: NightRules): number | null {
  const normal = rules.offsets.find((o) => o > anchor);
  if (normal === undefined) return null;
  return fast ? Math.min(anchor + rules.fastEveryMs, normal) : normal;
}

/** The offset the next snapshot is due at; null when the night is over. */
export const nextDueOffset = (state: NightState, rules: NightRules): number | null => dueAfter(state.anchorMs, inFastCadence(state), rules);

/** The next snapshot's due time for a release at `releasedAt`; null when the night is over. */
export function nextDueAt(releasedAt: Date | number, state: NightState, rules: NightRules): Date | null {
  const due = nextDueOffset(state, rules);
  return due === null ? null : new Date(new Date(releasedAt).getTime() + due);
}

/**
 * The state after the due snapshot was taken and judged. It counts at its due offset; with `takenAtMs` (the
 * offset it was actually taken at) past later due offsets, at the latest of them (the missed ones are skipped).
 * Throws once the night is over.
 */
export function afterSnapshot(state: NightState, clean: boolean, rules: NightRules, takenAtMs?: number): NightState {
  const due = nextDueOffset(state, rules);
  if (due === null) throw new RangeError('the first night is over: no snapshot is due');
  let at = due;
  if (takenAtMs !== undefined) {
    for (let next = dueAfter(at, inFastCadence(state), rules); next !== null && next <= takenAtMs; next = dueAfter(at, inFastCadence(state), rules)) at = next;
  }
  const fastUntilCleanRuns = clean ? Math.max(0, state.fastUntilCleanRuns - 1) : rules.cleanRunsToRecover;
  return { n: state.n + 1, anchorMs: at, fastUntilCleanRuns };
}

/**
 * The state after a breach seen between snapshots at `atMs`: the fast cadence from then on (the next snapshot
 * `fastEveryMs` later, or sooner if a normal one comes first), and the clean run starts over. Already in the
 * fast cadence, its next snapshot stays where it was (moving it would only delay it). No snapshot is counted.
 * At or after the end it changes nothing: the last snapshot is due anyway.
 */
export function breachSeen(state: NightState, atMs: number, rules: NightRules): NightState {
  if (isOver(state, rules) || atMs >= nightEndMs(rules)) return state;
  const anchorMs = inFastCadence(state) ? state.anchorMs : Math.max(state.anchorMs, atMs);
  return { ...state, anchorMs, fastUntilCleanRuns: rules.cleanRunsToRecover };
}

/** The state after these snapshots, from the start of the night (what a restart can rebuild from history). */
export function replay(rules: NightRules, history: readonly { clean: boolean; takenAtMs?: number }[]): NightState {
  return history.reduce<NightState>((s, h) => afterSnapshot(s, h.clean, rules, h.takenAtMs), NIGHT_START);
}

/** How many snapshots the night will have if every one from now on is clean: the `of` in `5/31`. */
export function plannedCount(state: NightState, rules: NightRules): number {
  let s = state;
  while (!isOver(s, rules)) s = afterSnapshot(s, true, rules);
  return s.n;
}

/** The snapshots still due if every one from now on is clean (offsets, ascending). */
export function remainingDue(state: NightState, rules: NightRules): number[] {
  const out: number[] = [];
  for (let s = state; !isOver(s, rules); s = afterSnapshot(s, true, rules)) out.push(nextDueOffset(s, rules) as number);
  return out;
}
