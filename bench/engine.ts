import pino from 'pino';
import { slackDelivery } from '../src/adapters/slack-delivery.ts';
import { unconfiguredPager } from '../src/adapters/unconfigured-pager.ts';
import { VirtualClock } from '../src/adapters/virtual-clock.ts';
import { textCard } from '../src/chat/card.ts';
import { createEngine } from '../src/engine/engine.ts';
import { enqueue } from '../src/engine/outbox.ts';
import { schedule } from '../src/engine/timers.ts';
import type { Db } from '../src/store/db.ts';
import { migrate } from '../src/store/migrate.ts';
import { PGLITE_TEMPLATE } from '../src/store/open.ts';
import { openPglite } from '../src/store/pglite.ts';
import { openPostgres } from '../src/store/postgres.ts';
import { startFakeSlack } from '../test/fakes/slack-web-api.ts';
import { scratchDatabase } from '../test/support/db.ts';

const T0 = new Date('2026-11-24T18:00:00Z');

/** Timers run per second and outbox rows delivered per second (to the loopback fake Slack), one engine. */
async function measure(db: Db, count: number) {
  await migrate(db);
  const slack = await startFakeSlack();
  try {
    const clock = new VirtualClock(T0);
    const engine = createEngine({
      db, clock, chat: slackDelivery('xoxb-bench', slack.url), pager: unconfiguredPager, log: pino({ level: 'silent' }), worker: 'bench', alertChannel: 'C0',
      handlers: { noop: async (_t, step) => void (await step.commit(async () => undefined)) },
    });
    await db.transaction(async (tx) => {
      for (let i = 0; i < count; i++) await schedule(tx, { kind: 'noop', key: `t${i}`, dueAt: T0 }, T0);
    });
    let t = performance.now();
    const timers = await engine.runDue();
    const timerSeconds = (performance.now() - t) / 1000;
    await db.transaction(async (tx) => {
      for (let i = 0; i < count; i++) await enqueue(tx, { kind: 'slack.post', channel: `C${i % 4}`, card: textCard(`row ${i}`) }, T0);
    });
    t = performance.now();
    const rows = await engine.runDue();
    const rowSeconds = (performance.now() - t) / 1000;
    return { count, timersPerSecond: Math.round(timers / timerSeconds), outboxRowsPerSecond: Math.round(rows / rowSeconds) };
  } finally {
    await slack.close();
  }
}

export async function benchEngine(count = 1000) {
  const results: Record<string, unknown>[] = [];
  const pglite = await openPglite(undefined, PGLITE_TEMPLATE);
  results.push({ engine: 'pglite', ...(await measure(pglite, count)) });
  await pglite.close();
  const server = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const scratch = await scratchDatabase(server).catch(() => undefined);
  if (scratch) {
    const pg = await openPostgres(scratch.url);
    results.push({ engine: 'postgres', ...(await measure(pg, count)) });
    await pg.close();
    await scratch.drop();
  } else {
    results.push({ engine: 'postgres', skipped: `no PostgreSQL at ${server}` });
  }
  return results;
}
