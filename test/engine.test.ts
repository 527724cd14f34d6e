import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../src/adapters/system-clock.ts';
import { VirtualClock } from '../src/adapters/virtual-clock.ts';
import { textCard } from '../src/chat/card.ts';
import { RateLimitedError, RefusedError } from '../src/engine/delivery.ts';
import { createEngine, type EngineDeps } from '../src/engine/engine.ts';
import { claimHeadRow, enqueue, outboxCounts } from '../src/engine/outbox.ts';
import type { TimerHandler } from '../src/engine/timer-runner.ts';
import { cancel, claimDueTimer, schedule, timerCounts } from '../src/engine/timers.ts';
import type { Pager } from '../src/ports/pager.ts';
import type { Db } from '../src/store/db.ts';
import { recordingChat } from './fakes/recording-chat.ts';
import { openTestDb } from './support/db.ts';

const T0 = new Date('2026-11-24T18:00:00Z');
const MIN = 60_000;
const log = pino({ level: 'silent' });
const noPager: Pager = { send: async () => Promise.reject(new Error('no pager in this test')) };

describe('the engine room', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    await db.query('TRUNCATE timer, outbox');
  });

  function engineWith(clock: VirtualClock, handlers: Record<string, TimerHandler> = {}, extra: Partial<EngineDeps> = {}) {
    const rec = recordingChat();
    const engine = createEngine({ db, clock, chat: rec.chat, pager: noPager, log, worker: 'w1', handlers, alertChannel: 'C0DEPLOYS', policy: { maxAttempts: 3, firstDelayMs: 1_000 }, ...extra });
    return { engine, rec };
  }

  describe('durable timers', () => {
    it('runs a T+15 min … T+24 h timeline in virtual time, in order, each once, effects written with the timer', async () => {
      const clock = new VirtualClock(T0);
      const ran: { key: string; at: string }[] = [];
      const { engine, rec } = engineWith(clock, {
        snapshot: async (timer, step) => {
          ran.push({ key: timer.key, at: step.now.toISOString() });
          await step.commit((tx) => enqueue(tx, { kind: 'slack.post', channel: 'C0DEPLOYS', card: textCard(`snapshot ${timer.key}`) }, step.now));
        },
      });
      const offsets = [15, 30, 45, 60, 90, 120, 180, 360, 720, 1080, 1440];
      await db.transaction(async (tx) => {
        for (const m of [...offsets].reverse()) expect(await schedule(tx, { kind: 'snapshot', key: `night:T+${m}`, dueAt: new Date(T0.getTime() + m * MIN) }, T0)).toBe(true);
        expect(await schedule(tx, { kind: 'snapshot', key: 'night:T+15', dueAt: new Date(T0.getTime() + 99 * MIN) }, T0)).toBe(false);
      });
      await engine.fastForward(clock);
      expect(ran.map((r) => r.key)).toEqual(offsets.map((m) => `night:T+${m}`));
      expect(ran.map((r) => r.at)).toEqual(offsets.map((m) => new Date(T0.getTime() + m * MIN).toISOString()));
      expect(rec.posts().map((p) => p.text)).toEqual(offsets.map((m) => `snapshot night:T+${m}`));
      expect(clock.now()).toEqual(new Date(T0.getTime() + 1440 * MIN));
      expect(await timerCounts(db, clock.now())).toEqual({ pending: 0, parked: 0, lagSeconds: 0 });
    });

    it('in real time, runs a due timer while Slack is slow to answer a post', async () => {
      let answer: (() => void) | undefined;
      const hangingChat = { ...recordingChat().chat, post: () => new Promise<never>((_, reject) => (answer = () => reject(new Error('Slack timed out')))) };
      const ran: string[] = [];
      const engine = createEngine({
        db, clock: systemClock, chat: hangingChat, pager: noPager, log, worker: 'w1', alertChannel: 'C0DEPLOYS',
        handlers: {
          step: async (timer, step) => {
            ran.push(timer.key);
            await step.commit(async () => undefined);
          },
        },
      });
      await db.transaction(async (tx) => {
        await enqueue(tx, { kind: 'slack.post', channel: 'C0DEPLOYS', card: textCard('a post Slack sits on') }, new Date());
        // due once the post is already waiting on Slack
        await schedule(tx, { kind: 'step', key: 'rollback-step', dueAt: new Date(Date.now() + 300) }, new Date());
      });
      engine.start();
      await vi.waitFor(() => expect(ran).toEqual(['rollback-step']), { timeout: 5_000 });
      expect(answer).toBeDefined();
      answer!();
      await engine.stop();
    });

    it('cancels a timer by key', async () => {
      const clock = new VirtualClock(T0);
      const ran: string[] = [];
      const { engine } = engineWith(clock, { step: async (t) => void ran.push(t.key) });
      await db.transaction(async (tx) => {
        await schedule(tx, { kind: 'step', key: 'a', dueAt: new Date(T0.getTime() + MIN) }, T0);
        await schedule(tx, { kind: 'step', key: 'b', dueAt: new Date(T0.getTime() + 2 * MIN) }, T0);
        expect(await cancel(tx, 'a', T0)).toBe(true);
        expect(await cancel(tx, 'missing', T0)).toBe(false);
      });
      await engine.fastForward(clock);
      expect(ran).toEqual(['b']);
    });

    it('retries a failing handler with backoff, then parks it and says so in the channel; other timers keep running', async () => {
      const clock = new VirtualClock(T0);
      const tries: string[] = [];
      const ran: string[] = [];
      const { engine, rec } = engineWith(clock, {
        broken: async (_t, step) => {
          tries.push(step.now.toISOString());
          throw new Error('Prometheus said no (token xoxb-123-456-secret)');
        },
        fine: async (t) => void ran.push(t.key),
      });
      await db.transaction(async (tx) => {
        await schedule(tx, { kind: 'broken', key: 'stage-end:v1.4.0:1', dueAt: T0 }, T0);
        await schedule(tx, { kind: 'fine', key: 'later', dueAt: new Date(T0.getTime() + 10 * MIN) }, T0);
      });
      await engine.fastForward(clock);
      expect(tries).toEqual([T0, new Date(T0.getTime() + 1_000), new Date(T0.getTime() + 3_000)].map((d) => d.toISOString()));
      expect(ran).toEqual(['later']);
      const alert = rec.posts().find((p) => p.text.includes('parked'));
      expect(alert?.channel).toBe('C0DEPLOYS');
      expect(alert?.text).toContain('stage-end:v1.4.0:1');
      expect(alert?.text).toContain('Prometheus said no');
      expect(alert?.text).not.toContain('xoxb-123-456-secret');
      expect((await timerCounts(db, clock.now())).parked).toBe(1);
    });

    it('runs overdue timers once after a restart, late but never lost', async () => {
      const before = new VirtualClock(T0);
      await db.transaction(async (tx) => {
        for (const m of [1, 2, 3]) await schedule(tx, { kind: 'step', key: `s${m}`, dueAt: new Date(T0.getTime() + m * MIN) }, T0);
      });
      // The bot was down for an hour: a new engine starts with every timer overdue.
      const after = new VirtualClock(new Date(T0.getTime() + 60 * MIN));
      const ran: string[] = [];
      const { engine } = engineWith(after, { step: async (t) => void ran.push(t.key) });
      expect((await timerCounts(db, after.now())).lagSeconds).toBe(59 * 60);
      expect(await engine.runDue()).toBe(3);
      expect(await engine.runDue()).toBe(0);
      expect(ran).toEqual(['s1', 's2', 's3']);
      void before;
    });

    it('takes over a timer claimed by a worker that died, once its lease has run out', async () => {
      const clock = new VirtualClock(T0);
      await db.transaction((tx) => schedule(tx, { kind: 'step', key: 'orphan', dueAt: T0 }, T0));
      expect(await claimDueTimer(db, 'dead-worker', T0, MIN)).toMatchObject({ key: 'orphan', attempts: 1 });
      const ran: string[] = [];
      const { engine } = engineWith(clock, { step: async (t) => void ran.push(t.key) });
      expect(await engine.runDue()).toBe(0);
      clock.advance(MIN + 1);
      expect(await engine.runDue()).toBe(1);
      expect(ran).toEqual(['orphan']);
    });

    it('writes nothing when its lease was lost before it committed', async () => {
      const clock = new VirtualClock(T0);
      await db.query('CREATE TABLE IF NOT EXISTS effect (k text)');
      await db.transaction((tx) => schedule(tx, { kind: 'slow', key: 'slow-1', dueAt: T0 }, T0));
      const { engine } = engineWith(clock, {
        slow: async (_t, step) => {
          // Another worker takes the timer over while this one is still reading.
          await db.query(`UPDATE timer SET leased_by = 'other' WHERE key = 'slow-1'`);
          expect(await step.commit((tx) => tx.query(`INSERT INTO effect VALUES ('slow-1')`).then(() => undefined))).toBe(false);
        },
      });
      await engine.runDue();
      expect(await db.query('SELECT k FROM effect')).toEqual([]);
    });
  });

  describe('the transactional outbox', () => {
    it('delivers each stream in order; thread replies and updates find the message they refer to', async () => {
      const clock = new VirtualClock(T0);
      const { engine, rec } = engineWith(clock);
      await db.transaction(async (tx) => {
        await enqueue(tx, { kind: 'slack.post', channel: '#spark-deploys', card: textCard('release card'), ref: 'card:v1.4.0' }, T0);
        await enqueue(tx, { kind: 'slack.post', channel: '#spark-deploys', card: textCard('stage 1 passed'), threadOf: 'card:v1.4.0' }, T0);
        await enqueue(tx, { kind: 'slack.update', channel: '#spark-deploys', card: textCard('release card: stage 2'), of: 'card:v1.4.0' }, T0);
        await enqueue(tx, { kind: 'slack.post', channel: '#spark-incidents', card: textCard('incident') }, T0);
        // the same ref again is the same message: written once
        await enqueue(tx, { kind: 'slack.post', channel: '#spark-deploys', card: textCard('release card'), ref: 'card:v1.4.0' }, T0);
      });
      expect(await engine.runDue()).toBe(4);
      const deploys = rec.delivered.filter((d) => d.channel !== '#spark-incidents' && d.channel !== 'CSPARKINCIDENTS');
      expect(deploys.map((d) => [d.op, d.text])).toEqual([
        ['post', 'release card'],
        ['post', 'stage 1 passed'],
        ['update', 'release card: stage 2'],
      ]);
      const card = deploys[0]!;
      expect(deploys[1]!.threadTs).toBe(card.ts);
      expect(deploys[2]!.ts).toBe(card.ts);
      expect(await outboxCounts(db, clock.now())).toEqual({ pending: 0, parked: 0, lagSeconds: 0 });
    });

    it('sends a card that changed several times while waiting once, as it is now', async () => {
      const clock = new VirtualClock(T0);
      const { engine, rec } = engineWith(clock);
      await db.transaction(async (tx) => {
        await enqueue(tx, { kind: 'slack.post', channel: 'C0DEPLOYS', card: textCard('card A'), ref: 'card:a' }, T0);
        await enqueue(tx, { kind: 'slack.post', channel: 'C0DEPLOYS', card: textCard('card B'), ref: 'card:b' }, T0);
        for (const n of [1, 2, 3]) await enqueue(tx, { kind: 'slack.update', channel: 'C0DEPLOYS', card: textCard(`card A v${n}`), of: 'card:a' }, T0);
        await enqueue(tx, { kind: 'slack.update', channel: 'C0DEPLOYS', card: textCard('card B v1'), of: 'card:b' }, T0);
      });
      await engine.runDue();
      expect(rec.delivered.filter((d) => d.op === 'update').map((d) => d.text)).toEqual(['card A v3', 'card B v1']);
      expect(await outboxCounts(db, clock.now())).toMatchObject({ pending: 0, parked: 0 });
    });

    it('parks a refused row with its error, and the rows after it still go', async () => {
      const clock = new VirtualClock(T0);
      const { engine, rec } = engineWith(clock);
      rec.failNext(1, () => new RefusedError('Slack refused: invalid_blocks'));
      await db.transaction(async (tx) => {
        await enqueue(tx, { kind: 'slack.post', channel: 'C1', card: textCard('bad') }, T0);
        await enqueue(tx, { kind: 'slack.post', channel: 'C1', card: textCard('good') }, T0);
      });
      await engine.fastForward(clock);
      expect(rec.posts().map((p) => p.text)).toEqual(['good']);
      const [parked] = await db.query<{ state: string; last_error: string }>(`SELECT state, last_error FROM outbox WHERE payload->'card'->>'text' = 'bad'`);
      expect(parked).toEqual({ state: 'parked', last_error: 'Slack refused: invalid_blocks' });
      expect((await outboxCounts(db, clock.now())).parked).toBe(1);
    });

    it('waits as long as a rate limit says, holding the rest of the stream behind it', async () => {
      const clock = new VirtualClock(T0);
      const { engine, rec } = engineWith(clock);
      rec.failNext(1, () => new RateLimitedError(30_000));
      await db.transaction(async (tx) => {
        await enqueue(tx, { kind: 'slack.post', channel: 'C1', card: textCard('first') }, T0);
        await enqueue(tx, { kind: 'slack.post', channel: 'C1', card: textCard('second') }, T0);
      });
      await engine.runDue();
      expect(rec.posts()).toEqual([]);
      expect(await engine.nextWakeAt()).toEqual(new Date(T0.getTime() + 30_000));
      clock.advance(29_999);
      await engine.runDue();
      expect(rec.posts()).toEqual([]);
      clock.advance(1);
      await engine.runDue();
      expect(rec.posts().map((p) => p.text)).toEqual(['first', 'second']);
    });

    it('recognises a post that reached Slack before the bot died, instead of posting it twice', async () => {
      const clock = new VirtualClock(T0);
      const { engine, rec } = engineWith(clock);
      await db.transaction((tx) => enqueue(tx, { kind: 'slack.post', channel: 'C0DEPLOYS', card: textCard('stage 3 passed') }, T0));
      // A worker claims the row, Slack posts it, and the worker dies before recording that.
      const row = await claimHeadRow(db, 'dead-worker', T0, MIN);
      await rec.chat.post({ channel: 'C0DEPLOYS', card: textCard('stage 3 passed'), marker: `outbox:${row!.id}` });
      clock.advance(MIN + 1);
      expect(await engine.runDue()).toBe(1);
      expect(rec.posts()).toHaveLength(1);
      expect(await outboxCounts(db, clock.now())).toEqual({ pending: 0, parked: 0, lagSeconds: 0 });
    });

    it('keeps trying with backoff and parks after the limit, never dropping the row', async () => {
      const clock = new VirtualClock(T0);
      const { engine, rec } = engineWith(clock);
      rec.failNext(3, () => new Error('socket hang up'));
      await db.transaction((tx) => enqueue(tx, { kind: 'slack.post', channel: 'C1', card: textCard('lost?') }, T0));
      await engine.fastForward(clock);
      const [row] = await db.query<{ state: string; attempts: number; last_error: string }>('SELECT state, attempts, last_error FROM outbox');
      expect(row).toEqual({ state: 'parked', attempts: 3, last_error: 'socket hang up' });
      expect(clock.now()).toEqual(new Date(T0.getTime() + 3_000));
    });
  });
});
