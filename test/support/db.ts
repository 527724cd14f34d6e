import pg from 'pg';
import type { Db } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { PGLITE_TEMPLATE } from '../../src/store/open.ts';
import { openPglite } from '../../src/store/pglite.ts';
import { openPostgres } from '../../src/store/postgres.ts';

/** The engine the suite runs on: the real PostgreSQL at TEST_DATABASE_URL, else an in-memory PGlite. */
export const TEST_ENGINE: Db['engine'] = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

async function admin(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** A new, empty database on the server at `serverUrl`, for one test file; `drop` removes it. */
export async function scratchDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `spark_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await admin(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** A throw-away database of its own for one test file, with the schema migrated, dropped again on close. */
export async function openTestDb(): Promise<Db> {
  const server = process.env.TEST_DATABASE_URL;
  if (!server) {
    const db = await openPglite(undefined, PGLITE_TEMPLATE);
    await migrate(db);
    return db;
  }
  const scratch = await scratchDatabase(server);
  const db = await openPostgres(scratch.url);
  await migrate(db);
  return {
    ...db,
    async close() {
      await db.close();
      await scratch.drop();
    },
  };
}
