import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock.ts';
import type { Db, Session, Sql } from './db.ts';

/**
 * Opens the embedded database in dataDir (in memory when undefined).
 * A fresh directory is seeded from `template` (a dumped, empty data dir) when one exists:
 * loading it takes a fraction of a second, where a fresh initdb in WASM takes seconds.
 */
export async function openPglite(dataDir: string | undefined, template?: string): Promise<Db> {
  const fresh = dataDir === undefined || !existsSync(dataDir) || readdirSync(dataDir).filter((f) => f !== 'spark.lock').length === 0;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const unlock = dataDir ? lockDataDir(dataDir) : () => undefined;
  const loadDataDir = fresh && template && existsSync(template) ? new Blob([readFileSync(template)]) : undefined;
  const pg = await PGlite.create({ dataDir, loadDataDir }).catch((err: unknown) => {
    unlock();
    throw err;
  });

  const over = (c: Pick<PGlite, 'query'>): Sql => ({
    async query(text, params) {
      return (await c.query(text, params as unknown[])).rows as never[];
    },
  });
  const session: Session = { ...over(pg), exec: async (script) => void (await pg.exec(script)) };

  return {
    engine: 'pglite',
    ...over(pg),
    transaction: (fn) => pg.transaction((tx) => fn(over(tx))),
    session: (fn) => fn(session),
    close: async () => {
      await pg.close();
      unlock();
    },
  };
}
