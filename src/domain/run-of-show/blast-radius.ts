/**
 * The micro blast-radius test judged (RITUAL §7, T-10): the request rate, the error rate and the p95 latency of a
 * short burst against the canary, against the configured thresholds. Not configured is skipped with the reason,
 * never a pass; a burst in which no request was answered fails.
 */
import type { Finding } from '../preflight/finding.ts';

export interface BurstReading {
  requests: number;
  errors: number;
  elapsedMs: number;
  latenciesMs: readonly number[];
  statuses: Readonly<Record<string, number>>;
  firstFailure?: string;
}

export interface BurstThresholds {
  p95Ms: number;
  errorRatePercent: number;
}

export interface BurstPlan {
  url: string;
  durationMs: number;
  concurrency: number;
}

export interface BurstMeasure {
  requests: number;
  /** requests per second over the burst */
  rate: number;
  errorRatePercent: number;
  /** undefined when no request was answered */
  p95Ms: number | undefined;
}

/** The nearest-rank percentile (q in (0, 1]) of the values; undefined for none. */
export function percentile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1];
}

export function measureOf(r: BurstReading): BurstMeasure {
  return {
    requests: r.requests,
    rate: r.elapsedMs > 0 ? (r.requests * 1000) / r.elapsedMs : 0,
    errorRatePercent: r.requests > 0 ? (100 * r.errors) / r.requests : 0,
    p95Ms: percentile(r.latenciesMs, 0.95),
  };
}

const round = (n: number, digits: number) => Number(n.toFixed(digits)).toString();

/** `312.4 req/s · 0.3 % errors · p95 14 ms` */
export const measureLine = (m: BurstMeasure): string =>
  `${round(m.rate, 1)} req/s · ${round(m.errorRatePercent, 2)} % errors · p95 ${m.p95Ms === undefined ? 'none (no answer)' : `${round(m.p95Ms, 1)} ms`}`;

/** Where the test looked and what it allows: the first lines of every outcome's evidence. */
function planLines(plan: BurstPlan | undefined, t: BurstThresholds): string[] {
  return [
    ...(plan ? [`target: GET ${plan.url}`, `burst: ${round(plan.durationMs / 1000, 1)} s at ${plan.concurrency} request${plan.concurrency === 1 ? '' : 's'} in flight`] : []),
    `passes with: p95 ≤ ${t.p95Ms} ms and errors ≤ ${t.errorRatePercent} %`,
  ];
}

/** Not configured: skipped, the reason in the summary and the evidence. */
export function skippedBurst(why: string, t: BurstThresholds): Finding {
  return { outcome: 'skipped', summary: `skipped: ${why}`, lines: [`SKIP  ${why}`, ...planLines(undefined, t)] };
}

/** The burst could not run at all (a bad URL): a fail with the reason. */
export function failedBurst(plan: BurstPlan, why: string, t: BurstThresholds): Finding {
  return { outcome: 'fail', summary: why, lines: [`FAIL  ${why}`, ...planLines(plan, t)] };
}

export function judgeBurst(plan: BurstPlan, r: BurstReading, t: BurstThresholds): Finding {
  const m = measureOf(r);
  const problems: string[] = [];
  if (r.requests === 0) problems.push('no request finished within the burst');
  else if (m.p95Ms === undefined) problems.push('no request was answered');
  if (m.p95Ms !== undefined && m.p95Ms > t.p95Ms) problems.push(`p95 ${round(m.p95Ms, 1)} ms > ${t.p95Ms} ms`);
  if (r.requests > 0 && m.errorRatePercent > t.errorRatePercent) problems.push(`errors ${round(m.errorRatePercent, 2)} % > ${t.errorRatePercent} %`);
  const statuses = Object.entries(r.statuses)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${status}: ${n}`)
    .join(', ');
  const lines = [
    `${problems.length ? 'FAIL' : 'ok  '}  ${measureLine(m)}`,
    ...planLines(plan, t),
    `requests: ${r.requests} in ${round(r.elapsedMs / 1000, 2)} s, ${r.errors} error${r.errors === 1 ? '' : 's'}`,
    `answers: ${statuses || 'none'}`,
    ...(r.firstFailure ? [`first request without an answer: ${r.firstFailure}`] : []),
    ...problems.map((p) => `FAIL  ${p}`),
  ];
  const data = { requests: m.requests, rate: m.rate, errorRatePercent: m.errorRatePercent, p95Ms: m.p95Ms ?? null };
  return problems.length
    ? { outcome: 'fail', summary: `${problems.join('; ')} (${measureLine(m)})`, lines, data }
    : { outcome: 'pass', summary: measureLine(m), lines, data };
}

const OUTCOME = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skipped: 'SKIPPED' } as const;

/** The test's evidence file: the outcome, what was seen, and the numbers as data. */
export function burstEvidence(e: { runId: number; at: string; finding: Finding }): string {
  const { finding } = e;
  return [
    `Run of show ${e.runId} · T-10 micro blast-radius test · ${e.at}`,
    '',
    `Outcome: **${OUTCOME[finding.outcome]}** — ${finding.summary}`,
    '',
    '## What was seen',
    ...finding.lines,
    ...(finding.data ? ['', '## Data', '```json', JSON.stringify(finding.data, null, 2), '```'] : []),
    '',
  ].join('\n');
}
