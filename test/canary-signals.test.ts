import { describe, expect, it } from 'vitest';
import { defaultConfig, type Signal } from '../src/config/schema.ts';
import { formatNumber, formatValue, formatVsBaseline } from '../src/domain/canary/format.ts';
import { gapLimitOf, median, read, weightedMedian } from '../src/domain/canary/sample.ts';
import { emptyTrack, hasData, judge, limitOf, missingFor, record, statusOf, type SignalTrack } from '../src/domain/canary/signals.ts';

const cfg = defaultConfig();
const signal = (id: string): Signal => {
  const s = cfg.signals.find((x) => x.id === id);
  if (!s) throw new Error(`no signal ${id}`);
  return s;
};
const BASELINE = { csp_violations: 1.2 };
const SEC = 1000;
const GAP = gapLimitOf(10 * SEC);

describe('judging one sample against its threshold', () => {
  it('uses the fixed thresholds of the config with their comparison', () => {
    expect(judge(signal('api_p95'), 200, {})).toEqual({ verdict: 'pass', value: 200, limit: 200 });
    expect(judge(signal('api_p95'), 200.1, {})).toMatchObject({ verdict: 'fail', limit: 200 });
    expect(judge(signal('error_rate_5xx'), 0.3, {}).verdict).toBe('pass');
    expect(judge({ id: 'x', comparison: '<', threshold: 5 }, 5, {}).verdict).toBe('fail');
    expect(judge({ id: 'x', comparison: '>=', threshold: 5 }, 5, {}).verdict).toBe('pass');
    expect(judge({ id: 'x', comparison: '>', threshold: 5 }, 5, {}).verdict).toBe('fail');
  });

  it('judges CSP violations against the preflight baseline plus 10 %, not against a fixed number', () => {
    const csp = signal('csp_violations');
    expect(csp.threshold).toEqual({ baselinePlusPercent: 10 });
    expect(limitOf(csp, BASELINE)).toBeCloseTo(1.32, 10);
    expect(judge(csp, 1.248, BASELINE)).toMatchObject({ verdict: 'pass' });
    expect(judge(csp, 1.31, BASELINE).verdict).toBe('pass');
    expect(judge(csp, 1.33, BASELINE).verdict).toBe('fail');
    // the same value on a platform with a lower baseline is a breach
    expect(judge(csp, 1.248, { csp_violations: 1.0 }).verdict).toBe('fail');
    expect(judge(csp, 1.248, { csp_violations: 2.0 }).verdict).toBe('pass');
  });

  it('never passes a baseline-relative signal without a baseline', () => {
    expect(limitOf(signal('csp_violations'), {})).toBeUndefined();
    expect(judge(signal('csp_violations'), 0, {})).toEqual({ verdict: 'no-data', value: 0, why: 'no baseline from the preflight' });
  });

  it('treats no data, NaN and source errors as no data, never as a pass', () => {
    expect(judge(signal('api_p95'), 'no-data', {}).verdict).toBe('no-data');
    expect(judge(signal('api_p95'), Number.NaN, {}).verdict).toBe('no-data');
    expect(judge(signal('api_p95'), { error: 'timeout after 5s' }, {})).toMatchObject({ verdict: 'no-data', why: 'source error: timeout after 5s' });
    expect(judge(signal('api_p95'), undefined, {}).verdict).toBe('no-data');
  });

  it('keeps an infinite value as a (JSON-safe) breach', () => {
    expect(read(Number.POSITIVE_INFINITY)).toEqual({ kind: 'value', value: Number.MAX_VALUE });
    expect(judge(signal('api_p95'), Number.POSITIVE_INFINITY, {}).verdict).toBe('fail');
  });
});

