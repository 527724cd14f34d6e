/**
 * The golden signals (RITUAL §5): judging one value against its threshold, and what a signal has seen during
 * a stage.
 *
 * A threshold is a number, or `{ baselinePlusPercent: p }`: the preflight's baseline of that signal (its value
 * on the stable track, preflight check 9) plus p percent of it. A signal whose threshold needs a baseline that
 * was not captured cannot be judged: that is never a pass.
 *
 * A signal passes a stage when, at the judgement, it has data now and the stage's value of it — the median of
 * its samples during the stage — meets the threshold. The median keeps one noisy sample from failing (or
 * passing) a stage; a sustained breach is the triggers' job, which roll back without waiting for the hold.
 */
import type { Signal } from '../../config/schema.ts';
import { compare, median, read, type Sample } from './sample.ts';

/** The limit a signal is judged against, or undefined when it needs a baseline that is missing. */
export function limitOf(signal: Pick<Signal, 'id' | 'threshold'>, baseline: Readonly<Record<string, number>>): number | undefined {
  if (typeof signal.threshold === 'number') return signal.threshold;
  const base = baseline[signal.id];
  if (base === undefined || !Number.isFinite(base)) return undefined;
  return base + (Math.abs(base) * signal.threshold.baselinePlusPercent) / 100;
}

/** Whether the signal's threshold is relative to the preflight baseline. */
export const isBaselineRelative = (signal: Pick<Signal, 'threshold'>): boolean => typeof signal.threshold !== 'number';

export type Verdict = 'pass' | 'fail' | 'no-data';

export interface Judgement {
  verdict: Verdict;
  /** the value judged, when there was one */
  value?: number;
  /** the limit it was judged against, when known */
  limit?: number;
  /** why there is no verdict on a value: no data, a source error, a missing baseline */
  why?: string;
}

/** One value (or a missing one) against the signal's threshold. No data, an error or a missing baseline is `no-data`. */
export function judge(signal: Pick<Signal, 'id' | 'comparison' | 'threshold'>, sample: Sample | undefined, baseline: Readonly<Record<string, number>>): Judgement {
  const limit = limitOf(signal, baseline);
  const r = read(sample);
  if (r.kind === 'no-data') return { verdict: 'no-data', why: 'no data', ...(limit !== undefined ? { limit } : {}) };
  if (r.kind === 'error') return { verdict: 'no-data', why: `source error: ${r.message}`, ...(limit !== undefined ? { limit } : {}) };
  if (limit === undefined) return { verdict: 'no-data', value: r.value, why: 'no baseline from the preflight' };
  return { verdict: compare(r.value, signal.comparison, limit) ? 'pass' : 'fail', value: r.value, limit };
}

/**
 * What one signal has seen. Times are epoch milliseconds. `samples` holds this stage's values only, and at
 * most the last hold's worth of them (an extended stage is judged on its latest hold).
 */
export interface SignalTrack {
  /** `[at, value]`, oldest first: this stage's values */
  samples: [number, number][];
  /** the latest value and when it was measured (kept across stages) */
  lastValue?: number;
  lastValueAt?: number;
  /** the latest sample of any kind: when, and what it was */
  lastAt?: number;
  last?: 'value' | 'no-data' | 'error';
  /** the latest source error's message, while the latest sample is an error */
  error?: string;
  /** the first missing sample (no data or error) after the latest value; absent while data flows */
  missingSince?: number;
}

export const emptyTrack = (): SignalTrack => ({ samples: [] });

/**
 * The track after one more sample at `at`; values older than `keepFrom` leave the stage window, so a sample taken
 * before the stage began (a tick measured while a promotion committed) is not counted in the new stage.
 */
export function record(track: SignalTrack, sample: Sample | undefined, at: number, keepFrom: number): SignalTrack {
  const r = read(sample);
  const samples = track.samples.filter(([t]) => t >= keepFrom);
  if (r.kind === 'value' && at < keepFrom) return { ...track, samples };
  if (r.kind === 'value') {
    return { samples: [...samples, [at, r.value]], lastValue: r.value, lastValueAt: at, lastAt: at, last: 'value' };
  }
  const { error: _error, ...rest } = track;
  return {
    ...rest,
    samples,
    lastAt: at,
    last: r.kind,
    ...(r.kind === 'error' ? { error: r.message } : {}),
    missingSince: track.missingSince ?? at,
  };
}

/** A new stage: the values start over; what is known about missing data carries on. */
export const newStage = (track: SignalTrack): SignalTrack => ({ ...track, samples: [] });

/**
 * Whether the signal has data at `now`: its latest sample is a value, or an isolated source error within the
 * gap tolerance of one. A no-data answer, or a run of errors longer than the tolerance, is no data.
 */
export function hasData(track: SignalTrack, now: number, gapLimitMs: number): boolean {
  if (track.lastValueAt === undefined || track.last === 'no-data') return false;
  return now - track.lastValueAt <= gapLimitMs;
}

/** How long the signal has been without data at `now`; 0 while it has data. */
export function missingFor(track: SignalTrack, now: number, gapLimitMs: number): number {
  if (hasData(track, now, gapLimitMs)) return 0;
  const since = track.missingSince ?? track.lastValueAt;
  return since === undefined ? 0 : Math.max(0, now - since);
}

/** A signal at a moment of the stage: its stage value, its latest value, and the verdict on the stage so far. */
export interface SignalStatus {
  id: string;
  name: string;
  unit: Signal['unit'];
  comparison: Signal['comparison'];
  /** the limit, when known (a baseline-relative one needs the baseline) */
  limit?: number;
  /** the median of this stage's values */
  median?: number;
  /** how many values the stage has */
  n: number;
  latest?: number;
  /** pass/fail on the stage median; no-data when the signal has no data now or no value this stage, or no baseline */
  verdict: Verdict;
  /** for no-data: why (no data, source error, no baseline), and for how long */
  why?: string;
  missingForMs?: number;
}

export function statusOf(signal: Signal, track: SignalTrack, baseline: Readonly<Record<string, number>>, now: number, gapLimitMs: number): SignalStatus {
  const limit = limitOf(signal, baseline);
  const m = median(track.samples.map(([, v]) => v));
  const base: SignalStatus = {
    id: signal.id,
    name: signal.name,
    unit: signal.unit,
    comparison: signal.comparison,
    n: track.samples.length,
    verdict: 'no-data',
    ...(limit !== undefined ? { limit } : {}),
    ...(m !== undefined ? { median: m } : {}),
    ...(track.lastValue !== undefined ? { latest: track.lastValue } : {}),
  };
  if (!hasData(track, now, gapLimitMs)) {
    const why = track.last === 'error' ? `source error: ${track.error ?? 'unknown'}` : track.lastAt === undefined ? 'not measured yet' : 'no data';
    return { ...base, why, missingForMs: missingFor(track, now, gapLimitMs) };
  }
  if (m === undefined) return { ...base, why: 'no value this stage yet' };
  if (limit === undefined) return { ...base, why: 'no baseline from the preflight' };
  return { ...base, verdict: compare(m, signal.comparison, limit) ? 'pass' : 'fail' };
}
