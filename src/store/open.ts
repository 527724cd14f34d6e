import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';

/** An empty PGlite data dir made at install time (scripts/pglite-template.ts): a fresh .data/ starts from it. */
export const PGLITE_TEMPLATE = fileURLToPath(new URL('../../node_modules/.cache/spark-ritual/pglite-template.tar', import.meta.url));

/** PostgreSQL when DATABASE_URL is set, else the embedded PGlite in `<dataDir>/pglite`. */
export function openDatabase(databaseUrl: string | undefined, dataDir: string): Promise<Db> {
  return databaseUrl ? openPostgres(databaseUrl) : openPglite(join(dataDir, 'pglite'), PGLITE_TEMPLATE);
}
