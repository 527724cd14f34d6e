/**
 * The metric families the default ritual's 8 golden signals and 20 triggers read (src/config/schema.ts), served
 * by prom-client on loopback and fed by simulated traffic every 100 ms, so that the default PromQL — histogram
 * quantiles over rates, ratios of counters, quantile_over_time, deriv, changes, subqueries — runs against real
 * series in a real Prometheus. Three scrape jobs, as the queries expect: spark (/metrics), pgbouncer and postgres.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { PlatformExporter } from '../test/fakes/platform-exporter.ts';

const APP = ['app', 'version', 'track'] as const;

export interface Track {
  version: string;
  track: 'stable' | 'canary';
  /** requests per second */
  rps: number;
}

export interface SparkPlatform {
  targets: { job: string; url: string }[];
  stop(): void;
}

export function feedSparkPlatform(exporter: PlatformExporter, tracks: Track[]): SparkPlatform {
  const spark = exporter.registry;
  const reg = (r: Registry) => ({ registers: [r] });
  const latency = new Histogram({ name: 'http_request_duration_seconds', help: 'API latency.', labelNames: APP, buckets: [0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 1, 2.5], ...reg(spark) });
  const requests = new Counter({ name: 'http_requests_total', help: 'API requests.', labelNames: [...APP, 'status'], ...reg(spark) });
  const staleness = new Histogram({ name: 'ws_message_staleness_seconds', help: 'WebSocket data age.', labelNames: APP, buckets: [1, 5, 10, 15, 30, 60, 120, 300], ...reg(spark) });
  const riskBlocks = new Counter({ name: 'risk_blocks_total', help: 'Orders blocked by risk checks.', labelNames: APP, ...reg(spark) });
  const idemConflicts = new Counter({ name: 'idempotency_conflicts_total', help: 'Idempotency conflicts.', labelNames: APP, ...reg(spark) });
  const idemRequests = new Counter({ name: 'idempotency_requests_total', help: 'Idempotent requests.', labelNames: APP, ...reg(spark) });
  const csp = new Counter({ name: 'csp_violation_reports_total', help: 'CSP reports.', labelNames: APP, ...reg(spark) });
  const loopLag = new Gauge({ name: 'nodejs_eventloop_lag_seconds', help: 'Event-loop lag.', labelNames: APP, ...reg(spark) });
  const gc = new Histogram({ name: 'nodejs_gc_duration_seconds', help: 'GC pauses.', labelNames: APP, buckets: [0.001, 0.01, 0.1, 1], ...reg(spark) });
  const cpu = new Counter({ name: 'process_cpu_seconds_total', help: 'CPU time.', labelNames: APP, ...reg(spark) });
  const bist = new Gauge({ name: 'bist_feed_last_message_timestamp_seconds', help: 'Last BIST message.', labelNames: APP, ...reg(spark) });
  const heap = new Gauge({ name: 'nodejs_heap_size_used_bytes', help: 'Heap used.', labelNames: APP, ...reg(spark) });
  const started = new Gauge({ name: 'process_start_time_seconds', help: 'Process start.', labelNames: APP, ...reg(spark) });
  const reconnects = new Counter({ name: 'ws_reconnects_total', help: 'WebSocket reconnects.', labelNames: APP, ...reg(spark) });
  const clients = new Gauge({ name: 'ws_connected_clients', help: 'WebSocket clients.', labelNames: APP, ...reg(spark) });
  const decimals = new Counter({ name: 'decimal_precision_errors_total', help: 'Decimal precision errors.', labelNames: APP, ...reg(spark) });
  const outboxLag = new Histogram({ name: 'outbox_dispatch_lag_seconds', help: 'Outbox lag.', labelNames: APP, buckets: [0.5, 1, 2.5, 5, 10, 30, 60], ...reg(spark) });

  const pgb = exporter.registryAt('/pgbouncer');
  new Gauge({ name: 'pgbouncer_pools_server_active_connections', help: 'Active server connections.', labelNames: ['database'], ...reg(pgb) }).set({ database: 'spark' }, 12);
  new Gauge({ name: 'pgbouncer_databases_pool_size', help: 'Pool size.', labelNames: ['database'], ...reg(pgb) }).set({ database: 'spark' }, 40);
  const pg = exporter.registryAt('/postgres');
  const dead = new Gauge({ name: 'pg_stat_user_tables_n_dead_tup', help: 'Dead tuples.', labelNames: ['relname'], ...reg(pg) });
  const live = new Gauge({ name: 'pg_stat_user_tables_n_live_tup', help: 'Live tuples.', labelNames: ['relname'], ...reg(pg) });
  for (const [relname, n] of [['orders', 120_000], ['fills', 340_000], ['positions', 9_000]] as const) {
    live.set({ relname }, n);
    dead.set({ relname }, Math.round(n * 0.03));
  }
  new Gauge({ name: 'pg_stat_activity_count', help: 'Connections.', labelNames: ['datname'], ...reg(pg) }).set({ datname: 'spark' }, 38);

  const jitter = (v: number, rel: number) => v * (1 + (Math.random() * 2 - 1) * rel);
  const bootedAt = Date.now() / 1000 - 3600;
  for (const t of tracks) {
    const l = { app: 'spark', version: t.version, track: t.track };
    started.set(l, bootedAt);
    clients.set(l, 400 * (t.rps / 100));
    // a counter has a series from its first increment: every one starts at 0, so a rate is 0 and not no data
    for (const c of [decimals, riskBlocks, idemConflicts, csp, reconnects]) c.inc(l, 0);
    requests.inc({ ...l, status: '503' }, 0);
  }

  const TICK_MS = 100;
  const timer = setInterval(() => {
    for (const t of tracks) {
      const l = { app: 'spark', version: t.version, track: t.track };
      const n = Math.max(1, Math.round((t.rps * TICK_MS) / 1000));
      for (let i = 0; i < n; i++) {
        latency.observe(l, Math.max(0.005, jitter(0.09, 0.6)));
        requests.inc({ ...l, status: Math.random() < 0.003 ? '503' : '200' });
        idemRequests.inc(l);
        if (Math.random() < 0.002) idemConflicts.inc(l);
        outboxLag.observe(l, jitter(1.2, 0.5));
      }
      staleness.observe(l, jitter(6, 0.5));
      if (Math.random() < 0.0015) riskBlocks.inc(l);
      if (Math.random() < 0.02) csp.inc(l);
      if (Math.random() < 0.001) reconnects.inc(l);
      loopLag.set(l, jitter(0.012, 0.2));
      gc.observe(l, jitter(0.008, 0.3));
      cpu.inc(l, jitter(0.035, 0.1));
      bist.set(l, Date.now() / 1000 - jitter(1.5, 0.3));
      heap.set(l, jitter(180 * 1024 * 1024, 0.01));
    }
  }, TICK_MS);

  return {
    targets: [
      { job: 'spark', url: exporter.url },
      { job: 'pgbouncer', url: exporter.urlOf('/pgbouncer') },
      { job: 'postgres', url: exporter.urlOf('/postgres') },
    ],
    stop: () => clearInterval(timer),
  };
}
