import { PassThrough } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { slackDelivery } from '../src/adapters/slack-delivery.ts';
import { unconfiguredPager } from '../src/adapters/unconfigured-pager.ts';
import { VirtualClock } from '../src/adapters/virtual-clock.ts';
import { textCard } from '../src/chat/card.ts';
import { Screen } from '../src/chat/console/screen.ts';
import type { ChatDelivery } from '../src/engine/delivery.ts';
import { createEngine } from '../src/engine/engine.ts';
import { enqueue, outboxCounts, type OutboxItem, type WarRoomRequest } from '../src/engine/outbox.ts';
import type { Db } from '../src/store/db.ts';
import { startFakeSlack, type FakeSlack } from './fakes/slack-web-api.ts';
import { openTestDb } from './support/db.ts';

const T0 = new Date('2026-11-24T18:00:00Z');
const PROTOCOL = '*War room for INC-12 (SEV1): checkout down*\n1. One decision-maker: the incident commander.';
const ROOM: WarRoomRequest = { name: 'war-inc-12', topic: 'INC-12 (SEV1): checkout down', invite: ['U0IC', 'U0LEAD', 'U0CTO'], pin: PROTOCOL };

describe('the outbox opening an incident war room in Slack', () => {
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

  async function deliver(items: OutboxItem[], chat?: ChatDelivery) {
    await db.transaction(async (tx) => {
      for (const item of items) await enqueue(tx, item, T0);
    });
    const clock = new VirtualClock(T0);
    await engine(clock, chat).fastForward(clock);
    return clock;
  }

  const warRoomRow = async () =>
    (await db.query<{ state: string; attempts: number; result: unknown; last_error: string | null }>(`SELECT state, attempts, result, last_error FROM outbox WHERE kind = 'slack.war-room'`))[0]!;

  /** What a room that went right looks like: one channel, the topic, everyone in, the protocol posted and pinned once. */
  function expectOneRoom(name = 'war-inc-12') {
    const room = slack.channel(name);
    expect(room).toMatchObject({ name, topic: ROOM.topic, archived: false });
    expect(room!.members).toEqual(expect.arrayContaining(['U0BOT', 'U0IC', 'U0LEAD', 'U0CTO']));
    const posted = slack.messages(room!.id);
    expect(posted.map((m) => m.text)).toEqual([PROTOCOL]);
    expect(room!.pins).toEqual([posted[0]!.ts]);
    return room!;
  }

  it('creates the channel, sets the topic, posts and pins the protocol, invites the roles, and says where it is', async () => {
    const clock = await deliver([
      { kind: 'slack.post', channel: '#incidents', card: textCard('INC-12 SEV1: checkout down'), ref: 'incident:INC-12' },
      { kind: 'slack.war-room', ...ROOM, invite: [...ROOM.invite, 'U0IC', 'nobody'], announceIn: { channel: '#incidents', threadOf: 'incident:INC-12' } },
    ]);
    const room = expectOneRoom();
    expect(slack.callsTo('conversations.create').map((c) => c.body)).toEqual([{ name: 'war-inc-12' }]);
    expect(slack.callsTo('conversations.invite').map((c) => c.body['users'])).toEqual(['U0IC', 'U0LEAD', 'U0CTO', 'nobody']);
    expect(slack.callsTo('chat.postMessage')[1]?.body).toMatchObject({ channel: room.id, text: PROTOCOL, metadata: { event_type: 'spark_outbox', event_payload: { marker: 'war-room:war-inc-12' } } });

    const row = await warRoomRow();
    expect(row).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(row.result).toMatchObject({ channel: room.id, name: 'war-inc-12', invited: ['U0IC', 'U0LEAD', 'U0CTO'], notInvited: [{ user: 'nobody', error: 'user_not_found' }] });

    const [card, announcement] = slack.messages('#incidents');
    expect(announcement).toMatchObject({ thread_ts: card!.ts });
    expect(announcement!.text).toBe(
      `War room <#${room.id}|war-inc-12> is open: <@U0IC>, <@U0LEAD>, <@U0CTO> invited, the protocol pinned.\nCould not invite <@nobody> (user_not_found): add them by hand.`,
    );
    expect(await outboxCounts(db, clock.now())).toEqual({ pending: 0, parked: 0, lagSeconds: 0 });
  });

  const incident = (): OutboxItem[] => [
    { kind: 'slack.post', channel: '#incidents', card: textCard('INC-12 SEV1: checkout down'), ref: 'incident:INC-12' },
    { kind: 'slack.war-room', ...ROOM, announceIn: { channel: '#incidents', threadOf: 'incident:INC-12' } },
  ];

  it('announces the room once when the answer to the announcement was lost', async () => {
    const real = slackDelivery('xoxb-test', slack.url);
    let lost = 1;
    const losing: ChatDelivery = {
      ...real,
      async post(m) {
        const posted = await real.post(m);
        if (m.threadTs && lost-- > 0) throw new Error('socket hang up');
        return posted;
      },
    };
    await deliver(incident(), losing);
    expectOneRoom();
    expect(slack.messages('#incidents').map((m) => m.text?.split(' is open')[0])).toEqual(['INC-12 SEV1: checkout down', expect.stringMatching(/^War room <#C\w+\|war-inc-12>$/)]);
    expect(await warRoomRow()).toMatchObject({ state: 'delivered', attempts: 2 });
  });

  it('opens the room at once, and announces it when the message it goes under is posted', async () => {
    slack.failNext(1, { status: 500, method: 'chat.postMessage' });
    await deliver(incident());
    expectOneRoom();
    const cardPosted = slack.calls.findIndex((c) => c.method === 'chat.postMessage' && c.body['text'] === 'INC-12 SEV1: checkout down' && c.status === 200);
    expect(slack.calls.findIndex((c) => c.method === 'pins.add')).toBeLessThan(cardPosted);
    const [card, announcement] = slack.messages('#incidents');
    expect(announcement).toMatchObject({ thread_ts: card!.ts, text: expect.stringMatching(/^War room /) });
    expect(slack.messages('#incidents')).toHaveLength(2);
    expect(await warRoomRow()).toMatchObject({ state: 'delivered', attempts: 2 });
  });

  it('makes the name a valid channel name', async () => {
    await deliver([{ kind: 'slack.war-room', ...ROOM, name: '#INC 12 / War Room — Çağrı!' }]);
    expectOneRoom('inc-12-war-room-cagri');
  });

  for (const method of ['conversations.create', 'conversations.setTopic', 'chat.postMessage', 'pins.add', 'conversations.invite']) {
    it(`when Slack did the ${method} but its answer was lost, a retry makes one channel and pins the protocol once`, async () => {
      slack.failNext(1, { status: 500, method, afterHandling: true });
      await deliver([{ kind: 'slack.war-room', ...ROOM }]);
      expectOneRoom();
      expect(await warRoomRow()).toMatchObject({ state: 'delivered', attempts: 2 });
    });
  }

  it('a row run again after its delivery died finds the room, the protocol and the pin of the first run', async () => {
    const real = slackDelivery('xoxb-test', slack.url);
    let lost = 1;
    const dying: ChatDelivery = {
      ...real,
      async openWarRoom(m) {
        const room = await real.openWarRoom(m);
        if (lost-- > 0) throw new Error('socket hang up');
        return room;
      },
    };
    await deliver([{ kind: 'slack.war-room', ...ROOM }], dying);
    expectOneRoom();
    expect(slack.callsTo('conversations.create').map((c) => (c.response as { ok: boolean; error?: string }).error ?? 'ok')).toEqual(['ok', 'name_taken']);
    expect(slack.callsTo('pins.add').map((c) => (c.response as { error?: string }).error ?? 'ok')).toEqual(['ok', 'already_pinned']);
    // the topic was already right: not set again (every change shows in the channel)
    expect(slack.callsTo('conversations.setTopic')).toHaveLength(1);
    expect(await warRoomRow()).toMatchObject({ state: 'delivered', attempts: 2 });
  });

  it('on name_taken finds the channel an earlier try made, paging through the channel list', async () => {
    for (let i = 0; i < 1200; i++) slack.addChannel(`other-${i}`);
    slack.failNext(1, { status: 500, method: 'conversations.create', afterHandling: true });
    await deliver([{ kind: 'slack.war-room', ...ROOM }]);
    expectOneRoom();
    expect(slack.callsTo('conversations.list').map((c) => c.body['cursor'] === undefined)).toEqual([true, false]);
  });

  it('joins a channel of that name someone else made, and opens the room in it', async () => {
    slack.addChannel('war-inc-12');
    await deliver([{ kind: 'slack.war-room', ...ROOM }]);
    expectOneRoom();
    expect(slack.callsTo('conversations.join')).toHaveLength(1);
  });

  it('parks the row, saying why, when the name is held by an archived channel', async () => {
    slack.addChannel('war-inc-12', { archived: true });
    await deliver([{ kind: 'slack.war-room', ...ROOM }]);
    expect(await warRoomRow()).toMatchObject({ state: 'parked', attempts: 1, last_error: 'war room #war-inc-12: #war-inc-12 exists but is archived: unarchive it, or open the war room under another name' });
  });

  it('parks the row naming the scope the app lacks', async () => {
    slack.setScopes(['commands', 'chat:write', 'files:write', 'channels:history', 'channels:read', 'channels:join', 'pins:write']);
    await deliver([{ kind: 'slack.war-room', ...ROOM }]);
    expect(await warRoomRow()).toMatchObject({
      state: 'parked',
      last_error: 'war room #war-inc-12: Slack refused: missing_scope: the app needs the channels:manage scope (add it to manifest.yml and reinstall the app)',
    });
  });

  it('parks a name with nothing Slack allows in it', async () => {
    await deliver([{ kind: 'slack.war-room', ...ROOM, name: '!!!' }]);
    expect(await warRoomRow()).toMatchObject({ state: 'parked', last_error: 'war room "!!!": nothing in that name is allowed in a Slack channel name' });
    expect(slack.callsTo('conversations.create')).toHaveLength(0);
  });

  it('waits out Slack\'s rate limit, then opens the room', async () => {
    slack.failNext(1, { status: 429, retryAfter: 30, method: 'conversations.invite' });
    const clock = await deliver([{ kind: 'slack.war-room', ...ROOM }]);
    expectOneRoom();
    expect(clock.now().getTime() - T0.getTime()).toBeGreaterThanOrEqual(30_000);
    expect(await warRoomRow()).toMatchObject({ state: 'delivered', attempts: 2 });
  });

  it('the console shows the room as one line, once', async () => {
    const out = new PassThrough();
    const screen = new Screen(out);
    await deliver([{ kind: 'slack.war-room', ...ROOM }], screen.delivery);
    await screen.delivery.openWarRoom({ ...ROOM, marker: 'war-room:war-inc-12' });
    expect(String(out.read())).toBe('#war-inc-12 created; invited @U0IC, @U0LEAD, @U0CTO; protocol pinned\n');
  });
});
