import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { slackDelivery } from '../src/adapters/slack-delivery.ts';
import { unconfiguredPager } from '../src/adapters/unconfigured-pager.ts';
import { VirtualClock } from '../src/adapters/virtual-clock.ts';
import { textCard } from '../src/chat/card.ts';
import { createEngine } from '../src/engine/engine.ts';
import type { ChatDelivery } from '../src/engine/delivery.ts';
import { enqueue, outboxCounts } from '../src/engine/outbox.ts';
import type { Db } from '../src/store/db.ts';
import { startFakeSlack, type FakeSlack } from './fakes/slack-web-api.ts';
import { openTestDb } from './support/db.ts';

const T0 = new Date('2026-11-24T18:00:00Z');

describe('the outbox delivering to a Slack that fails for a while', () => {
  let db: Db;
  let slack: FakeSlack;
  beforeAll(async () => {
    [db, slack] = await Promise.all([openTestDb(), startFakeSlack()]);
  });
  afterAll(async () => {
    await Promise.all([db.close(), slack.close()]);
  });
  beforeEach(async () => {
    slack.reset();
    await db.query('TRUNCATE outbox');
  });

  const engine = (clock: VirtualClock, chat: ChatDelivery = slackDelivery('xoxb-test', slack.url)) =>
    createEngine({ db, clock, chat, pager: unconfiguredPager, log: pino({ level: 'silent' }), worker: 'w', handlers: {}, alertChannel: 'C0DEPLOYS' });

  async function write(count: number) {
    await db.transaction(async (tx) => {
      for (let i = 0; i < count; i++) await enqueue(tx, { kind: 'slack.post', channel: i % 2 ? 'C0INCIDENTS' : 'C0DEPLOYS', card: textCard(`message ${i}`) }, T0);
    });
  }

  it('delivers every row after 500s and 429s, in order per channel, none twice', async () => {
    await write(20);
    slack.failNext(4, { status: 500 });
    slack.failNext(3, { status: 429, retryAfter: 7 });
    const clock = new VirtualClock(T0);
    await engine(clock).fastForward(clock);

    for (const [channel, parity] of [['C0DEPLOYS', 0], ['C0INCIDENTS', 1]] as const) {
      const texts = slack.messages(channel).map((m) => m.text);
      expect(texts).toEqual(Array.from({ length: 10 }, (_, k) => `message ${2 * k + parity}`));
    }
    const failed = slack.calls.filter((c) => c.status !== 200 || (c.response as { ok?: boolean }).ok === false);
    expect(failed.length).toBe(7);
    // the 429s were honoured: nothing was sent to Slack again before Retry-After had passed (in virtual time)
    expect(clock.now().getTime() - T0.getTime()).toBeGreaterThanOrEqual(7_000);
    expect(await outboxCounts(db, clock.now())).toEqual({ pending: 0, parked: 0, lagSeconds: 0 });
  });

  it('pins a message marked to be pinned, once, even when the answer to the pin was lost', async () => {
    const id = slack.addChannel('spark-deploys', { botIsMember: true });
    await db.transaction((tx) => enqueue(tx, { kind: 'slack.post', channel: id, card: textCard('the war-room protocol'), pin: true }, T0));
    slack.failNext(1, { status: 500, method: 'pins.add', afterHandling: true });
    const clock = new VirtualClock(T0);
    await engine(clock).fastForward(clock);
    const [posted] = slack.messages(id);
    expect(slack.messages(id)).toHaveLength(1);
    expect(slack.channel(id)?.pins).toEqual([posted?.ts]);
    expect(await outboxCounts(db, clock.now())).toEqual({ pending: 0, parked: 0, lagSeconds: 0 });
  });

  it('parks a message Slack refuses for good, with Slack\'s reason, and delivers the rest', async () => {
    await db.transaction(async (tx) => {
      await enqueue(tx, { kind: 'slack.update', channel: 'C0DEPLOYS', ts: '1.000001', card: textCard('update of a message that never was') }, T0);
      await enqueue(tx, { kind: 'slack.post', channel: 'C0DEPLOYS', card: textCard('after it') }, T0);
    });
    const clock = new VirtualClock(T0);
    await engine(clock).fastForward(clock);
    expect(slack.messages('C0DEPLOYS').map((m) => m.text)).toEqual(['after it']);
    const [parked] = await db.query<{ last_error: string }>(`SELECT last_error FROM outbox WHERE state = 'parked'`);
    expect(parked?.last_error).toBe('Slack refused: message_not_found');
  });

  it('marks each post so that a crashed delivery is found again instead of posted twice', async () => {
    await write(1);
    const clock = new VirtualClock(T0);
    await engine(clock).runDue();
    const [post] = slack.callsTo('chat.postMessage');
    expect(post?.body.metadata).toMatchObject({ event_type: 'spark_outbox', event_payload: { marker: expect.stringMatching(/^outbox:\d+$/) } });
    const found = await slackDelivery('xoxb-test', slack.url).findPosted({ channel: 'C0DEPLOYS', marker: (post!.body.metadata as { event_payload: { marker: string } }).event_payload.marker });
    expect(found?.ts).toBe((post!.response as { ts: string }).ts);
  });

  const evidence = { filename: '20261124T180000Z-preflight-summary.md', title: 'Preflight summary v1.4.0', content: '# Preflight v1.4.0\n10 checks: 9 pass, 1 warn\n' };

  async function cardWithFile() {
    await db.transaction(async (tx) => {
      await enqueue(tx, { kind: 'slack.post', channel: '#spark-deploys', card: textCard('preflight v1.4.0'), ref: 'preflight:v1.4.0' }, T0);
      await enqueue(tx, { kind: 'slack.upload', channel: '#spark-deploys', file: evidence, threadOf: 'preflight:v1.4.0' }, T0);
    });
  }

  it('uploads a file into the thread of the card it belongs to, through Slack\'s external upload', async () => {
    await cardWithFile();
    slack.failNext(1, { status: 500 });
    const clock = new VirtualClock(T0);
    await engine(clock).fastForward(clock);

    const [card] = slack.messages('#spark-deploys');
    const files = slack.files();
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ name: evidence.filename, title: evidence.title, content: evidence.content, sharedIn: { channel: slack.channelId('spark-deploys'), threadTs: card!.ts } });
    expect(slack.callsTo('files.getUploadURLExternal').at(-1)?.body).toMatchObject({ filename: evidence.filename, length: String(Buffer.byteLength(evidence.content)) });
    expect(await outboxCounts(db, clock.now())).toMatchObject({ pending: 0, parked: 0 });
  });

  it('does not share a file twice when Slack\'s answer to the upload was lost', async () => {
    await cardWithFile();
    const real = slackDelivery('xoxb-test', slack.url);
    let lost = 1;
    const losingAnswers: ChatDelivery = {
      ...real,
      async upload(m) {
        const r = await real.upload(m);
        if (lost-- > 0) throw new Error('socket hang up');
        return r;
      },
    };
    const clock = new VirtualClock(T0);
    await engine(clock, losingAnswers).fastForward(clock);
    expect(slack.files().map((f) => f.name)).toEqual([evidence.filename]);
    expect(slack.callsTo('files.completeUploadExternal')).toHaveLength(1);
    expect(await outboxCounts(db, clock.now())).toMatchObject({ pending: 0, parked: 0 });
  });
});
