/**
 * How the canary writes numbers: the short labels of the golden signals (the ones the release one-liner
 * uses), values with their unit, and the one-line metrics summary of a war-room minute.
 *
 * Rounding: milliseconds are whole (`140ms`); every other unit keeps one decimal below 10 and none from 10 up
 * (`0.3%`, `11s`, `0.1/min`); a value that would round to 0 but is not 0 keeps two significant digits
 * (`0.04%`), so a small non-zero rate never reads as zero.
 */
import { formatDuration } from '../../config/duration.ts';
import type { Comparison, Unit } from '../../config/schema.ts';

/** How a comparison reads next to its threshold: `≤ 200ms`. */
export const SIGN: Record<Comparison, string> = { '<=': '≤', '<': '<', '>=': '≥', '>': '>' };

interface Label {
  label: string;
  /** printed with `~` (a quantile estimate read off a histogram) */
  approx?: boolean;
  /** a runtime signal of the process (event loop, GC): listed after the service signals */
  runtime?: boolean;
}

/** The default signals' short labels; a signal not listed here is written by its id. */
const LABELS: Record<string, Label> = {
  api_p95: { label: 'p95', approx: true },
  error_rate_5xx: { label: '5xx' },
  ws_staleness_p95: { label: 'ws_stale_p95' },
  risk_block_rate: { label: 'risk_block' },
  idempotency_conflicts: { label: 'idemp_conflict' },
  csp_violations: { label: 'csp_viol' },
  event_loop_lag_p95: { label: 'event-loop p95', runtime: true },
  gc_pause_avg: { label: 'GC avg', runtime: true },
};

export const labelOf = (signalId: string): string => LABELS[signalId]?.label ?? signalId;
export const isApprox = (signalId: string): boolean => LABELS[signalId]?.approx === true;
/** Runtime signals (event-loop lag, GC pause) are not among the stage's service metrics the one-liner counts. */
export const isRuntimeSignal = (signalId: string): boolean => LABELS[signalId]?.runtime === true;

const trim = (s: string): string => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);

/** The number alone, rounded as the module comment says. */
export function formatNumber(value: number, unit: Unit): string {
  if (value === 0 || !Number.isFinite(value)) return Number.isFinite(value) ? '0' : String(value);
  const a = Math.abs(value);
  let s: string;
  if (unit === 'ms' && a >= 1) s = String(Math.round(value));
  else if (a >= 10) s = String(Math.round(value));
  else {
    s = trim(value.toFixed(1));
    if (Number(s) === 0) s = String(Number(value.toPrecision(2)));
  }
  return s === '-0' ? '0' : s;
}

/** A value with its unit, as the one-liner and the minutes write it: `140ms`, `0.3%`, `0.1/min`. */
export const formatValue = (value: number, unit: Unit): string => `${formatNumber(value, unit)}${unit}`;

/** A value relative to its baseline, in whole percent: `baseline+4%`, `baseline-3%`; undefined when the baseline is 0 and the value is not. */
export function formatVsBaseline(value: number, baseline: number): string | undefined {
  if (baseline === 0) return value === 0 ? 'baseline+0%' : undefined;
  const pct = Math.round(((value - baseline) / Math.abs(baseline)) * 100);
  return pct < 0 ? `baseline-${Math.abs(pct)}%` : `baseline+${pct}%`;
}

/** Durations for people, to the second: `5m`, `2m30s`, `45s`, `1h15m`. */
export const formatDurationShort = (ms: number): string => formatDuration(Math.max(0, Math.round(ms / 1000)) * 1000);
