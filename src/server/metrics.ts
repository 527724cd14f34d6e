import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Clock } from '../domain/clock.ts';
import { outboxCounts } from '../engine/outbox.ts';
import { timerCounts } from '../engine/timers.ts';
import type { Sql } from '../store/db.ts';

/** The bot's own metrics, served on /metrics in every server mode. */
export interface BotMetrics {
  registry: Registry;
  ackSeconds: Histogram<'kind'>;
}

/** Shares one read among the gauges of one scrape; the next scrape reads again. */
function oncePerScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (!pending) {
      pending = read();
      void pending.finally(() => setImmediate(() => (pending = undefined))).catch(() => undefined);
    }
    return pending;
  };
}

export function createMetrics(db: Sql, clock: Clock): BotMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const ackSeconds = new Histogram({
    name: 'spark_ack_duration_seconds',
    help: 'Time from receiving a Slack request to acknowledging it, by kind (command, action, view).',
    labelNames: ['kind'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  // Read from the database at scrape time (every replica reports the shared truth), each table once per scrape.
  const outbox = oncePerScrape(() => outboxCounts(db, clock.now()));
  const timers = oncePerScrape(() => timerCounts(db, clock.now()));
  const gauge = (name: string, help: string, read: () => Promise<number>) =>
    new Gauge({ name, help, registers: [registry], async collect() { this.set(await read()); } });
  gauge('spark_outbox_pending', 'Outbox rows not yet delivered.', async () => (await outbox()).pending);
  gauge('spark_outbox_parked', 'Outbox rows that kept failing and were parked (kept, not dropped).', async () => (await outbox()).parked);
  gauge('spark_outbox_lag_seconds', 'Age of the oldest undelivered outbox row.', async () => (await outbox()).lagSeconds);
  gauge('spark_timers_pending', 'Durable timers waiting to run.', async () => (await timers()).pending);
  gauge('spark_timers_parked', 'Durable timers that kept failing and were parked.', async () => (await timers()).parked);
  gauge('spark_timer_lag_seconds', 'How late the most overdue timer is.', async () => (await timers()).lagSeconds);
  return { registry, ackSeconds };
}