describe("a signal's data over time", () => {
  const feed = (samples: [number, Parameters<typeof record>[1]][]): SignalTrack =>
    samples.reduce((t, [at, s]) => record(t, s, at * SEC, 0), emptyTrack());

  it('tolerates one failed query but not a run of them, which counts as no data from the first error', () => {
    const one = feed([[10, 140], [20, { error: 'timeout' }]]);
    expect(hasData(one, 20 * SEC, GAP)).toBe(true);
    expect(hasData(one, 30 * SEC, GAP)).toBe(true); // 20 s since the last value: one missed tick
    const run = feed([[10, 140], [20, { error: 'timeout' }], [30, { error: 'timeout' }], [40, { error: 'timeout' }]]);
    expect(hasData(run, 40 * SEC, GAP)).toBe(false);
    expect(missingFor(run, 40 * SEC, GAP)).toBe(20 * SEC);
    const back = record(run, 141, 50 * SEC, 0);
    expect(hasData(back, 50 * SEC, GAP)).toBe(true);
    expect(back.missingSince).toBeUndefined();
  });

  it('has no data at once on a no-data answer', () => {
    const t = feed([[10, 140], [20, 'no-data']]);
    expect(hasData(t, 20 * SEC, GAP)).toBe(false);
    expect(missingFor(t, 50 * SEC, GAP)).toBe(30 * SEC);
  });

  it('judges a stage on the median of its samples, so one spike does not fail it', () => {
    const t = feed([[10, 140], [20, 150], [30, 390], [40, 145], [50, 138]]);
    const st = statusOf(signal('api_p95'), t, {}, 50 * SEC, GAP);
    expect(st).toMatchObject({ median: 145, latest: 138, n: 5, verdict: 'pass', limit: 200 });
    const bad = feed([[10, 240], [20, 230], [30, 150]]);
    expect(statusOf(signal('api_p95'), bad, {}, 30 * SEC, GAP)).toMatchObject({ median: 230, verdict: 'fail' });
  });

  it('keeps only the stage window', () => {
    let t = emptyTrack();
    for (let i = 1; i <= 200; i++) t = record(t, 140, i * 10 * SEC, i * 10 * SEC - 15 * 60 * SEC);
    expect(t.samples.length).toBe(91);
  });

  it('does not count a value measured before the stage began in the new stage', () => {
    const before = record(emptyTrack(), 140, 10 * SEC, 0);
    const stale = record(before, 900, 19 * SEC, 20 * SEC);
    expect(stale.samples).toEqual([]);
    expect(stale.lastValue).toBe(140);
    expect(record(stale, 150, 21 * SEC, 20 * SEC).samples).toEqual([[21 * SEC, 150]]);
  });
});

describe('medians and formatting', () => {
  it('computes medians, weighted ones as if each value were repeated by its weight', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeUndefined();
    expect(weightedMedian([{ value: 150, weight: 270 }, { value: 110, weight: 90 }, { value: 105, weight: 180 }])).toBe(130);
    expect(weightedMedian([{ value: 150, weight: 10 }, { value: 110, weight: 1 }, { value: 105, weight: 1 }])).toBe(150);
    expect(weightedMedian([{ value: 1, weight: 0 }])).toBeUndefined();
  });

  it('rounds values as the one-liner writes them', () => {
    expect(formatValue(140.4, 'ms')).toBe('140ms');
    expect(formatValue(8.2, 'ms')).toBe('8ms');
    expect(formatValue(0.31, '%')).toBe('0.3%');
    expect(formatValue(11.3, 's')).toBe('11s');
    expect(formatValue(2.25, 's')).toBe('2.3s');
    expect(formatValue(0.1, '/min')).toBe('0.1/min');
    expect(formatValue(0.04, '%')).toBe('0.04%');
    expect(formatNumber(0, '%')).toBe('0');
    expect(formatNumber(1, '%')).toBe('1');
    expect(formatVsBaseline(1.248, 1.2)).toBe('baseline+4%');
    expect(formatVsBaseline(1.164, 1.2)).toBe('baseline-3%');
    expect(formatVsBaseline(0, 0)).toBe('baseline+0%');
    expect(formatVsBaseline(1, 0)).toBeUndefined();
  });
});
