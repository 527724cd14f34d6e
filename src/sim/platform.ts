/**
 * The simulated Spark platform: in-process implementations of every data-source port, healthy by default,
 * with faults injectable per signal and stage. For the console and `rehearse`, never for server modes.
 */
import type { SparkConfig } from '../config/schema.ts';
import type { Clock } from '../domain/clock.ts';
import type { FlagSource } from '../ports/flags.ts';
import type { HttpProbe } from '../ports/http-probe.ts';
import type { PgBouncer } from '../ports/pgbouncer.ts';
import type { PrometheusTargets } from '../ports/prometheus-targets.ts';
import type { TargetDb } from '../ports/target-db.ts';
import type { TimeSource } from '../ports/time-source.ts';
import { createSimPgBouncer, createSimTargetDb } from './database.ts';
import { createSimDeploy, type SimDeploy } from './deploy.ts';
import { resolveSignal, stageAt, type Fault } from './faults.ts';
import { createSimMetrics, type SimMetrics } from './metrics.ts';
import { createSimPager, type SimPager } from './pager.ts';
import { createSimFlags, createSimHttpProbe, createSimPrometheusTargets, createSimTimeSource } from './probes.ts';
import { buildQueryBook, PLATFORM_RPS, type Track } from './queries.ts';

export interface SimOptions {
  config: SparkConfig;
  clock: Clock;
  /** same seed, same clock time → same values (default 1) */
  seed?: number;
  /** `{ signal: 'p95', fromStage: 3 }`; signal ids or aliases */
  faults?: Fault[];
  /** the version serving the traffic no canary takes (default v1.3.2) */
  stableVersion?: string;
  /** the platform's feature flags (default: what the config expects for this release) */
  flags?: Record<string, boolean | string>;
}

export interface SimPlatform {
  metrics: SimMetrics;
  deploy: SimDeploy;
  targetDb: TargetDb;
  pgbouncer: PgBouncer;
  httpProbe: HttpProbe;
  flags: FlagSource;
  timeSource: TimeSource;
  pager: SimPager;
  prometheusTargets: PrometheusTargets;
  /** the faults in force, signal aliases resolved to ids */
  readonly faults: readonly Fault[];
  /** Prometheus unreachable (true) or back (false). */
  metricsDown(on: boolean): void;
  /** the stage a version's canary weight stands at (0: no canary traffic) */
  stageOf(version: string): number;
  /** requests per second the platform sends to a version (and track) now */
  requestsPerSecond(version: string, track?: Track): number;
}

export function createSimPlatform(opts: SimOptions): SimPlatform {
  const { config, clock } = opts;
  const seed = opts.seed ?? 1;
  const faults = (opts.faults ?? []).map((f) => {
    const id = resolveSignal(f.signal, config.signals);
    if (!id.ok) throw new Error(id.error);
    if (!(Number.isInteger(f.fromStage) && f.fromStage >= 1 && f.fromStage <= config.stages.length)) {
      throw new Error(`stage must be a whole number from 1 to ${config.stages.length}, got ${f.fromStage} for ${f.signal}`);
    }
    return { signal: id.value, fromStage: f.fromStage };
  });

  const deploy = createSimDeploy({ clock, stableVersion: opts.stableVersion ?? 'v1.3.2' });
  const shareOf = (version: string | undefined, track: Track | undefined) => {
    if (track === 'stable') return deploy.weightOf(deploy.stableVersion());
    if (version === undefined) return 100;
    if (track === 'canary' && version === deploy.stableVersion()) return 0;
    return deploy.weightOf(version);
  };
  const stageOf = (version: string) => (version === deploy.stableVersion() ? 0 : stageAt(deploy.weightOf(version), config.stages));
  const metrics = createSimMetrics({
    book: buildQueryBook(config),
    traffic: { shareOf, stageOf },
    faults,
    seed,
    stableVersion: () => deploy.stableVersion(),
  });

  return {
    metrics,
    deploy,
    targetDb: createSimTargetDb(clock),
    pgbouncer: createSimPgBouncer(),
    httpProbe: createSimHttpProbe(seed),
    flags: createSimFlags(opts.flags ?? config.preflight.flags.expected),
    timeSource: createSimTimeSource(clock, seed),
    pager: createSimPager(seed),
    prometheusTargets: createSimPrometheusTargets(config),
    faults,
    metricsDown: (on) => metrics.setDown(on),
    stageOf,
    requestsPerSecond: (version, track) => (PLATFORM_RPS * shareOf(version, track)) / 100,
  };
}
