import { fillQuery } from '../../config/schema.ts';
import type { Sample } from '../../domain/canary/sample.ts';
import type { CanaryState, TickSamples } from '../../domain/canary/state.ts';
import { conditionsOf } from '../../domain/canary/triggers.ts';
import { NoDataError } from '../../ports/errors.ts';
import type { MetricsSource } from '../../ports/metrics.ts';
import type { Source } from '../preflight/check.ts';
import { withTimeout } from '../timeout.ts';
import type { CanaryDeps } from './run.ts';

/**
 * One query as a sample. A source error is asked again once, when the answer can still come before the next
 * analysis (`deadline`, real time); what remains an error is a gap the canary tolerates, a run of them no data.
 */
async function sampleOf(source: Source<MetricsSource>, promql: string, at: Date, timeoutMs: number, deadline: number): Promise<Sample> {
  if ('missing' in source) return { error: source.missing };
  for (let attempt = 1; ; attempt++) {
    try {
      return await withTimeout(source.port.query(promql, at), timeoutMs);
    } catch (err) {
      if (err instanceof NoDataError) return 'no-data';
      if (attempt >= 2 || performance.now() + timeoutMs > deadline) return { error: (err as Error).message };
    }
  }
}

/**
 * One analysis tick on the canary track: every signal, every trigger condition and the request rate, all at once,
 * each distinct query asked once. The rate becomes the requests served since the previous tick.
 */
export async function measure(deps: Pick<CanaryDeps, 'config' | 'metrics'>, s: CanaryState, at: Date): Promise<TickSamples> {
  const { queryTimeout, requestsQuery } = deps.config.canary;
  const every = s.rules.analysisIntervalMs;
  const deadline = performance.now() + every;
  const asked = new Map<string, Promise<Sample>>();
  const sample = (query: string): Promise<Sample> => {
    const promql = fillQuery(query, { version: s.version, track: 'canary' });
    const pending = asked.get(promql) ?? sampleOf(deps.metrics, promql, at, queryTimeout, deadline);
    asked.set(promql, pending);
    return pending;
  };
  const [signals, triggers, rate] = await Promise.all([
    Promise.all(s.rules.signals.map(async (sig) => [sig.id, await sample(sig.query)] as const)),
    Promise.all(s.rules.triggers.map(async (t) => [t.id, await Promise.all(conditionsOf(t).map((c) => sample(c.query)))] as const)),
    sample(requestsQuery),
  ]);
  return {
    signals: Object.fromEntries(signals),
    triggers: Object.fromEntries(triggers),
    requests: typeof rate === 'number' ? Math.round((rate * every) / 1000) : rate,
  };
}
