import type { Db } from '../store/db.ts';
import { schemaState } from '../store/migrate.ts';

export interface StatusReport {
  at: Date;
  mode: string;
  database: { engine: Db['engine']; schemaVersion: number; latestSchema: number };
  configSource: string;
}

export interface StatusContext {
  db: Db;
  mode: string;
  configSource: string;
}

export async function readStatus({ db, mode, configSource }: StatusContext, at: Date): Promise<StatusReport> {
  const schema = await schemaState(db);
  return {
    at,
    mode,
    database: { engine: db.engine, schemaVersion: schema.version, latestSchema: schema.latest },
    configSource,
  };
}
