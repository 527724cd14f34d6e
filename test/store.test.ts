import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFirstDelivery } from '../src/app/deliveries.ts';
import type { Db } from '../src/store/db.ts';
import { migrate, schemaState } from '../src/store/migrate.ts';
import { openTestDb, TEST_ENGINE } from './support/db.ts';

describe(`storage on ${TEST_ENGINE}`, () => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(() => db.close());

  it('runs on the engine the suite was asked for', () => {
    expect(db.engine).toBe(TEST_ENGINE);
  });

  it('migrates to the newest schema, and a second migrate applies nothing', async () => {
    const state = await schemaState(db);
    expect(state.version).toBe(state.latest);
    expect(state.latest).toBeGreaterThanOrEqual(1);
    expect((await migrate(db)).applied).toEqual([]);
  });

  it('reads numbers, timestamps and JSON the same way on both engines', async () => {
    const [row] = await db.query<{ n: number; t: Date; j: { a: number } }>(
      `SELECT count(*) AS n, '2026-11-24T10:00:00Z'::timestamptz AS t, '{"a":1}'::jsonb AS j FROM generate_series(1, 3)`,
    );
    expect(row).toEqual({ n: 3, t: new Date('2026-11-24T10:00:00Z'), j: { a: 1 } });
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    await db.query('CREATE TABLE tx_probe (v int)');
    await db.transaction(async (tx) => tx.query('INSERT INTO tx_probe VALUES (1)'));
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO tx_probe VALUES (2)');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await db.query('SELECT v FROM tx_probe ORDER BY v')).toEqual([{ v: 1 }]);
  });

  it('records a delivery once: a retry with the same id is recognised', async () => {
    const at = new Date('2026-11-24T10:00:00Z');
    expect(await isFirstDelivery(db, 'command:T1', 'command', at)).toBe(true);
    expect(await isFirstDelivery(db, 'command:T1', 'command', at)).toBe(false);
    expect(await isFirstDelivery(db, 'command:T2', 'command', at)).toBe(true);
  });

  it('records exactly one of many concurrent identical deliveries', async () => {
    const at = new Date('2026-11-24T10:00:00Z');
    const results = await Promise.all(Array.from({ length: 50 }, () => isFirstDelivery(db, 'action:burst', 'action', at)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
