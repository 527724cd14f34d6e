import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import Postgrator from 'postgrator';
import type { Db, Session } from './db.ts';

const migrationPattern = fileURLToPath(new URL('./migrations/*.sql', import.meta.url));
// Any constant works; it only has to be the same for every replica.
const MIGRATION_LOCK = 7_420_001;

function postgrator(s: Session): Postgrator {
  return new Postgrator({
    driver: 'pg',
    migrationPattern,
    schemaTable: 'schema_migrations',
    execQuery: async (q) => ({ rows: await s.query(q) }),
    execSqlScript: (script) => s.exec(script),
  });
}

export interface MigrationReport {
  applied: string[];
  version: number;
}

/** Brings the schema to the newest version; replicas starting together wait for each other. */
export async function migrate(db: Db): Promise<MigrationReport> {
  return db.session(async (s) => {
    await s.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      const p = postgrator(s);
      const applied = await p.migrate();
      return { applied: applied.map((m) => basename(m.filename)), version: await p.getDatabaseVersion() };
    } finally {
      await s.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  });
}

export interface SchemaState {
  version: number;
  latest: number;
}

// The migrations shipped with this build do not change while it runs: read them once.
let latestShipped: Promise<number> | undefined;

export async function schemaState(db: Db): Promise<SchemaState> {
  return db.session(async (s) => {
    const p = postgrator(s);
    latestShipped ??= p.getMaxVersion();
    return { version: await p.getDatabaseVersion(), latest: await latestShipped };
  });
}
