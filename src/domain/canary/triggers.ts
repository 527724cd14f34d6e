/**
 * The auto-rollback triggers (RITUAL §5): a condition (or `allOf` conditions) that must hold for a `for`
 * window before the trigger fires.
 *
 * A trigger's series is one point per analysis tick: `at` and one value per condition (`null` for no data).
 * A tick where a condition's query failed adds no point: it is a gap. The trigger fires at `now` when the
 * latest run of points that all satisfy the condition
 *   - ends with a point no older than the gap limit (the observation is current),
 *   - has no gap between consecutive points longer than the gap limit (one failed query is tolerated, a run
 *     of them breaks the window), and
 *   - spans at least `for` from its first point to its last.
 * A no-data point breaks the run; for a composite, a point satisfies only when every part has a value and
 * every part meets its own condition. The breach is counted from the first point that saw it, never from
 * before: a 5-minute trigger fires on the tick 5 minutes after the first breaching sample, not earlier.
 *
 * The series is kept bounded: only the last `for` plus the gap limit can matter.
 */
import type { Comparison, Trigger, TriggerCondition } from '../../config/schema.ts';
import { compare, read, type Sample } from './sample.ts';

export interface TriggerPoint {
  at: number;
  /** one per condition, in the trigger's order; null = no data */
  values: (number | null)[];
}

/** The conditions of a trigger: its one condition, or its `allOf` parts. */
export function conditionsOf(t: Trigger): TriggerCondition[] {
  return 'allOf' in t ? t.allOf : [{ query: t.query, comparison: t.comparison, threshold: t.threshold }];
}

/**
 * The point one tick adds for a trigger, or undefined for a gap (a source error in any part, or a sample
 * count that does not match the conditions). A simple trigger takes one sample or a one-element list.
 */
export function pointOf(t: Trigger, samples: Sample | Sample[] | undefined, at: number): TriggerPoint | undefined {
  const n = conditionsOf(t).length;
  const list = samples === undefined ? [] : Array.isArray(samples) ? samples : [samples];
  if (list.length !== n) return undefined;
  const values: (number | null)[] = [];
  for (const s of list) {
    const r = read(s);
    if (r.kind === 'error') return undefined;
    values.push(r.kind === 'value' ? r.value : null);
  }
  return { at, values };
}

const satisfies = (conds: TriggerCondition[], p: TriggerPoint): boolean =>
  conds.length > 0 && conds.every((c, i) => {
    const v = p.values[i];
    return v !== null && v !== undefined && compare(v, c.comparison, c.threshold);
  });

/** A condition's values over the current run: the latest, and the worst (furthest past its threshold). */
export interface ConditionValues {
  comparison: Comparison;
  threshold: number;
  latest: number | null;
  worst: number | null;
}

export interface TriggerWindow {
  id: string;
  /** the latest point satisfies the condition (a breach is building or has fired) */
  holding: boolean;
  /** the first point of the current run, when holding */
  since?: number;
  /** how long the condition has held (first to latest point of the run); 0 when not holding */
  heldMs: number;
  forMs: number;
  fires: boolean;
  /** the trigger cannot see: no point within the gap limit, or its latest point has no data */
  blind: boolean;
  values: ConditionValues[];
}

/** The trigger's window at `now` over its series (oldest first). Pure; see the module comment. */
export function windowOf(t: Trigger, points: readonly TriggerPoint[], now: number, gapLimitMs: number): TriggerWindow {
  const conds = conditionsOf(t);
  const last = points[points.length - 1];
  const blank = (p?: TriggerPoint): ConditionValues[] =>
    conds.map((c, i) => ({ comparison: c.comparison, threshold: c.threshold, latest: p?.values[i] ?? null, worst: null }));
  const current = last !== undefined && now - last.at <= gapLimitMs;
  const blind = !current || last.values.some((v) => v === null);
  if (!current || !satisfies(conds, last)) {
    return { id: t.id, holding: false, heldMs: 0, forMs: t.for, fires: false, blind, values: blank(current ? last : undefined) };
  }
  let first = points.length - 1;
  while (first > 0) {
    const prev = points[first - 1] as TriggerPoint;
    const here = points[first] as TriggerPoint;
    if (here.at - prev.at > gapLimitMs || !satisfies(conds, prev)) break;
    first--;
  }
  const run = points.slice(first);
  const since = (run[0] as TriggerPoint).at;
  const heldMs = last.at - since;
  const values = conds.map((c, i): ConditionValues => {
    const vs = run.map((p) => p.values[i] as number);
    const worst = c.comparison === '>' || c.comparison === '>=' ? Math.max(...vs) : Math.min(...vs);
    return { comparison: c.comparison, threshold: c.threshold, latest: last.values[i] ?? null, worst };
  });
  return { id: t.id, holding: true, since, heldMs, forMs: t.for, fires: heldMs >= t.for, blind: false, values };
}

/** The series after adding `point` (if any) and dropping what can no longer matter at `now`. */
export function extend(t: Trigger, points: readonly TriggerPoint[], point: TriggerPoint | undefined, now: number, gapLimitMs: number): TriggerPoint[] {
  const keepFrom = now - t.for - gapLimitMs;
  const kept = points.filter((p) => p.at >= keepFrom && (point === undefined || p.at < point.at));
  const series = point ? [...kept, point] : kept;
  // Nothing before the latest point that does not satisfy the condition can join a run: a healthy trigger keeps one point.
  const conds = conditionsOf(t);
  const lastBreak = series.findLastIndex((p) => !satisfies(conds, p));
  return lastBreak > 0 ? series.slice(lastBreak) : series;
}

/** A fired trigger as the rollback reports it: which one, since when, and the values that fired it. */
export interface FiredTrigger {
  id: string;
  group: Trigger['group'];
  description: string;
  forMs: number;
  since: number;
  heldMs: number;
  values: ConditionValues[];
}

export function fired(t: Trigger, w: TriggerWindow): FiredTrigger {
  return { id: t.id, group: t.group, description: t.description, forMs: t.for, since: w.since ?? 0, heldMs: w.heldMs, values: w.values };
}
