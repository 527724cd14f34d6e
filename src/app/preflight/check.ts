import type { SparkConfig } from '../../config/schema.ts';
import type { Finding } from '../../domain/preflight/finding.ts';
import type { DeployTarget } from '../../ports/deploy.ts';
import type { FlagSource } from '../../ports/flags.ts';
import type { HttpProbe } from '../../ports/http-probe.ts';
import type { MetricsSource } from '../../ports/metrics.ts';
import type { PgBouncer } from '../../ports/pgbouncer.ts';
import type { PrometheusTargets } from '../../ports/prometheus-targets.ts';
import type { TargetDb } from '../../ports/target-db.ts';
import type { TimeSource } from '../../ports/time-source.ts';

/** A data source a check reads, or why there is none (the check is then skipped with that reason). */
export type Source<T> = { port: T } | { missing: string };

export interface PreflightSources {
  targetDb: Source<TargetDb>;
  pgbouncer: Source<PgBouncer>;
  headers: Source<{ probe: HttpProbe; url: string }>;
  flags: Source<FlagSource>;
  targets: Source<PrometheusTargets>;
  metrics: Source<MetricsSource>;
  timeSource: Source<TimeSource>;
  deploy: Source<DeployTarget>;
}

export interface CheckContext {
  version: string;
  actor: string;
  host: string;
  /** The bot's clock: read it for the moment of a measurement, never for how long something took. */
  now: () => Date;
  config: SparkConfig;
  sources: PreflightSources;
  /** HMAC-SHA-256 with the evidence key. */
  seal: (text: string) => string;
  /** The connection count the previous preflight saw, for creep. */
  previousConnections?: number;
}

export interface PreflightCheck {
  id: string;
  title: string;
  run(ctx: CheckContext): Promise<Finding>;
}

/** Thrown by `need` when a source is not configured: the runner turns it into a skipped finding. */
export class NotConfigured extends Error {}

export function need<T>(source: Source<T>): T {
  if ('missing' in source) throw new NotConfigured(source.missing);
  return source.port;
}

export const fmt = (n: number, digits = 1) => (Number.isInteger(n) ? String(n) : n.toFixed(digits));
