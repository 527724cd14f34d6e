import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textCard } from '../src/chat/card.ts';
import { enqueue } from '../src/engine/outbox.ts';
import { schedule } from '../src/engine/timers.ts';
import { createMetrics } from '../src/server/metrics.ts';
import type { Db } from '../src/store/db.ts';
import { openTestDb } from './support/db.ts';

const T0 = new Date('2026-11-24T18:00:00Z');

describe('/metrics shows the engine room', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(() => db.close());

  it('reports undelivered and parked outbox rows, their lag, and late timers', async () => {
    await db.transaction(async (tx) => {
      await enqueue(tx, { kind: 'slack.post', channel: 'C1', card: textCard('waiting') }, T0);
      await enqueue(tx, { kind: 'slack.post', channel: 'C2', card: textCard('failed too often') }, T0);
      await schedule(tx, { kind: 'step', key: 'late', dueAt: new Date(T0.getTime() + 30_000) }, T0);
    });
    await db.query(`UPDATE outbox SET state = 'parked' WHERE payload->'card'->>'text' = 'failed too often'`);
    const metrics = createMetrics(db, { now: () => new Date(T0.getTime() + 90_000) });
    const text = await metrics.registry.metrics();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('spark_outbox_pending')).toBe(1);
    expect(value('spark_outbox_parked')).toBe(1);
    expect(value('spark_outbox_lag_seconds')).toBe(90);
    expect(value('spark_timers_pending')).toBe(1);
    expect(value('spark_timer_lag_seconds')).toBe(60);
  });
});
