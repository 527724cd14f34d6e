import pg from 'pg';
import type { Db, Session, Sql } from './db.ts';

const INT8 = 20;
// PGlite reads int8 (count(*), bigserial) as a number; pg reads it as a string. Read it the same way on both.
const getTypeParser = ((oid: number, format?: 'text' | 'binary') =>
  oid === INT8 ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser;

export async function openPostgres(connectionString: string, poolSize = 10): Promise<Db> {
  const pool = new pg.Pool({ connectionString, max: poolSize, types: { getTypeParser } });
  // An idle client's error (a restarted server) must not crash the bot; the next query reconnects.
  pool.on('error', () => undefined);
  const client = await pool.connect();
  client.release();

  const over = (c: pg.Pool | pg.PoolClient): Sql => ({
    async query(text, params) {
      return (await c.query(text, params as unknown[])).rows;
    },
  });

  return {
    engine: 'postgres',
    ...over(pool),
    async transaction(fn) {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        const out = await fn(over(c));
        await c.query('COMMIT');
        return out;
      } catch (err) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        c.release();
      }
    },
    async session(fn) {
      const c = await pool.connect();
      const s: Session = { ...over(c), exec: async (script) => void (await c.query(script)) };
      try {
        return await fn(s);
      } finally {
        c.release();
      }
    },
    close: () => pool.end(),
  };
}
