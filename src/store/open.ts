import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.ts';

/** An empty PGlite data dir made at install time (scripts/pglite-template.ts): a fresh .data/ starts from it. */
export const PGLITE_TEMPLATE = fileURLToPath(new URL('../../node_modules/.cache/spark-ritual/pglite-template.tar', import.meta.url));

/** PostgreSQL when DATABASE_URL is set, else the embedded PGlite in `<dataDir>/pglite`. */
export async function openDatabase(databaseUrl: string | undefined, dataDir: string): Promise<Db> {
  if (databaseUrl) return (await import('./postgres.ts')).openPostgres(databaseUrl);
  return (await import('./pglite.ts')).openPglite(join(dataDir, 'pglite'), PGLITE_TEMPLATE);
}
