import { findingOf, type Finding, type Outcome } from '../../../domain/preflight/finding.ts';
import type { PoolRow } from '../../../ports/pgbouncer.ts';
import { fmt, need, type PreflightCheck } from '../check.ts';

interface DatabaseUse {
  database: string;
  used: number;
  size: number;
  waiting: number;
  maxwait: number;
  pct: number;
}

/** Per database: server connections in use against its pool size, and clients waiting for one. */
export function useByDatabase(pools: PoolRow[]): DatabaseUse[] {
  const byDb = new Map<string, DatabaseUse>();
  for (const p of pools) {
    const d = byDb.get(p.database) ?? { database: p.database, used: 0, size: p.pool_size, waiting: 0, maxwait: 0, pct: 0 };
    d.used += p.sv_active;
    d.waiting += p.cl_waiting;
    d.maxwait = Math.max(d.maxwait, p.maxwait);
    d.pct = d.size > 0 ? (100 * d.used) / d.size : 100;
    byDb.set(p.database, d);
  }
  return [...byDb.values()];
}

export function judgePools(pools: PoolRow[], warnAt: number, failAt: number): { outcome: Outcome; line: string }[] {
  return useByDatabase(pools).map((d) => {
    const { database: db, pct } = d;
    const outcome: Outcome = d.waiting > 0 || pct >= failAt ? 'fail' : pct >= warnAt ? 'warn' : 'pass';
    const waiting = d.waiting > 0 ? `, ${d.waiting} client${d.waiting === 1 ? '' : 's'} waiting (longest ${d.maxwait} s)` : '';
    return { outcome, line: `${db}: ${d.used}/${d.size} server connections in use (${fmt(pct)} %)${waiting}` };
  });
}

/** Check 3: pgBouncer's pools from its admin console. */
export const pgbouncerCheck: PreflightCheck = {
  id: 'pgbouncer',
  title: 'pgBouncer saturation',
  async run({ config, sources }): Promise<Finding> {
    const { warnAtPercent, failAtPercent } = config.preflight.pgbouncer;
    const bouncer = need(sources.pgbouncer);
    const [pools, stats] = await Promise.all([bouncer.pools(), bouncer.stats()]);
    if (pools.length === 0) return { outcome: 'fail', summary: 'pgBouncer reports no pools', lines: ['SHOW POOLS returned no rows'] };
    const parts = [
      ...judgePools(pools, warnAtPercent, failAtPercent),
      // for the record: the load behind the pool figures
      ...stats.map((s) => ({ outcome: 'pass' as const, line: `${s.database}: ${fmt(s.xactsPerSecond)} transactions/s, query ${fmt(s.avgQueryMs, 2)} ms, wait ${fmt(s.avgWaitMs, 2)} ms on average` })),
    ];
    const busiest = Math.max(...useByDatabase(pools).map((d) => d.pct));
    const databases = useByDatabase(pools).length;
    return findingOf(parts, `${databases} database${databases === 1 ? '' : 's'}, busiest at ${fmt(busiest)} % of its pool, no client waiting`, { pools, stats });
  },
};
