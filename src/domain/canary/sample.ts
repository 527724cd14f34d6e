/**
 * One measurement the caller hands to the canary: a number, "no data" (the source answered with no samples,
 * or NaN), or a source error (unreachable, timed out, refused, ambiguous). The caller maps the metrics port's
 * named errors: `NoDataError` → `'no-data'`, any other `SourceError` → `{ error: message }`.
 *
 * The two kinds of missing differ on purpose. No data is an answer ("nothing was measured") and counts as
 * missing at once. A source error is the absence of an answer: one isolated error is a gap the analysis
 * tolerates, a run of them (a gap longer than `gapLimitMs`) is treated as no data.
 */
import type { Comparison } from '../../config/schema.ts';

export type Sample = number | 'no-data' | { error: string };

export type Reading = { kind: 'value'; value: number } | { kind: 'no-data' } | { kind: 'error'; message: string };

/** The largest finite number: ±Infinity is stored as this, so the state stays JSON and still compares right. */
const BIG = Number.MAX_VALUE;

/** A sample as one of three kinds. NaN is no data (Prometheus' empty ratio); ±Infinity is clamped, never dropped. */
export function read(sample: Sample | undefined): Reading {
  if (sample === undefined) return { kind: 'error', message: 'no sample was given' };
  if (sample === 'no-data') return { kind: 'no-data' };
  if (typeof sample === 'number') {
    if (Number.isNaN(sample)) return { kind: 'no-data' };
    return { kind: 'value', value: Math.max(-BIG, Math.min(BIG, sample)) };
  }
  return { kind: 'error', message: sample.error };
}

/** `value comparison limit`, the way a config line reads: `api_p95 <= 200`. */
export function compare(value: number, comparison: Comparison, limit: number): boolean {
  switch (comparison) {
    case '<=':
      return value <= limit;
    case '<':
      return value < limit;
    case '>=':
      return value >= limit;
    case '>':
      return value > limit;
  }
}

/**
 * How far apart two consecutive samples may be and still count as one unbroken observation: two analysis
 * intervals and a half. One missed or failed query (a 2-interval gap, with some jitter) is tolerated; two in
 * a row (3 intervals) break it.
 */
export const gapLimitOf = (analysisIntervalMs: number): number => Math.round(analysisIntervalMs * 2.5);

/** The median; the mean of the two middle values for an even count; undefined for none. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const hi = sorted[mid] as number;
  return sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] as number) + hi) / 2;
}

/**
 * The weighted median: the value where the cumulative weight reaches half the total, or the mean of the two
 * values on either side when it reaches exactly half (as `median` does for an even count: with integer weights
 * it is the median of the list where each value appears `weight` times). Entries without weight are ignored;
 * undefined when nothing weighs.
 */
export function weightedMedian(entries: readonly { value: number; weight: number }[]): number | undefined {
  const kept = entries.filter((e) => e.weight > 0).sort((a, b) => a.value - b.value);
  const total = kept.reduce((sum, e) => sum + e.weight, 0);
  let seen = 0;
  for (const [i, e] of kept.entries()) {
    seen += e.weight;
    if (seen * 2 === total) {
      const after = kept[i + 1];
      return after === undefined ? e.value : (e.value + after.value) / 2;
    }
    if (seen * 2 > total) return e.value;
  }
  return undefined;
}
