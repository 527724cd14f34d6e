import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../src/adapters/virtual-clock.ts';
import { isFirstDelivery } from '../src/app/deliveries.ts';
import { pruneOld } from '../src/app/housekeeping.ts';
import { textCard } from '../src/chat/card.ts';
import { enqueue } from '../src/engine/outbox.ts';
import { postgresCoordinator } from '../src/engine/wall-clock.ts';
import type { Db } from '../src/store/db.ts';
import { openTestDb } from './support/db.ts';

const T0 = new Date('2026-11-24T18:00:00Z');
const DAY = 86_400_000;

describe('wall-clock jobs', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(() => db.close());

  it('elects one run per job slot and records when it finished', async () => {
    const clock = new VirtualClock(T0);
    const coordinator = postgresCoordinator(db, clock);
    const slot = 'housekeeping:2026-11-24T00:30:00.000Z';
    expect(await coordinator.shouldRun(slot, 60_000)).toBe(true);
    expect(await coordinator.shouldRun(slot, 60_000)).toBe(false);
    expect(await coordinator.shouldRun('housekeeping:2026-11-25T00:30:00.000Z', 60_000)).toBe(true);
    clock.advance(5_000);
    await coordinator.onComplete!(slot);
    const [row] = await db.query<{ finished_at: Date }>('SELECT finished_at FROM cron_run WHERE key = $1', [slot]);
    expect(row?.finished_at).toEqual(new Date(T0.getTime() + 5_000));
  });

  it('prunes old delivery ids and old delivered rows, never parked or pending ones', async () => {
    const old = new Date(T0.getTime() - 40 * DAY);
    await isFirstDelivery(db, 'command:old', 'command', old);
    await isFirstDelivery(db, 'command:new', 'command', T0);
    await db.transaction(async (tx) => {
      for (const text of ['delivered long ago', 'parked long ago', 'pending long ago']) await enqueue(tx, { kind: 'slack.post', channel: 'C1', card: textCard(text) }, old);
    });
    await db.query(`UPDATE outbox SET state = 'delivered', delivered_at = $1 WHERE payload->'card'->>'text' = 'delivered long ago'`, [old]);
    await db.query(`UPDATE outbox SET state = 'parked' WHERE payload->'card'->>'text' = 'parked long ago'`);
    const pruned = await pruneOld(db, T0);
    expect(pruned).toMatchObject({ deliveries: 1, outboxRows: 1 });
    expect((await db.query<{ id: string }>('SELECT id FROM inbound_delivery')).map((r) => r.id)).toEqual(['command:new']);
    const left = await db.query<{ text: string }>(`SELECT payload->'card'->>'text' AS text FROM outbox ORDER BY id`);
    expect(left.map((r) => r.text)).toEqual(['parked long ago', 'pending long ago']);
  });
});
