/**
 * One first-night snapshot's readings: every applicable check's query, `{{version}}` filled in, asked through the
 * metrics port all at once, each with the canary's query timeout. What comes back is a sample per check; the
 * domain judges them, and no data (an empty answer, NaN, an error, no metrics source) is never a pass.
 */
import { fillQuery, type FirstNightCheck } from '../../config/schema.ts';
import type { Sample } from '../../domain/canary/sample.ts';
import { NoDataError } from '../../ports/errors.ts';
import type { MetricsSource } from '../../ports/metrics.ts';
import type { Source } from '../preflight/check.ts';
import { withTimeout } from '../timeout.ts';
import type { FirstNightDeps } from './run.ts';

/** One query as a sample; a source error is asked once more (the next snapshot is minutes away), then kept. */
async function sampleOf(source: Source<MetricsSource>, promql: string, at: Date, timeoutMs: number): Promise<Sample> {
  if ('missing' in source) return { error: source.missing };
  for (let attempt = 1; ; attempt++) {
    try {
      return await withTimeout(source.port.query(promql, at), timeoutMs);
    } catch (err) {
      if (err instanceof NoDataError) return 'no-data';
      if (attempt >= 2) return { error: (err as Error).message };
    }
  }
}

/** The checks' readings at `at`, by check id; each distinct query is asked once. */
export async function measureNight(
  deps: Pick<FirstNightDeps, 'config' | 'metrics'>,
  version: string,
  checks: readonly FirstNightCheck[],
  at: Date,
): Promise<Record<string, Sample>> {
  const timeoutMs = deps.config.canary.queryTimeout;
  const asked = new Map<string, Promise<Sample>>();
  const sample = (query: string): Promise<Sample> => {
    const promql = fillQuery(query, { version });
    const pending = asked.get(promql) ?? sampleOf(deps.metrics, promql, at, timeoutMs);
    asked.set(promql, pending);
    return pending;
  };
  const readings = await Promise.all(checks.map(async (c) => [c.id, await sample(c.query)] as const));
  return Object.fromEntries(readings);
}
