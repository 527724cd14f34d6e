/** Prometheus's HTTP API as the metrics port (instant queries) and the scrape-targets port. */
import { z } from 'zod';
import { NoDataError, RateLimitedError, SourceError, type MetricsSource } from '../ports/metrics.ts';
import type { PrometheusTargets, ScrapeTarget } from '../ports/prometheus-targets.ts';
import { fetchFailure, withoutCredentials } from './http.ts';

export interface PrometheusOptions {
  /** per request, default 10 s */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

const envelope = z.discriminatedUnion('status', [
  z.object({ status: z.literal('success'), data: z.unknown() }),
  z.object({ status: z.literal('error'), errorType: z.string(), error: z.string() }),
]);

const sample = z.tuple([z.number(), z.string()]);
const queryData = z.discriminatedUnion('resultType', [
  z.object({ resultType: z.literal('vector'), result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: sample })) }),
  z.object({ resultType: z.literal('scalar'), result: sample }),
  z.object({ resultType: z.enum(['matrix', 'string']) }),
]);

const targetsData = z.object({
  activeTargets: z.array(
    z.object({
      labels: z.record(z.string(), z.string()),
      scrapePool: z.string(),
      scrapeUrl: z.string(),
      health: z.string(),
      lastError: z.string(),
    }),
  ),
});

export function prometheusMetrics(baseUrl: string, opts: PrometheusOptions = {}): MetricsSource {
  const api = prometheusApi(baseUrl, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  return {
    async query(promql, at) {
      const form = new URLSearchParams({ query: promql, time: (at.getTime() / 1000).toFixed(3) });
      const data = await api.call('api/v1/query', queryData, { method: 'POST', body: form });
      if (data.resultType === 'scalar') return sampleValue(promql, data.result[1]);
      if (data.resultType !== 'vector') throw new SourceError(`the query answered a ${data.resultType}, not a vector or scalar: ${promql}`);
      const [only, ...more] = data.result;
      if (!only) throw new NoDataError(promql);
      if (more.length > 0) {
        const some = data.result.slice(0, 3).map((s) => seriesName(s.metric));
        throw new SourceError(`the query answered ${data.result.length} series, not exactly one (${some.join(', ')}${more.length > 2 ? ', …' : ''}): ${promql}`);
      }
      return sampleValue(promql, only.value[1]);
    },
    isOnline: () => api.ready(),
  };
}

export function prometheusTargets(baseUrl: string, opts: PrometheusOptions = {}): PrometheusTargets {
  const api = prometheusApi(baseUrl, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  return {
    async targets() {
      const data = await api.call('api/v1/targets?state=active', targetsData);
      return data.activeTargets.map(
        (t): ScrapeTarget => ({
          job: t.labels.job ?? t.scrapePool,
          instance: t.labels.instance ?? t.scrapeUrl,
          health: t.health === 'up' || t.health === 'down' ? t.health : 'unknown',
          lastError: t.lastError,
        }),
      );
    },
  };
}

function prometheusApi(baseUrl: string, timeoutMs: number) {
  // Parsed per request, so a bad URL fails the check that uses it instead of the wiring.
  const endpoint = () => {
    const { url: root, authorization } = withoutCredentials(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`, 'the Prometheus URL');
    const headers: Record<string, string> = authorization ? { authorization } : {};
    return { root, headers, where: `Prometheus at ${root.origin}${root.pathname.replace(/\/$/, '')}` };
  };

  return {
    /** The `data` of an API answer; every other outcome is a `SourceError`. */
    async call<T>(path: string, schema: z.ZodType<T>, init: RequestInit = {}): Promise<T> {
      const { root, headers, where } = endpoint();
      let res: Response;
      let text: string;
      try {
        res = await fetch(new URL(path, root), { ...init, headers, signal: AbortSignal.timeout(timeoutMs) });
        text = await res.text();
      } catch (err) {
        throw new SourceError(`${where} ${fetchFailure(err, timeoutMs)}`, { cause: err });
      }
      const retryAfter = res.headers.get('retry-after');
      if (res.status === 429 || (res.status === 503 && retryAfter !== null)) {
        throw new RateLimitedError(`${where} is throttling requests (HTTP ${res.status})`, retryAfterMs(retryAfter));
      }
      const answer = envelope.safeParse(parseJson(text));
      if (!answer.success) throw new SourceError(`${where} answered HTTP ${res.status} without an API response`);
      if (answer.data.status === 'error') throw new SourceError(`${where} answered an error (${answer.data.errorType}): ${answer.data.error}`);
      const data = schema.safeParse(answer.data.data);
      if (!data.success) throw new SourceError(`${where} answered ${path} in an unexpected shape: ${z.prettifyError(data.error)}`);
      return data.data;
    },

    async ready(): Promise<boolean> {
      try {
        const { root, headers } = endpoint();
        const res = await fetch(new URL('-/ready', root), { headers, signal: AbortSignal.timeout(timeoutMs) });
        await res.body?.cancel();
        return res.status === 200;
      } catch {
        return false;
      }
    },
  };
}

function sampleValue(promql: string, raw: string): number {
  // Prometheus writes infinities as "+Inf" and "-Inf", which Number() reads as NaN.
  const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
  if (Number.isNaN(value)) throw new NoDataError(promql, 'the query answered NaN');
  return value;
}

function seriesName(metric: Record<string, string>): string {
  const { __name__: name = '', ...labels } = metric;
  return `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',')}}`;
}

/** Delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
