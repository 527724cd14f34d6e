import { httpFlags } from '../../adapters/http-flags.ts';
import { httpProbe } from '../../adapters/http-probe.ts';
import { pgBouncerAdmin } from '../../adapters/pgbouncer-admin.ts';
import { postgresTargetDb } from '../../adapters/postgres-target-db.ts';
import { prometheusMetrics, prometheusTargets } from '../../adapters/prometheus.ts';
import { sntpTimeSource } from '../../adapters/sntp.ts';
import type { SparkConfig } from '../../config/schema.ts';
import type { SimPlatform } from '../../sim/platform.ts';
import { configuredDeployTarget } from '../deploy/target.ts';
import { targetReader } from '../targets.ts';
import type { PreflightSources } from './check.ts';

/** The simulated platform answers every check (console mode and rehearsals). */
export function simulatedSources(sim: SimPlatform): PreflightSources {
  return {
    targetDb: { port: sim.targetDb },
    pgbouncer: { port: sim.pgbouncer },
    headers: { port: { probe: sim.httpProbe, url: 'https://spark.simulated.local/' } },
    flags: { port: sim.flags },
    targets: { port: sim.prometheusTargets },
    metrics: { port: sim.metrics },
    timeSource: { port: sim.timeSource },
    deploy: { port: sim.deploy },
  };
}

/**
 * The real platform, as the config and environment point at it. A target the config names as `$NAME` is read
 * from the environment, so passwords stay out of the file; what is not configured is missing, with the key to set.
 */
export function configuredSources(config: SparkConfig, env: NodeJS.ProcessEnv, prometheusUrl: string | undefined): PreflightSources {
  const p = config.preflight;
  const timeoutMs = p.checkTimeout;
  const from = targetReader(env);
  const prometheus = prometheusUrl ? { url: prometheusUrl } : undefined;
  return {
    targetDb: from('preflight.targetDatabase', p.targetDatabase, (url) => postgresTargetDb(url, { timeoutMs })),
    pgbouncer: from('preflight.pgbouncer.adminUrl', p.pgbouncer.adminUrl, (url) => pgBouncerAdmin(url, { timeoutMs })),
    headers: from('preflight.headers.url', p.headers.url, (url) => ({ probe: httpProbe({ timeoutMs }), url })),
    flags: from('preflight.flags.url', p.flags.url, (url) => httpFlags(url, { timeoutMs })),
    targets: prometheus ? { port: prometheusTargets(prometheus.url, { timeoutMs }) } : { missing: 'PROMETHEUS_URL is not set' },
    metrics: prometheus ? { port: prometheusMetrics(prometheus.url, { timeoutMs }) } : { missing: 'PROMETHEUS_URL is not set' },
    timeSource: from('preflight.timeDrift.ntpServer', p.timeDrift.ntpServer, (server) => sntpTimeSource(server, { timeoutMs })),
    deploy: configuredDeployTarget(config, env),
  };
}
