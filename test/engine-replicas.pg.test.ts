import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../src/adapters/virtual-clock.ts';
import { textCard } from '../src/chat/card.ts';
import { createEngine } from '../src/engine/engine.ts';
import { enqueue } from '../src/engine/outbox.ts';
import type { TimerHandler } from '../src/engine/timer-runner.ts';
import { schedule } from '../src/engine/timers.ts';
import type { Db } from '../src/store/db.ts';
import { migrate } from '../src/store/migrate.ts';
import { openPostgres } from '../src/store/postgres.ts';
import { postgresCoordinator } from '../src/engine/wall-clock.ts';
import { recordingChat } from './fakes/recording-chat.ts';
import { scratchDatabase } from './support/db.ts';

// Two replicas on one database need real row locks: PGlite has one session for everyone, so this file
// runs in the suite's PostgreSQL pass (TEST_DATABASE_URL; see vitest.config.ts), which CI always makes.
const server = process.env.TEST_DATABASE_URL!;
const T0 = new Date('2026-11-24T18:00:00Z');
const TIMERS = 300;
const ROWS = 300;
const STREAMS = 6;

describe('two replicas on one PostgreSQL', () => {
  let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
  let a: Db;
  let b: Db;
  beforeAll(async () => {
    scratch = await scratchDatabase(server);
    [a, b] = await Promise.all([openPostgres(scratch.url), openPostgres(scratch.url)]);
    await migrate(a);
    await a.query('CREATE TABLE effect (key text, worker text)');
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
    await scratch.drop();
  });

  it('never fire one timer twice nor deliver one row twice, and keep each stream in order', async () => {
    await a.transaction(async (tx) => {
      for (let i = 0; i < TIMERS; i++) await schedule(tx, { kind: 'effect', key: `t${i}`, dueAt: new Date(T0.getTime() + i * 1000) }, T0);
      for (let i = 0; i < ROWS; i++) await enqueue(tx, { kind: 'slack.post', channel: `C${i % STREAMS}`, card: textCard(String(i)) }, T0);
    });
    const rec = recordingChat();
    const clock = new VirtualClock(new Date(T0.getTime() + TIMERS * 1000));
    const handler = (worker: string): TimerHandler => async (timer, step) => {
      await step.commit((tx) => tx.query('INSERT INTO effect VALUES ($1, $2)', [timer.key, worker]).then(() => undefined));
    };
    const replica = (db: Db, worker: string) =>
      createEngine({ db, clock, chat: rec.chat, pager: { send: async () => ({ dedupKey: 'x' }) }, log: pino({ level: 'silent' }), worker, handlers: { effect: handler(worker) }, alertChannel: 'C0' });
    const [ranA, ranB] = await Promise.all([replica(a, 'A').runDue(), replica(b, 'B').runDue()]);

    const effects = await a.query<{ key: string; worker: string }>('SELECT key, worker FROM effect');
    expect(effects).toHaveLength(TIMERS);
    expect(new Set(effects.map((e) => e.key)).size).toBe(TIMERS);
    // both replicas did real work: the test would prove nothing if one of them had done it all
    expect(new Set(effects.map((e) => e.worker))).toEqual(new Set(['A', 'B']));
    expect(ranA + ranB).toBe(TIMERS + ROWS);

    const posts = rec.posts();
    expect(posts).toHaveLength(ROWS);
    expect(new Set(posts.map((p) => p.text)).size).toBe(ROWS);
    for (let s = 0; s < STREAMS; s++) {
      const inStream = posts.filter((p) => p.channel === `C${s}`).map((p) => Number(p.text));
      expect(inStream).toEqual([...inStream].sort((x, y) => x - y));
    }
  });
});

describe('wall-clock job slots across replicas', () => {
  it('elects exactly one of many replicas racing for the same slot', async () => {
    const scratch = await scratchDatabase(server);
    const dbs = await Promise.all(Array.from({ length: 4 }, () => openPostgres(scratch.url)));
    try {
      await migrate(dbs[0]!);
      const clock = new VirtualClock(T0);
      const votes = await Promise.all(
        dbs.flatMap((db) => Array.from({ length: 5 }, () => postgresCoordinator(db, clock).shouldRun('housekeeping:2026-11-25T00:30:00.000Z', 60_000))),
      );
      expect(votes.filter(Boolean)).toHaveLength(1);
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
      await scratch.drop();
    }
  });
});
