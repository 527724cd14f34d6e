import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { unconfiguredPager } from '../src/adapters/unconfigured-pager.ts';
import { VirtualClock } from '../src/adapters/virtual-clock.ts';
import { createEngine } from '../src/engine/engine.ts';
import { enqueue, outboxCounts } from '../src/engine/outbox.ts';
import { DEFAULT_RETRY } from '../src/engine/retry.ts';
import type { Pager, PagerEvent } from '../src/ports/pager.ts';
import type { Db } from '../src/store/db.ts';
import { recordingChat } from './fakes/recording-chat.ts';
import { openTestDb } from './support/db.ts';

const T0 = new Date('2026-11-24T18:00:00Z');
const PAGE: PagerEvent = { event_action: 'trigger', dedup_key: 'INC-12', payload: { summary: 'INC-12 SEV1: checkout down', source: 'spark-ritual', severity: 'critical' } };

describe('the outbox sending pages', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    await db.query('TRUNCATE outbox');
  });

  async function send(pager: Pager) {
    const logged: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void logged.push(JSON.parse(line).msg) });
    await db.transaction((tx) => enqueue(tx, { kind: 'pagerduty.event', event: PAGE }, T0));
    const clock = new VirtualClock(T0);
    await createEngine({ db, clock, chat: recordingChat().chat, pager, log, worker: 'w', handlers: {}, alertChannel: 'C0DEPLOYS' }).fastForward(clock);
    const [row] = await db.query<{ state: string; attempts: number }>(`SELECT state, attempts FROM outbox`);
    return { row, logged, clock };
  }

  it('never parks a page for failing often: it keeps trying with the capped backoff until it is sent, once', async () => {
    let failures = 20;
    const sent: PagerEvent[] = [];
    const { row, logged, clock } = await send({
      async send(event) {
        if (failures-- > 0) throw new Error('connect ECONNREFUSED events.pagerduty.com');
        sent.push(event);
        return { dedupKey: 'INC-12' };
      },
    });
    expect(sent).toEqual([PAGE]);
    expect(row).toEqual({ state: 'delivered', attempts: 21 });
    expect(row!.attempts).toBeGreaterThan(DEFAULT_RETRY.maxAttempts);
    expect(logged).not.toContain('outbox row parked');
    // 1 s, 2 s … 256 s, then 5 min for each of the other 11 waits
    expect(clock.now().getTime() - T0.getTime()).toBe((511 + 11 * 300) * 1000);
    expect(await outboxCounts(db, clock.now())).toEqual({ pending: 0, parked: 0, lagSeconds: 0 });
  });

  it('parks a page that is refused for good, at once', async () => {
    const { row, logged } = await send(unconfiguredPager);
    expect(row).toEqual({ state: 'parked', attempts: 1 });
    expect(logged).toContain('outbox row parked');
  });
});
