/** pgBouncer's pools, read from its admin console (the `pgbouncer` pseudo-database). */
import pg from 'pg';
import { SourceError } from '../ports/errors.ts';
import type { PgBouncer, PoolMode, PoolRow, StatsRow } from '../ports/pgbouncer.ts';
import { redactUrl } from './redact-url.ts';

const ADMIN_DB = 'pgbouncer';
const POOL_MODES: readonly string[] = ['session', 'transaction', 'statement'] satisfies PoolMode[];
const COUNTS = ['cl_active', 'cl_waiting', 'sv_active', 'sv_idle', 'sv_used', 'maxwait'] as const;
const STATS = ['avg_xact_count', 'avg_query_time', 'avg_wait_time'] as const;

type Row = Record<string, unknown>;

function toPoolRow(pool: Row, poolSizes: ReadonlyMap<string, number>): PoolRow {
  const missing = COUNTS.filter((c) => !(c in pool));
  if (missing.length) throw new SourceError(`SHOW POOLS has no ${missing.join(', ')}`);
  const database = String(pool.database);
  const poolSize = poolSizes.get(database);
  if (poolSize === undefined) throw new SourceError(`SHOW DATABASES has no ${database}`);
  const mode = String(pool.pool_mode);
  if (!POOL_MODES.includes(mode)) throw new SourceError(`pool ${database} has an unknown pool_mode ${mode}`);
  return {
    database,
    user: String(pool.user),
    cl_active: Number(pool.cl_active),
    cl_waiting: Number(pool.cl_waiting),
    sv_active: Number(pool.sv_active),
    sv_idle: Number(pool.sv_idle),
    sv_used: Number(pool.sv_used),
    // maxwait is whole seconds; maxwait_us (since 1.8) holds the microseconds beyond them
    maxwait: Number(pool.maxwait) + Number(pool.maxwait_us ?? 0) / 1e6,
    pool_mode: mode as PoolMode,
    pool_size: poolSize,
  };
}

function toStatsRow(row: Row): StatsRow {
  const missing = STATS.filter((c) => !(c in row));
  if (missing.length) throw new SourceError(`SHOW STATS has no ${missing.join(', ')}`);
  // averages are per second (counts) and in microseconds (times)
  return { database: String(row.database), xactsPerSecond: Number(row.avg_xact_count), avgQueryMs: Number(row.avg_query_time) / 1000, avgWaitMs: Number(row.avg_wait_time) / 1000 };
}

export function pgBouncerAdmin(adminUrl: string, opts: { timeoutMs?: number } = {}): PgBouncer {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  /** One connection to the console for `what`; plain query text only: the console speaks the simple query protocol. */
  async function onConsole<T>(what: string, read: (client: pg.Client) => Promise<T>): Promise<T> {
    // No statement_timeout: the console refuses startup parameters it does not know.
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return await read(client);
    } catch (err) {
      if (err instanceof SourceError) throw err;
      throw new SourceError(`pgBouncer ${what} from ${redactUrl(adminUrl)}: ${(err as Error).message}`, { cause: err });
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return {
    pools: () =>
      onConsole('pools', async (client) => {
        const pools = (await client.query<Row>('SHOW POOLS')).rows;
        const databases = (await client.query<Row>('SHOW DATABASES')).rows;
        const poolSizes = new Map(databases.map((d) => [String(d.name), Number(d.pool_size)]));
        return pools.filter((p) => p.database !== ADMIN_DB).map((p) => toPoolRow(p, poolSizes));
      }),
    stats: () => onConsole('stats', async (client) => (await client.query<Row>('SHOW STATS')).rows.filter((r) => r.database !== ADMIN_DB).map(toStatsRow)),
  };
}
