/**
 * What the simulated platform knows about the metrics the default ritual reads. A query is recognised by
 * the metric it reads, so a signal, a trigger and a first-night check over the same metric agree.
 * Values are in a base unit (ms, %, /min, s, …); `scale` converts to what a given query returns.
 */
import { deadTuplePercent, poolSaturationPercent } from './database.ts';

export interface KnownFamily {
  id: string;
  /** recognises the query text */
  match: RegExp;
  /** healthy value on the stable track (the baseline) */
  stable: number;
  /** the canary's healthy value relative to stable (1.04: stable + 4 %) */
  canaryRatio?: number;
  /** relative noise amplitude: 0.05 is ±5 % */
  noise: number;
  /** fed by requests: a track with no traffic has no samples */
  perRequest: boolean;
  /** value when degraded by a fault (the sim pushes it past the config's thresholds too) */
  fault?: number;
  /** families that degrade with this one (a silent BIST feed makes WebSocket data stale) */
  companions?: string[];
  /** base unit → the query's unit */
  scale?: (query: string) => number;
}

/** 1 when the query says `* 1000` (ms), else it answers seconds. */
const msOrSeconds = (q: string) => (/\b1000\b/.test(q) ? 1 : 0.001);
/** per minute as the base: `60 * rate` → 1; `increase(…[1h])` → 60; a bare rate → per second. */
function perMinute(q: string): number {
  const inc = /increase\([^[]*\[(\d+)([smh])\]\)/.exec(q);
  if (inc) return (Number(inc[1]) * { s: 1 / 60, m: 1, h: 60 }[inc[2] as 's' | 'm' | 'h']);
  return /\b60\s*\*/.test(q) ? 1 : 1 / 60;
}

/** First match wins. */
export const KNOWN_FAMILIES: readonly KnownFamily[] = [
  { id: 'http_errors', match: /http_requests_total\{.*status=~"5\.\."/, stable: 0.3, noise: 0.2, perRequest: true, fault: 4.5 },
  { id: 'http_latency', match: /http_request_duration_seconds_bucket/, stable: 140, noise: 0.05, perRequest: true, fault: 450, scale: msOrSeconds },
  { id: 'ws_staleness', match: /ws_message_staleness_seconds_bucket/, stable: 11, noise: 0.1, perRequest: true, fault: 140, companions: ['bist_feed_age'] },
  { id: 'bist_feed_age', match: /bist_feed_last_message_timestamp_seconds/, stable: 1.5, noise: 0.3, perRequest: false, fault: 150 },
  { id: 'risk_blocks', match: /risk_blocks_total/, stable: 0.1, noise: 0.3, perRequest: true, fault: 2.8, scale: perMinute },
  { id: 'idempotency_conflicts', match: /idempotency_conflicts_total/, stable: 0.2, noise: 0.2, perRequest: true, fault: 6.5 },
  { id: 'csp_violations', match: /csp_violation_reports_total/, stable: 1.2, canaryRatio: 1.04, noise: 0.05, perRequest: true, fault: 70, scale: perMinute },
  { id: 'event_loop_lag', match: /nodejs_eventloop_lag_seconds/, stable: 12, noise: 0.1, perRequest: false, fault: 130, scale: msOrSeconds },
  { id: 'gc_pause', match: /nodejs_gc_duration_seconds/, stable: 8, noise: 0.1, perRequest: false, fault: 48, scale: msOrSeconds },
  { id: 'cpu', match: /process_cpu_seconds_total/, stable: 35, noise: 0.1, perRequest: false },
  { id: 'heap_growth', match: /nodejs_heap_size_used_bytes/, stable: 0.4, noise: 0.5, perRequest: false },
  { id: 'restarts', match: /process_start_time_seconds/, stable: 0, noise: 0, perRequest: false },
  { id: 'ws_reconnects', match: /ws_reconnects_total/, stable: 0.6, noise: 0.3, perRequest: true },
  { id: 'decimal_errors', match: /decimal_precision_errors_total/, stable: 0, noise: 0, perRequest: true },
  { id: 'outbox_lag', match: /outbox_dispatch_lag_seconds_bucket/, stable: 2.4, noise: 0.15, perRequest: true },
  { id: 'pool_saturation', match: /pgbouncer_pools_server_active_connections/, stable: poolSaturationPercent(), noise: 0.05, perRequest: false },
  { id: 'dead_tuples', match: /pg_stat_user_tables_n_dead_tup/, stable: deadTuplePercent(), noise: 0.05, perRequest: false },
  { id: 'connection_creep', match: /pg_stat_activity_count/, stable: 0.1, noise: 1, perRequest: false },
];

export function knownFamilyOf(query: string): KnownFamily | undefined {
  return KNOWN_FAMILIES.find((f) => f.match.test(query));
}
