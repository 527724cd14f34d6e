/** The simulated platform's PostgreSQL and pgBouncer: healthy, and consistent with the metrics the sim answers. */
import type { Clock } from '../domain/clock.ts';
import type { PgBouncer, PoolRow, StatsRow } from '../ports/pgbouncer.ts';
import type { MigrationRow, SequenceRow, TableStats, TargetDb } from '../ports/target-db.ts';

const INT4_MAX = 2_147_483_647;
const INT8_MAX = Number.MAX_SAFE_INTEGER; // stands in for 2^63 - 1 (see SequenceRow)

/** `_prisma_migrations`, every one finished; the name's prefix is when it ran. */
export const SIM_MIGRATIONS = [
  '20250912101500_init',
  '20251020143000_orders_and_trades',
  '20251203091000_outbox',
  '20260114160000_risk_limits',
  '20260302113000_ws_sessions',
  '20260610094500_idempotency_keys',
  '20260918150000_decimal_money_columns',
  '20261110103000_order_idempotency_v2',
] as const;

const SEQUENCES: SequenceRow[] = [
  { name: 'orders_id_seq', lastValue: 1_284_551, maxValue: INT8_MAX, feeds: { table: 'orders', column: 'id' }, columnMax: 1_284_551 },
  { name: 'trades_id_seq', lastValue: 903_118, maxValue: INT8_MAX, feeds: { table: 'trades', column: 'id' }, columnMax: 903_117 },
  { name: 'outbox_events_id_seq', lastValue: 5_410_276, maxValue: INT8_MAX, feeds: { table: 'outbox_events', column: 'id' }, columnMax: 5_410_276 },
  { name: 'risk_events_id_seq', lastValue: 48_213, maxValue: INT4_MAX, feeds: { table: 'risk_events', column: 'id' }, columnMax: 48_210 },
  { name: 'audit_log_id_seq', lastValue: 2_006_734, maxValue: INT8_MAX, feeds: { table: 'audit_log', column: 'id' }, columnMax: 2_006_734 },
];

const TABLES: (Omit<TableStats, 'lastAutovacuum'> & { vacuumedMinutesAgo: number })[] = [
  { table: 'orders', liveTuples: 1_283_900, deadTuples: 20_450, vacuumedMinutesAgo: 47 },
  { table: 'trades', liveTuples: 903_000, deadTuples: 6_100, vacuumedMinutesAgo: 112 },
  { table: 'outbox_events', liveTuples: 412_300, deadTuples: 19_400, vacuumedMinutesAgo: 9 },
  { table: 'idempotency_keys', liveTuples: 288_000, deadTuples: 11_200, vacuumedMinutesAgo: 23 },
  { table: 'positions', liveTuples: 64_200, deadTuples: 830, vacuumedMinutesAgo: 180 },
  { table: 'risk_events', liveTuples: 48_150, deadTuples: 310, vacuumedMinutesAgo: 300 },
];

const POOLS: PoolRow[] = [
  { database: 'spark', user: 'spark_app', cl_active: 184, cl_waiting: 0, sv_active: 14, sv_idle: 11, sv_used: 5, maxwait: 0, pool_mode: 'transaction', pool_size: 40 },
  { database: 'spark', user: 'spark_outbox', cl_active: 4, cl_waiting: 0, sv_active: 2, sv_idle: 2, sv_used: 0, maxwait: 0, pool_mode: 'transaction', pool_size: 40 },
  { database: 'spark_ro', user: 'spark_reporting', cl_active: 12, cl_waiting: 0, sv_active: 3, sv_idle: 5, sv_used: 1, maxwait: 0, pool_mode: 'session', pool_size: 20 },
];

const CONNECTIONS = 42;
/** the database's clock runs this much ahead of the bot's */
const DB_CLOCK_AHEAD_MS = 180;

/** Highest % of the pool in use per database: what the `pgbouncer_saturation` trigger measures. */
export function poolSaturationPercent(pools: readonly PoolRow[] = POOLS): number {
  const byDb = new Map<string, { active: number; size: number }>();
  for (const p of pools) {
    const d = byDb.get(p.database) ?? { active: 0, size: p.pool_size };
    d.active += p.sv_active;
    byDb.set(p.database, d);
  }
  return Math.max(0, ...[...byDb.values()].map((d) => (100 * d.active) / d.size));
}

/** Highest % of dead tuples over all tables: what the `dead_tuple_bloat` trigger measures. */
export function deadTuplePercent(): number {
  return Math.max(...TABLES.map((t) => (100 * t.deadTuples) / Math.max(1, t.liveTuples + t.deadTuples)));
}

function ranAt(name: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})_/.exec(name);
  return m ? new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`) : new Date(0);
}

export function createSimTargetDb(clock: Clock): TargetDb {
  return {
    now: async () => new Date(clock.now().getTime() + DB_CLOCK_AHEAD_MS),
    prismaMigrations: async (): Promise<MigrationRow[]> =>
      SIM_MIGRATIONS.map((name) => ({ name, finishedAt: new Date(ranAt(name).getTime() + 1_800), rolledBackAt: null, logs: null })),
    sequences: async () => SEQUENCES.map((s) => ({ ...s, feeds: s.feeds && { ...s.feeds } })),
    tableStats: async () =>
      TABLES.map(({ vacuumedMinutesAgo, ...t }) => ({ ...t, lastAutovacuum: new Date(clock.now().getTime() - vacuumedMinutesAgo * 60_000) })),
    connectionCount: async () => CONNECTIONS,
  };
}

const STATS: StatsRow[] = [
  { database: 'spark', xactsPerSecond: 1_840, avgQueryMs: 1.4, avgWaitMs: 0 },
  { database: 'spark_ro', xactsPerSecond: 35, avgQueryMs: 12.6, avgWaitMs: 0 },
];

export function createSimPgBouncer(): PgBouncer {
  return { pools: async () => POOLS.map((p) => ({ ...p })), stats: async () => STATS.map((s) => ({ ...s })) };
}
