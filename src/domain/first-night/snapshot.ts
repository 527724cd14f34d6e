/**
 * One first-night snapshot (RITUAL §6), judged: every configured check's value against its threshold, the
 * way the canary judges a golden signal (`judge` in canary/signals.ts), and its trend since the previous
 * snapshot. And the night so far, folded from its snapshots into a small JSON summary.
 *
 * - A check with `onlyUntil` (CSP violations: the first 2 h) applies while the snapshot's offset is at most
 *   `onlyUntil` (T+2h still has it, T+2h30m does not); later it is skipped, neither passed nor failed.
 * - No data (an empty answer, NaN, a source error, a missing reading) is never a pass: the check's outcome is
 *   `no-data`, and the snapshot is not clean.
 * - A snapshot is clean iff every applicable check passed (vacuously clean with no applicable check).
 * - The trend compares a check's value with its value in the previous snapshot: `up`/`down` with the delta,
 *   `flat` when both read the same once rounded as format.ts writes them (140.2ms and 139.8ms are both `140ms`),
 *   `first` when there is no previous value to compare with (the first snapshot, or no data last time), and
 *   `none` when there is no value now.
 */
import type { Comparison, FirstNightCheck, Unit } from '../../config/schema.ts';
import { formatNumber } from '../canary/format.ts';
import type { Sample } from '../canary/sample.ts';
import { judge, type Verdict } from '../canary/signals.ts';

export type Trend = { dir: 'up' | 'down' | 'flat'; delta: number; previous: number } | { dir: 'first' } | { dir: 'none' };

export interface CheckResult {
  id: string;
  name: string;
  unit: Unit;
  comparison: Comparison;
  threshold: number;
  outcome: Verdict;
  /** the value judged, when there was one */
  value?: number;
  /** for no-data: why (no data, source error: …) */
  why?: string;
  trend: Trend;
}

export interface SnapshotResult {
  /** offset from the release (stage 5 passed), in ms */
  offsetMs: number;
  /** the applicable checks, in config order */
  checks: CheckResult[];
  /** ids of the checks skipped because their `onlyUntil` had passed */
  skipped: string[];
  /** every applicable check passed */
  clean: boolean;
}

/** A snapshot's values by check id: what the next snapshot's trend compares with (small enough to persist). */
export type SnapshotValues = Readonly<Record<string, number>>;

/** Whether a check applies at this offset from the release. */
export const appliesAt = (check: Pick<FirstNightCheck, 'onlyUntil'>, offsetMs: number): boolean =>
  check.onlyUntil === undefined || offsetMs <= check.onlyUntil;

/** The trend of a value against the previous one (see the module comment). */
export function trendOf(value: number | undefined, previous: number | undefined, unit: Unit): Trend {
  if (value === undefined) return { dir: 'none' };
  if (previous === undefined) return { dir: 'first' };
  const delta = value - previous;
  const dir = delta === 0 || formatNumber(value, unit) === formatNumber(previous, unit) ? 'flat' : delta > 0 ? 'up' : 'down';
  return { dir, delta, previous };
}

/**
 * Judges one snapshot. `readings` holds each check's measurement by id (a missing one is no data);
 * `previous` the previous snapshot's values (`valuesOf`), for the trends.
 */
export function judgeSnapshot(
  checks: readonly FirstNightCheck[],
  readings: Readonly<Record<string, Sample | undefined>>,
  at: { offsetMs: number; previous?: SnapshotValues },
): SnapshotResult {
  const results: CheckResult[] = [];
  const skipped: string[] = [];
  for (const check of checks) {
    if (!appliesAt(check, at.offsetMs)) {
      skipped.push(check.id);
      continue;
    }
    const j = judge(check, readings[check.id], {});
    results.push({
      id: check.id,
      name: check.name,
      unit: check.unit,
      comparison: check.comparison,
      threshold: check.threshold,
      outcome: j.verdict,
      ...(j.value !== undefined ? { value: j.value } : {}),
      ...(j.why !== undefined ? { why: j.why } : {}),
      trend: trendOf(j.value, at.previous?.[check.id], check.unit),
    });
  }
  return { offsetMs: at.offsetMs, checks: results, skipped, clean: results.every((c) => c.outcome === 'pass') };
}

/** The values a snapshot measured, by check id (checks without a value are left out). */
export function valuesOf(result: SnapshotResult): SnapshotValues {
  const out: Record<string, number> = {};
  for (const c of result.checks) if (c.value !== undefined) out[c.id] = c.value;
  return out;
}

/** The checks that kept a snapshot from being clean: failed or without data. */
export const breachesOf = (result: SnapshotResult): CheckResult[] => result.checks.filter((c) => c.outcome !== 'pass');

// ---------------------------------------------------------------------------------------------
// The night so far
// ---------------------------------------------------------------------------------------------

export interface BreachRecord {
  /** the snapshot's number (1-based) */
  n: number;
  offsetMs: number;
  /** the checks that failed or had no data, without their trend */
  checks: Omit<CheckResult, 'trend'>[];
}

/** A check's worst value of the night: the highest for a `<`/`<=` check, the lowest for a `>`/`>=` one. */
export interface WorstValue {
  id: string;
  name: string;
  unit: Unit;
  comparison: Comparison;
  threshold: number;
  value: number;
  offsetMs: number;
}

/** The night folded from its snapshots: JSON, a few hundred bytes plus the breaches. */
export interface NightSummary {
  /** snapshots taken */
  taken: number;
  /** of them, clean */
  clean: number;
  /** the non-clean snapshots, oldest first */
  breaches: BreachRecord[];
  /** per check, in the order first seen */
  worst: WorstValue[];
  /** the latest snapshot's offset and whether it was clean */
  last?: { n: number; offsetMs: number; clean: boolean };
}

export const emptyNight = (): NightSummary => ({ taken: 0, clean: 0, breaches: [], worst: [] });

const worse = (cmp: Comparison, a: number, b: number): boolean => (cmp === '<' || cmp === '<=' ? a > b : a < b);

/** The summary after one more snapshot (numbered `taken + 1`). */
export function foldSnapshot(summary: NightSummary, result: SnapshotResult): NightSummary {
  const n = summary.taken + 1;
  const worst = summary.worst.map((w) => ({ ...w }));
  for (const c of result.checks) {
    if (c.value === undefined) continue;
    const w = worst.find((x) => x.id === c.id);
    const entry: WorstValue = { id: c.id, name: c.name, unit: c.unit, comparison: c.comparison, threshold: c.threshold, value: c.value, offsetMs: result.offsetMs };
    if (!w) worst.push(entry);
    else if (worse(c.comparison, c.value, w.value)) Object.assign(w, entry);
  }
  const bad = breachesOf(result);
  return {
    taken: n,
    clean: summary.clean + (result.clean ? 1 : 0),
    breaches: result.clean ? summary.breaches : [...summary.breaches, { n, offsetMs: result.offsetMs, checks: bad.map(({ trend: _trend, ...rest }) => rest) }],
    worst,
    last: { n, offsetMs: result.offsetMs, clean: result.clean },
  };
}
