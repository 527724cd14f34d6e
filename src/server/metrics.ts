import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The bot's own metrics, served on /metrics in every server mode. */
export interface BotMetrics {
  registry: Registry;
  ackSeconds: Histogram<'kind'>;
}

export function createMetrics(): BotMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const ackSeconds = new Histogram({
    name: 'spark_ack_duration_seconds',
    help: 'Time from receiving a Slack request to acknowledging it, by kind (command, action, view).',
    labelNames: ['kind'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return { registry, ackSeconds };
}
