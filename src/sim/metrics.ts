/** The simulated Prometheus: answers the config's queries from the query book, the traffic split and the faults. */
import { NoDataError, SourceError, type MetricsSource } from '../ports/metrics.ts';
import type { Fault } from './faults.ts';
import { wobble } from './noise.ts';
import type { QueryBook, Track } from './queries.ts';

/** Relative noise on a degraded value: small, so it never drifts back inside a threshold. */
const FAULT_NOISE = 0.03;

export interface TrafficView {
  /** % of all traffic a query's version and track receive (100 when it names neither) */
  shareOf(version: string | undefined, track: Track | undefined): number;
  /** the stage a version's canary stands at; 0 when it is not a canary */
  stageOf(version: string): number;
}

export interface SimMetrics extends MetricsSource {
  /** Prometheus unreachable: every query throws `SourceError`, `isOnline` is false. */
  setDown(down: boolean): void;
}

export function createSimMetrics(opts: { book: QueryBook; traffic: TrafficView; faults: readonly Fault[]; seed: number; stableVersion: () => string }): SimMetrics {
  const { book, traffic, faults, seed } = opts;
  let down = false;

  function degradedFamilies(version: string | undefined, track: Track | undefined): Set<string> {
    if (version === undefined || track === 'stable' || version === opts.stableVersion()) return new Set();
    const stage = traffic.stageOf(version);
    return new Set(faults.filter((f) => stage >= f.fromStage).flatMap((f) => book.familiesOf(f.signal)));
  }

  return {
    setDown(on) {
      down = on;
    },
    async isOnline() {
      return !down;
    },
    async query(promql, at) {
      if (down) {
        throw new SourceError('Prometheus is unreachable (simulated: metrics down)', {
          cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9090'), { code: 'ECONNREFUSED' }),
        });
      }
      const found = book.resolve(promql);
      if (!found) throw new NoDataError(promql, 'no series match the query');
      const { template, version, track } = found;
      const family = template.family;
      if (family.perRequest && traffic.shareOf(version, track) === 0) {
        throw new NoDataError(promql, `no traffic on ${version ?? 'the platform'}${track ? ` (${track})` : ''}`);
      }
      const faulted = degradedFamilies(version, track).has(family.id);
      const base = faulted ? family.fault : track === 'stable' || version === opts.stableVersion() ? family.stable : family.canary;
      const t = at.getTime();
      const common = (faulted ? FAULT_NOISE : family.noise) * wobble(seed, family.id, t);
      const own = faulted ? 0 : family.jitter * wobble(seed, `${family.id}/${track ?? version ?? ''}`, t);
      const share = family.byShare ? traffic.shareOf(version, track) / 100 : 1;
      return base * share * (1 + common) * (1 + own) * template.scale;
    },
  };
}
