import { describe, expect, it } from 'vitest';
import { defaultConfig, type Trigger } from '../src/config/schema.ts';
import { gapLimitOf, type Sample } from '../src/domain/canary/sample.ts';
import { conditionsOf, extend, pointOf, windowOf, type TriggerPoint } from '../src/domain/canary/triggers.ts';

const cfg = defaultConfig();
const trigger = (id: string): Trigger => {
  const t = cfg.triggers.find((x) => x.id === id);
  if (!t) throw new Error(`no trigger ${id}`);
  return t;
};
const SEC = 1000;
const MIN = 60 * SEC;
const INTERVAL = 10 * SEC;
const GAP = gapLimitOf(INTERVAL);

/**
 * Feeds a trigger one tick every 10 s from 10 s to `untilSec`, as the machine does (bounded series), and
 * returns the first moment it fires (seconds), or undefined, plus the window at that moment.
 */
function firstFire(t: Trigger, sampleAt: (sec: number) => Sample | Sample[], untilSec: number) {
  let points: TriggerPoint[] = [];
  let longest = 0;
  for (let sec = 10; sec <= untilSec; sec += 10) {
    const at = sec * SEC;
    points = extend(t, points, pointOf(t, sampleAt(sec), at), at, GAP);
    longest = Math.max(longest, points.length);
    const w = windowOf(t, points, at, GAP);
    if (w.fires) return { sec, w, longest };
  }
  return { sec: undefined, w: undefined, longest };
}

describe('a trigger window', () => {
  const p95 = trigger('api_p95_high'); // API p95 > 400 for 5 min

  it('fires when the condition has held for exactly its window, counted from the first breaching sample', () => {
    const r = firstFire(p95, (sec) => (sec >= 120 ? 450 : 140), 3600);
    expect(r.sec).toBe(120 + 300);
    expect(r.w).toMatchObject({ id: 'api_p95_high', holding: true, since: 120 * SEC, heldMs: 5 * MIN, forMs: 5 * MIN, fires: true });
    expect(r.w?.values).toEqual([{ comparison: '>', threshold: 400, latest: 450, worst: 450 }]);
  });

  it('does not fire one tick before the window is covered', () => {
    const points: TriggerPoint[] = [];
    for (let sec = 120; sec <= 410; sec += 10) points.push({ at: sec * SEC, values: [450] });
    expect(windowOf(p95, points, 410 * SEC, GAP)).toMatchObject({ holding: true, heldMs: 290 * SEC, fires: false });
    expect(windowOf(p95, [...points, { at: 420 * SEC, values: [450] }], 420 * SEC, GAP).fires).toBe(true);
  });

  it('reports the worst value of the run along with the latest', () => {
    const r = firstFire(p95, (sec) => (sec < 100 ? 140 : sec === 200 ? 520 : 430), 3600);
    expect(r.w?.values[0]).toMatchObject({ latest: 430, worst: 520 });
  });

  it('never completes a window for a flapping signal', () => {
    expect(firstFire(p95, (sec) => ((sec / 10) % 2 === 0 ? 450 : 140), 3600).sec).toBeUndefined();
    expect(firstFire(p95, (sec) => (Math.floor(sec / 60) % 5 === 4 ? 140 : 450), 3600).sec).toBeUndefined(); // 4 min on, 1 min off
  });

  it('tolerates one missed or failed query inside the window but not two in a row', () => {
    const oneGap = firstFire(p95, (sec) => (sec === 200 ? { error: 'timeout' } : sec >= 120 ? 450 : 140), 3600);
    expect(oneGap.sec).toBe(420);
    const twoGaps = firstFire(p95, (sec) => (sec === 200 || sec === 210 ? { error: 'timeout' } : sec >= 120 ? 450 : 140), 3600);
    expect(twoGaps.sec).toBe(220 + 300);
  });

  it('is broken by a no-data sample', () => {
    const r = firstFire(p95, (sec) => (sec === 300 ? 'no-data' : sec >= 120 ? 450 : 140), 3600);
    expect(r.sec).toBe(310 + 300);
  });

  it('does not fire on an old observation', () => {
    const points: TriggerPoint[] = [];
    for (let sec = 0; sec <= 600; sec += 10) points.push({ at: sec * SEC, values: [450] });
    expect(windowOf(p95, points, 600 * SEC, GAP).fires).toBe(true);
    expect(windowOf(p95, points, 640 * SEC, GAP)).toMatchObject({ fires: false, holding: false, blind: true });
  });

  it('keeps only the last window plus the gap tolerance', () => {
    const r = firstFire(trigger('dead_tuple_bloat'), () => 5, 3 * 3600);
    expect(r.sec).toBeUndefined();
    expect(r.longest).toBeLessThanOrEqual((10 * MIN + GAP) / INTERVAL + 1);
  });

  it('keeps one point while the condition does not hold, and a building breach from the point before it', () => {
    expect(firstFire(p95, () => 140, 3600).longest).toBe(1);
    let points: TriggerPoint[] = [];
    for (const [sec, v] of [[10, 140], [20, 140], [30, 450], [40, 460]] as const) points = extend(p95, points, pointOf(p95, v, sec * SEC), sec * SEC, GAP);
    expect(points.map((p) => p.at / SEC)).toEqual([20, 30, 40]);
    expect(windowOf(p95, points, 40 * SEC, GAP)).toMatchObject({ holding: true, since: 30 * SEC, heldMs: 10 * SEC });
  });
});

describe('a composite trigger', () => {
  const corr = trigger('error_risk_correlation'); // 5xx > 1 % while risk blocks > 1/min, for 2 min

  it('fires only when all parts have held together for the window', () => {
    expect(conditionsOf(corr)).toHaveLength(2);
    // 5xx high from 60 s; risk blocks high only from 300 s
    const r = firstFire(corr, (sec) => [sec >= 60 ? 1.4 : 0.3, sec >= 300 ? 1.6 : 0.1], 3600);
    expect(r.sec).toBe(300 + 120);
    expect(r.w?.values).toEqual([
      { comparison: '>', threshold: 1, latest: 1.4, worst: 1.4 },
      { comparison: '>', threshold: 1, latest: 1.6, worst: 1.6 },
    ]);
  });

  it('never fires while only one part holds', () => {
    expect(firstFire(corr, () => [2.5, 0.1], 3600).sec).toBeUndefined();
    expect(firstFire(corr, () => [0.3, 2.5], 3600).sec).toBeUndefined();
  });

  it('is broken when one part has no data', () => {
    const r = firstFire(corr, (sec) => [1.4, sec === 100 ? 'no-data' : 1.6], 3600);
    expect(r.sec).toBe(110 + 120);
  });

  it('takes a tick with a failed part, or the wrong number of parts, as a gap', () => {
    expect(pointOf(corr, [1.4, { error: 'refused' }], 0)).toBeUndefined();
    expect(pointOf(corr, [1.4], 0)).toBeUndefined();
    expect(pointOf(corr, [1.4, Number.NaN], 0)).toEqual({ at: 0, values: [1.4, null] });
    expect(pointOf(trigger('api_p95_high'), 450, 0)).toEqual({ at: 0, values: [450] });
  });
});
