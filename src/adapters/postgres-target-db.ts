/** Preflight's facts read from the platform's real PostgreSQL. */
import pg from 'pg';
import { SourceError } from '../ports/errors.ts';
import type { MigrationRow, SequenceRow, TableStats, TargetDb } from '../ports/target-db.ts';
import { redactUrl } from './redact-url.ts';

const UNDEFINED_TABLE = '42P01';

/** `schema.name`, or just `name` in `public` (how the ritual names tables and sequences). */
const shown = (schema: string, name: string) => (schema === 'public' ? name : `${schema}.${name}`);

/** int8 and numeric arrive as strings; see SequenceRow for why a number will do. */
const num = (v: string | number | null) => (v === null ? null : Number(v));

// Each sequence with the column it feeds: the owning column (serial, identity, OWNED BY) first, else a
// column whose default calls nextval() on it.
const SEQUENCES = `
  SELECT s.schemaname, s.sequencename, s.last_value::text, s.max_value::text,
         tn.nspname AS table_schema, t.relname AS table_name, a.attname AS column_name,
         a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'numeric'::regtype) AS numeric_column
    FROM pg_sequences s
    JOIN pg_namespace n ON n.nspname = s.schemaname
    JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.sequencename
    LEFT JOIN LATERAL (
      SELECT d.refobjid AS relid, d.refobjsubid AS attnum, 0 AS rank
        FROM pg_depend d
       WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass
         AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i')
      UNION ALL
      SELECT ad.adrelid, ad.adnum, 1
        FROM pg_depend d JOIN pg_attrdef ad ON ad.oid = d.objid
       WHERE d.classid = 'pg_attrdef'::regclass AND d.refclassid = 'pg_class'::regclass AND d.refobjid = c.oid
      ORDER BY rank, relid, attnum
      LIMIT 1
    ) f ON true
    LEFT JOIN pg_class t ON t.oid = f.relid
    LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace
    LEFT JOIN pg_attribute a ON a.attrelid = f.relid AND a.attnum = f.attnum
   WHERE s.schemaname NOT IN ('pg_catalog', 'information_schema')
   ORDER BY s.schemaname, s.sequencename`;

interface SequenceFact {
  schemaname: string;
  sequencename: string;
  last_value: string | null;
  max_value: string;
  table_schema: string | null;
  table_name: string | null;
  column_name: string | null;
  numeric_column: boolean | null;
}

export function postgresTargetDb(connectionString: string, opts: { timeoutMs?: number } = {}): TargetDb & { close(): Promise<void> } {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const pool = new pg.Pool({
    connectionString,
    max: 2,
    application_name: 'spark-ritual preflight',
    connectionTimeoutMillis: timeoutMs,
    // Sent as a startup parameter, which pgBouncer refuses: point this at PostgreSQL itself, not a pooler.
    statement_timeout: timeoutMs,
    // statement_timeout needs a server that answers; this one also ends a wait on a silent network.
    query_timeout: timeoutMs + 1_000,
  });
  // A dropped idle connection must not crash the bot; the next query opens another.
  pool.on('error', () => undefined);

  async function rows<R extends pg.QueryResultRow>(what: string, text: string): Promise<R[]> {
    try {
      return (await pool.query<R>(text)).rows;
    } catch (err) {
      throw new SourceError(`${what} from ${redactUrl(connectionString)}: ${(err as Error).message}`, { cause: err });
    }
  }

  async function columnMax(f: SequenceFact): Promise<number | null> {
    if (!f.table_schema || !f.table_name || !f.column_name || !f.numeric_column) return null;
    const table = `${pg.escapeIdentifier(f.table_schema)}.${pg.escapeIdentifier(f.table_name)}`;
    const [r] = await rows<{ max: string | null }>(`max(${f.column_name}) of ${shown(f.table_schema, f.table_name)}`, `SELECT max(${pg.escapeIdentifier(f.column_name)})::text AS max FROM ${table}`);
    return num(r!.max);
  }

  return {
    async now() {
      const [r] = await rows<{ now: Date }>('now', 'SELECT now() AS now');
      return r!.now;
    },

    async prismaMigrations(): Promise<MigrationRow[]> {
      type Row = { migration_name: string; finished_at: Date | null; rolled_back_at: Date | null; logs: string | null };
      const found = await rows<Row>(
        'prisma migrations',
        'SELECT migration_name, finished_at, rolled_back_at, logs FROM _prisma_migrations ORDER BY started_at, migration_name',
      ).catch(async (err: SourceError) => {
        // A database Prisma never migrated is a finding in its own right, not an empty history.
        if ((err.cause as { code?: string }).code !== UNDEFINED_TABLE) throw err;
        const [db] = await rows<{ name: string }>('database name', 'SELECT current_database() AS name');
        throw new SourceError(`no _prisma_migrations table in ${db!.name}`, { cause: err.cause });
      });
      return found.map((r) => ({ name: r.migration_name, finishedAt: r.finished_at, rolledBackAt: r.rolled_back_at, logs: r.logs }));
    },

    async sequences(): Promise<SequenceRow[]> {
      const facts = await rows<SequenceFact>('sequences', SEQUENCES);
      return Promise.all(
        facts.map(async (f) => ({
          name: shown(f.schemaname, f.sequencename),
          lastValue: num(f.last_value),
          maxValue: Number(f.max_value),
          feeds: f.table_schema && f.table_name && f.column_name ? { table: shown(f.table_schema, f.table_name), column: f.column_name } : null,
          columnMax: await columnMax(f),
        })),
      );
    },

    async tableStats(): Promise<TableStats[]> {
      const found = await rows<{ schemaname: string; relname: string; n_live_tup: string; n_dead_tup: string; last_autovacuum: Date | null }>(
        'table stats',
        'SELECT schemaname, relname, n_live_tup, n_dead_tup, last_autovacuum FROM pg_stat_user_tables ORDER BY schemaname, relname',
      );
      return found.map((r) => ({
        table: shown(r.schemaname, r.relname),
        liveTuples: Number(r.n_live_tup),
        deadTuples: Number(r.n_dead_tup),
        lastAutovacuum: r.last_autovacuum,
      }));
    },

    async connectionCount() {
      const [r] = await rows<{ n: string }>(
        'connection count',
        "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'",
      );
      return Number(r!.n);
    },

    close: () => pool.end(),
  };
}
