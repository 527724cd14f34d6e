/** The simulated platform's web front, feature flags, reference clock and scrape targets: all healthy. */
import type { SparkConfig } from '../config/schema.ts';
import type { Clock } from '../domain/clock.ts';
import type { FlagSource } from '../ports/flags.ts';
import type { HttpProbe } from '../ports/http-probe.ts';
import type { PrometheusTargets, ScrapeTarget } from '../ports/prometheus-targets.ts';
import type { TimeSource } from '../ports/time-source.ts';
import { hash32, prng, wobble } from './noise.ts';

export function createSimHttpProbe(seed: number): HttpProbe {
  const next = prng(hash32(seed, 'csp-nonce'));
  return {
    async headers(url) {
      const origin = new URL(url).origin;
      const nonce = Buffer.from(Array.from({ length: 16 }, () => Math.floor(next() * 256))).toString('base64');
      return {
        status: 200,
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy':
            `default-src 'self'; script-src 'self' 'nonce-${nonce}' 'strict-dynamic'; style-src 'self' 'nonce-${nonce}'; ` +
            `object-src 'none'; base-uri 'none'; frame-ancestors 'none'; report-uri ${origin}/api/csp-report; report-to csp-endpoint`,
          'reporting-endpoints': `csp-endpoint="${origin}/api/csp-report"`,
          'cross-origin-embedder-policy': 'require-corp',
          'cross-origin-opener-policy': 'same-origin',
          'strict-transport-security': 'max-age=31536000; includeSubDomains',
          'x-content-type-options': 'nosniff',
          'referrer-policy': 'strict-origin-when-cross-origin',
        },
      };
    },
  };
}

export function createSimFlags(flags: Record<string, boolean | string>): FlagSource {
  return { flags: async () => ({ ...flags }) };
}

/** A few milliseconds of drift, wandering slowly with the clock. */
export function createSimTimeSource(clock: Clock, seed: number): TimeSource {
  return { offsetMs: async () => Math.round(4 + 3 * wobble(seed, 'ntp-offset', clock.now().getTime(), 600_000)) };
}

/** The jobs the platform is scraped by, plus every `job="…"` the config's queries read. */
export function createSimPrometheusTargets(config: SparkConfig): PrometheusTargets {
  const queries = [
    ...config.signals.map((s) => s.query),
    ...config.triggers.flatMap((t) => ('allOf' in t ? t.allOf.map((p) => p.query) : [t.query])),
    ...config.firstNight.checks.map((c) => c.query),
  ];
  const jobs = new Map<string, string[]>([
    ['spark', ['spark-api-0:9464', 'spark-api-1:9464', 'spark-api-2:9464']],
    ['pgbouncer', ['pgbouncer-exporter:9127']],
    ['postgres', ['postgres-exporter:9187']],
    ['node', ['node-0:9100', 'node-1:9100', 'node-2:9100']],
  ]);
  for (const q of queries) {
    for (const m of q.matchAll(/\bjob="([^"]+)"/g)) {
      const job = m[1] ?? '';
      if (!jobs.has(job)) jobs.set(job, [`${job}:9100`]);
    }
  }
  return {
    targets: async (): Promise<ScrapeTarget[]> =>
      [...jobs].flatMap(([job, instances]) => instances.map((instance) => ({ job, instance, health: 'up' as const, lastError: '' }))),
  };
}
