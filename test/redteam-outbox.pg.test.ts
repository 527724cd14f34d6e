import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgOutboxClock } from '../src/adapters/pg-outbox-clock.ts';
import { runRedteamCheck } from '../src/app/redteam/check.ts';
import { outboxSkewCheck } from '../src/app/redteam/checks/outbox-skew.ts';
import { simulatedRedteamSources } from '../src/app/redteam/sources.ts';
import { defaultConfig } from '../src/config/schema.ts';
import { SourceError } from '../src/ports/errors.ts';
import { freePort } from './support/bot-process.ts';
import { scratchDatabase } from './support/db.ts';

const server = process.env.TEST_DATABASE_URL!;
const config = defaultConfig();

const OUTBOX = `
  CREATE TABLE outbox_events (
    id            bigserial PRIMARY KEY,
    topic         text NOT NULL,
    payload       jsonb NOT NULL,
    created_at    timestamptz NOT NULL,
    dispatched_at timestamptz
  )`;

/** Whole seconds ten minutes ago: inside the default query's last hour, and exact in an ISO string. */
const BASE = Math.floor(Date.now() / 1000) * 1000 - 10 * 60_000;
const at = (ms: number) => new Date(BASE + ms);

describe('item 13 against a real PostgreSQL outbox', () => {
  let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
  let seed: pg.Client;
  let clock: ReturnType<typeof pgOutboxClock>;

  beforeAll(async () => {
    scratch = await scratchDatabase(server);
    seed = new pg.Client({ connectionString: scratch.url });
    await seed.connect();
    await seed.query(OUTBOX);
    clock = pgOutboxClock(scratch.url, { query: config.redteam.outboxSkew.query, timeoutMs: 5_000 });
  });

  afterAll(async () => {
    await clock?.close();
    await seed?.end();
    await scratch?.drop();
  });

  /** The outbox holds exactly these rows: [produced, dispatched or null] in ms after BASE. */
  async function outbox(rows: [number, number | null][]): Promise<void> {
    await seed.query('TRUNCATE outbox_events');
    for (const [produced, dispatched] of rows) {
      await seed.query(`INSERT INTO outbox_events (topic, payload, created_at, dispatched_at) VALUES ('orders.filled', '{}', $1, $2)`, [
        at(produced),
        dispatched === null ? null : at(dispatched),
      ]);
    }
  }

  const check = () => runRedteamCheck(outboxSkewCheck, { version: 'v1.4.0', now: () => new Date(), config, sources: { ...simulatedRedteamSources(), outboxClock: { port: clock } } });

  it('passes rows dispatched within the tolerance; undispatched rows are not compared', async () => {
    await outbox([
      [0, 12],
      [1_000, 1_040],
      [2_000, 4_900],
      [3_000, null],
    ]);
    const f = await check();
    expect(f.outcome).toBe('pass');
    expect(f.lines).toEqual([`ok    3 rows within ±3 s; the worst dispatched 2.900 s after it was produced (produced ${at(2_000).toISOString()}, dispatched ${at(4_900).toISOString()})`]);
    expect(f.data).toEqual({ rows: 3, worstMs: 2_900 });
  });

  it('fails a row dispatched 5 s before it was produced, naming it', async () => {
    await outbox([
      [0, 20],
      [65_000, 60_000],
      [70_000, 70_030],
    ]);
    const f = await check();
    expect(f.outcome).toBe('fail');
    expect(f.lines).toEqual([
      'FAIL  1 of 3 rows beyond ±3 s',
      `FAIL  dispatched 5 s before it was produced (produced ${at(65_000).toISOString()}, dispatched ${at(60_000).toISOString()})`,
    ]);
  });

  it('fails an empty outbox: no data is never a pass', async () => {
    await outbox([]);
    const f = await check();
    expect(f).toMatchObject({ outcome: 'fail', summary: 'no data: the query returned no dispatched outbox rows to compare' });
  });

  it('fails a query that does not return the two timestamps', async () => {
    await outbox([[0, 10]]);
    const wrong = pgOutboxClock(scratch.url, { query: 'SELECT created_at, dispatched_at FROM outbox_events' });
    try {
      await expect(wrong.samples()).rejects.toThrow(new SourceError(`the outbox query on ${scratch.url} gave row 1 no produced_at timestamp (got no such column)`));
    } finally {
      await wrong.close();
    }
  });

  it('fails an unreachable database with a SourceError that keeps the password out of its message', async () => {
    const closed = await freePort();
    const unreachable = pgOutboxClock(`postgres://spark_ro:hunter2-secret@127.0.0.1:${closed}/spark`, { query: 'SELECT 1', timeoutMs: 2_000 });
    try {
      const err = await unreachable.samples().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SourceError);
      expect((err as Error).message).not.toContain('hunter2-secret');
      expect((err as Error).message).toContain(`the outbox query on postgres://spark_ro:***@127.0.0.1:${closed}/spark: `);
    } finally {
      await unreachable.close();
    }
  });
});
