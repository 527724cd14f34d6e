import { ErrorCode, LogLevel, WebClient, WebClientEvent, type WebAPIHTTPError, type WebAPIPlatformError, type WebAPIRateLimitedError } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from './slack-web-api.ts';

const TOKEN = 'xoxb-1234-5678-fake';

let fake: FakeSlack;
let client: WebClient;
let retrying: WebClient;

beforeAll(async () => {
  fake = await startFakeSlack();
  client = new WebClient(TOKEN, { slackApiUrl: fake.url, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
  retrying = new WebClient(TOKEN, {
    slackApiUrl: fake.url,
    retryConfig: { retries: 3, minTimeout: 10, maxTimeout: 20, factor: 1 },
    logLevel: LogLevel.ERROR,
  });
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.reset();
});

async function rejection<T = Error>(p: Promise<unknown>): Promise<T> {
  try {
    await p;
  } catch (e) {
    return e as T;
  }
  throw new Error('expected the promise to reject');
}

describe('fake Slack Web API', () => {
  it('serves on loopback with a /api/ base URL', () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
  });

  it('answers auth.test with the bot identity', async () => {
    const res = await client.auth.test();
    expect(res).toMatchObject({ ok: true, user_id: 'U0BOT', bot_id: 'B0BOT', team_id: expect.any(String), team: expect.any(String), url: expect.any(String) });
    const call = fake.callsTo('auth.test')[0];
    expect(call?.headers['authorization']).toBe(`Bearer ${TOKEN}`);
  });

  it('records chat.postMessage with form-encoded blocks parsed back into objects', async () => {
    const blocks = [
      { type: 'section', text: { type: 'mrkdwn', text: '*Go/no-go* [1/3]' } },
      { type: 'actions', block_id: 'vote', elements: [{ type: 'button', action_id: 'go', value: 'go', text: { type: 'plain_text', text: 'Go' } }] },
    ];
    const res = await client.chat.postMessage({ channel: 'C123ABC', text: '[release] go/no-go', blocks, unfurl_links: false });
    expect(res.ok).toBe(true);
    expect(res.channel).toBe('C123ABC');
    expect(res.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(res.message).toMatchObject({ text: '[release] go/no-go', ts: res.ts, blocks, bot_id: 'B0BOT' });

    const call = await fake.waitFor('chat.postMessage');
    expect(call.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(call.body['blocks']).toEqual(blocks);
    expect(call.body['text']).toBe('[release] go/no-go');
    expect(call.body['channel']).toBe('C123ABC');
    expect(call.body['unfurl_links']).toBe('false');
    expect(call.status).toBe(200);
  });

  it('refuses blocks beyond Block Kit limits with invalid_blocks, as Slack does', async () => {
    const button = (n: number) => ({ type: 'button', action_id: `b${n}`, value: String(n), text: { type: 'plain_text', text: 'x'.repeat(n === 0 ? 76 : 5) } });
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } },
      { type: 'section', text: { type: 'mrkdwn', text: 's'.repeat(3001) } },
      { type: 'actions', elements: Array.from({ length: 26 }, (_, n) => button(n)) },
    ];
    const err = await client.chat.postMessage({ channel: 'C123ABC', text: 'too much', blocks }).catch((e: { data: unknown }) => e.data);
    expect(err).toMatchObject({
      ok: false,
      error: 'invalid_blocks',
      errors: ['blocks[0]: header text over 150', 'blocks[1]: section text over 3000', 'blocks[2]: 26 elements (at most 25)', 'blocks[2].elements[0]: button text over 75'],
    });
    expect(fake.messages('C123ABC').map((m) => m.text)).not.toContain('too much');
  });

  it('issues increasing ts values and honours thread_ts', async () => {
    const a = await client.chat.postMessage({ channel: 'C1', text: 'one' });
    const b = await client.chat.postMessage({ channel: 'C1', text: 'two', thread_ts: a.ts });
    const c = await client.chat.postMessage({ channel: 'C2', text: 'three' });
    expect(Number(b.ts)).toBeGreaterThan(Number(a.ts));
    expect(Number(c.ts)).toBeGreaterThan(Number(b.ts));
    expect(b.message?.thread_ts).toBe(a.ts);
    expect(fake.messages('C1').map((m) => m.text)).toEqual(['one', 'two']);
  });

  it('maps #names to a stable channel id', async () => {
    const a = await client.chat.postMessage({ channel: '#spark-release', text: 'hi' });
    const b = await client.chat.postMessage({ channel: '#spark-release', text: 'again' });
    expect(a.channel).toMatch(/^C[0-9A-Z]+$/);
    expect(b.channel).toBe(a.channel);
    expect(fake.channelId('#spark-release')).toBe(a.channel);
    expect(fake.channelId('spark-release')).toBe(a.channel);
    const created = await client.conversations.create({ name: 'spark-incident-1' });
    expect(created.channel).toMatchObject({ id: fake.channelId('spark-incident-1'), name: 'spark-incident-1' });
  });

  it('rejects postMessage without channel or content', async () => {
    const noChannel = await rejection<WebAPIPlatformError>(client.apiCall('chat.postMessage', { text: 'x' }));
    expect(noChannel.code).toBe(ErrorCode.PlatformError);
    expect(noChannel.data.error).toBe('channel_not_found');
    const noText = await rejection<WebAPIPlatformError>(client.apiCall('chat.postMessage', { channel: 'C1' }));
    expect(noText.data.error).toBe('no_text');
  });

  it('updates an issued message and refuses an unknown ts', async () => {
    const posted = await client.chat.postMessage({ channel: 'C9', text: 'canary: 1%' });
    const updated = await client.chat.update({ channel: 'C9', ts: posted.ts!, text: 'canary: 5%' });
    expect(updated).toMatchObject({ ok: true, channel: 'C9', ts: posted.ts, text: 'canary: 5%' });
    expect(fake.messages('C9')[0]?.text).toBe('canary: 5%');

    const unknown = await rejection<WebAPIPlatformError>(client.chat.update({ channel: 'C9', ts: '1111111111.000001', text: 'x' }));
    expect(unknown.data.error).toBe('message_not_found');
    const wrongChannel = await rejection<WebAPIPlatformError>(client.chat.update({ channel: 'C8', ts: posted.ts!, text: 'x' }));
    expect(wrongChannel.data.error).toBe('message_not_found');
  });

  it('answers postEphemeral, views.*, conversations.*, pins.add', async () => {
    const eph = await client.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'only you' });
    expect(eph.message_ts).toMatch(/^\d{10}\.\d{6}$/);

    const home = await client.views.publish({ user_id: 'U1', view: { type: 'home', blocks: [] } });
    expect(home.view?.id).toMatch(/^V/);
    const opened = await client.views.open({ trigger_id: '1.2.abc', view: { type: 'modal', callback_id: 'go_form', title: { type: 'plain_text', text: 'Go' }, blocks: [] } });
    expect(opened.view).toMatchObject({ id: expect.stringMatching(/^V/), callback_id: 'go_form' });
    const upd = await client.views.update({ view_id: opened.view!.id!, view: { type: 'modal', callback_id: 'go_form2', title: { type: 'plain_text', text: 'Go' }, blocks: [] } });
    expect(upd.view).toMatchObject({ id: opened.view!.id, callback_id: 'go_form2' });
    const missing = await rejection<WebAPIPlatformError>(client.views.update({ view_id: 'VNOPE', view: { type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: [] } }));
    expect(missing.data.error).toBe('not_found');

    const ch = await client.conversations.create({ name: 'spark-inc-42' });
    expect((await client.conversations.invite({ channel: ch.channel!.id!, users: 'U1,U2' })).ok).toBe(true);
    expect((await client.conversations.join({ channel: 'C1' })).ok).toBe(true);
    const taken = await rejection<WebAPIPlatformError>(client.conversations.create({ name: 'spark-inc-42' }));
    expect(taken.data.error).toBe('name_taken');

    const posted = await client.chat.postMessage({ channel: ch.channel!.id!, text: 'pin me' });
    expect((await client.pins.add({ channel: ch.channel!.id!, timestamp: posted.ts! })).ok).toBe(true);
  });

  describe('channels: create, list, topic, invite, join, pins', () => {
    it('validates names as conversations.create documents, and refuses a taken one', async () => {
      const error = async (name: string) => (await rejection<WebAPIPlatformError>(client.conversations.create({ name }))).data.error;
      expect(await error('')).toBe('invalid_name_required');
      expect(await error('x'.repeat(81))).toBe('invalid_name_maxlength');
      expect(await error('Inc 12')).toBe('invalid_name_specials');
      expect(await error('war.room')).toBe('invalid_name_specials');
      expect(await error('-_-')).toBe('invalid_name_punctuation');

      const made = await client.conversations.create({ name: `war-${'x'.repeat(76)}` });
      expect(made.channel).toMatchObject({ name: `war-${'x'.repeat(76)}`, is_channel: true, is_private: false, is_member: true, creator: 'U0BOT', topic: { value: '' } });
      expect(await error(`war-${'x'.repeat(76)}`)).toBe('name_taken');
      fake.addChannel('someone-elses');
      expect(await error('someone-elses')).toBe('name_taken');
      expect(fake.channel(made.channel!.id!)?.members).toEqual(['U0BOT']);
    });

    it('takes JSON bodies and form fields with the token in the Authorization header', async () => {
      const json = await fetch(`${fake.url}conversations.create`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ name: 'war-json', is_private: false }),
      });
      expect(await json.json()).toMatchObject({ ok: true, channel: { name: 'war-json', is_private: false } });
      const form = await fetch(`${fake.url}conversations.setTopic`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ channel: fake.channelId('war-json'), topic: '{"looks": "like json"}' }).toString(),
      });
      expect(await form.json()).toMatchObject({ ok: true, channel: { topic: { value: '{"looks": "like json"}' } } });
    });

    it('lists channels a page at a time, with a cursor, archived ones unless excluded, private ones only to members', async () => {
      for (const n of [1, 2, 3, 4, 5]) await client.conversations.create({ name: `room-${n}` });
      fake.addChannel('old-room', { archived: true });
      fake.addChannel('secret', { isPrivate: true });
      const names: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await client.conversations.list({ limit: 2, ...(cursor ? { cursor } : {}) });
        names.push(...(page.channels ?? []).map((c) => c.name!));
        cursor = page.response_metadata?.next_cursor || undefined;
        pages++;
      } while (cursor);
      expect(names).toEqual(['room-1', 'room-2', 'room-3', 'room-4', 'room-5', 'old-room']);
      expect(pages).toBe(3);
      expect(fake.callsTo('conversations.list')[0]?.body).toMatchObject({ limit: '2' });

      const live = await client.conversations.list({ exclude_archived: true, types: 'public_channel,private_channel' });
      expect(live.channels?.map((c) => c.name)).toEqual(['room-1', 'room-2', 'room-3', 'room-4', 'room-5']);
      expect((await rejection<WebAPIPlatformError>(client.conversations.list({ limit: 1001 }))).data.error).toBe('invalid_limit');
      expect((await rejection<WebAPIPlatformError>(client.conversations.list({ cursor: 'bm9wZQ==' }))).data.error).toBe('invalid_cursor');
    });

    it('sets a topic of at most 250 characters, only where the bot is a member of a live channel', async () => {
      const { channel } = await client.conversations.create({ name: 'war-topic' });
      const set = await client.conversations.setTopic({ channel: channel!.id!, topic: 'INC-7 (SEV1): checkout down' });
      expect(set.channel).toMatchObject({ topic: { value: 'INC-7 (SEV1): checkout down' } });
      expect(fake.channel('#war-topic')?.topic).toBe('INC-7 (SEV1): checkout down');
      expect((await rejection<WebAPIPlatformError>(client.conversations.setTopic({ channel: channel!.id!, topic: 'x'.repeat(251) }))).data.error).toBe('too_long');

      const outside = fake.addChannel('not-ours');
      expect((await rejection<WebAPIPlatformError>(client.conversations.setTopic({ channel: outside, topic: 't' }))).data.error).toBe('not_in_channel');
      expect((await rejection<WebAPIPlatformError>(client.chat.postMessage({ channel: outside, text: 'x' }))).data.error).toBe('not_in_channel');
      const archived = fake.addChannel('gone', { archived: true, botIsMember: true });
      expect((await rejection<WebAPIPlatformError>(client.conversations.setTopic({ channel: archived, topic: 't' }))).data.error).toBe('is_archived');
      expect((await rejection<WebAPIPlatformError>(client.conversations.join({ channel: archived }))).data.error).toBe('is_archived');
      const joined = await client.conversations.join({ channel: outside });
      expect(joined.channel).toMatchObject({ id: outside, is_member: true });
      expect((await client.conversations.setTopic({ channel: outside, topic: 't' })).ok).toBe(true);
    });

    it('invites users, refusing the whole list for one bad invitee unless forced', async () => {
      const { channel } = await client.conversations.create({ name: 'war-invite' });
      const id = channel!.id!;
      const invited = await client.conversations.invite({ channel: id, users: 'U0IC' });
      expect(invited.channel).toMatchObject({ id, num_members: 2 });
      const error = async (users: string) => (await rejection<WebAPIPlatformError>(client.conversations.invite({ channel: id, users }))).data;
      expect((await error('U0IC')).error).toBe('already_in_channel');
      expect((await error('U0BOT')).error).toBe('cant_invite_self');
      expect(await error('U0LEAD,nobody')).toMatchObject({ error: 'user_not_found', errors: [{ user: 'nobody', ok: false, error: 'user_not_found' }] });
      expect(fake.channel(id)?.members).toEqual(['U0BOT', 'U0IC']);

      const forced = await client.conversations.invite({ channel: id, users: 'U0LEAD,nobody', force: true });
      expect(forced).toMatchObject({ ok: true, errors: [{ user: 'nobody', error: 'user_not_found' }] });
      expect(fake.channel(id)?.members).toEqual(['U0BOT', 'U0IC', 'U0LEAD']);
      expect((await error('')).error).toBe('no_user');
    });

    it('pins a message once', async () => {
      const { channel } = await client.conversations.create({ name: 'war-pins' });
      const id = channel!.id!;
      const posted = await client.chat.postMessage({ channel: id, text: 'the protocol' });
      expect((await client.pins.add({ channel: id, timestamp: posted.ts! })).ok).toBe(true);
      const error = async (timestamp: string) => (await rejection<WebAPIPlatformError>(client.pins.add({ channel: id, timestamp }))).data.error;
      expect(await error(posted.ts!)).toBe('already_pinned');
      expect(await error('1111111111.000001')).toBe('message_not_found');
      expect(await error('soon')).toBe('bad_timestamp');
      expect((await rejection<WebAPIPlatformError>(client.apiCall('pins.add', { channel: id }))).data.error).toBe('no_item_specified');
      expect(fake.channel(id)?.pins).toEqual([posted.ts]);
      expect(fake.callsTo('pins.add')[0]?.body).toMatchObject({ channel: id, timestamp: posted.ts });
    });

    it('reads history between oldest and latest, exclusive unless inclusive', async () => {
      const ts = [];
      for (const text of ['a', 'b', 'c']) ts.push((await client.chat.postMessage({ channel: 'C1', text })).ts!);
      const texts = async (args: Record<string, unknown>) => ((await client.conversations.history({ channel: 'C1', ...args })).messages ?? []).map((m) => m.text);
      expect(await texts({ oldest: ts[0], latest: ts[2] })).toEqual(['b']);
      expect(await texts({ oldest: ts[0], latest: ts[2], inclusive: true })).toEqual(['c', 'b', 'a']);
    });

    it('answers missing_scope, naming it, for a method whose scope was not granted', async () => {
      fake.setScopes(['chat:write', 'channels:read']);
      const e = await rejection<WebAPIPlatformError>(client.conversations.create({ name: 'war-scope' }));
      expect(e.data).toMatchObject({ ok: false, error: 'missing_scope', needed: 'channels:manage', provided: 'chat:write,channels:read' });
      expect((await client.conversations.list()).ok).toBe(true);
      fake.reset();
      expect((await client.conversations.create({ name: 'war-scope' })).ok).toBe(true);
    });
  });

  it('answers unknown methods with unknown_method', async () => {
    const e = await rejection<WebAPIPlatformError>(client.apiCall('no.such.method', {}));
    expect(e.data.error).toBe('unknown_method');
  });

  it('answers not_authed without a valid token (header or form field)', async () => {
    const anonymous = new WebClient(undefined, { slackApiUrl: fake.url, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
    const e = await rejection<WebAPIPlatformError>(anonymous.chat.postMessage({ channel: 'C1', text: 'x' }));
    expect(e.code).toBe(ErrorCode.PlatformError);
    expect(e.data.error).toBe('not_authed');

    const bogus = new WebClient('not-a-token', { slackApiUrl: fake.url, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
    expect((await rejection<WebAPIPlatformError>(bogus.auth.test())).data.error).toBe('not_authed');

    const viaForm = await fetch(`${fake.url}auth.test`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: TOKEN }).toString(),
    });
    expect(viaForm.status).toBe(200);
    expect(await viaForm.json()).toMatchObject({ ok: true, user_id: 'U0BOT' });
    expect(fake.callsTo('chat.postMessage')[0]?.response).toEqual({ ok: false, error: 'not_authed' });
  });

  it('failNext 429 surfaces as a rate-limit error carrying retryAfter (rejectRateLimitedCalls)', async () => {
    const rejecting = new WebClient(TOKEN, { slackApiUrl: fake.url, rejectRateLimitedCalls: true, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
    fake.failNext(1, { status: 429, retryAfter: 7 });
    const e = await rejection<WebAPIRateLimitedError>(rejecting.chat.postMessage({ channel: 'C1', text: 'x' }));
    expect(e.code).toBe(ErrorCode.RateLimitedError);
    expect(e.retryAfter).toBe(7);
    const call = fake.callsTo('chat.postMessage')[0];
    expect(call?.status).toBe(429);
    expect(call?.response).toEqual({ ok: false, error: 'ratelimited' });
    // the failure was consumed: the next call succeeds
    expect((await rejecting.chat.postMessage({ channel: 'C1', text: 'x' })).ok).toBe(true);
  });

  it('failNext 429 with retries: the client waits Retry-After and then succeeds', async () => {
    let rateLimitedFor: number | undefined;
    const onRateLimited = (sec: number): void => {
      rateLimitedFor = sec;
    };
    retrying.on(WebClientEvent.RATE_LIMITED, onRateLimited);
    try {
      fake.failNext(1, { status: 429, retryAfter: 1 });
      const res = await retrying.chat.postMessage({ channel: 'C1', text: 'after the storm' });
      expect(res.ok).toBe(true);
      expect(rateLimitedFor).toBe(1);
      const attempts = fake.callsTo('chat.postMessage');
      expect(attempts.map((c) => c.status)).toEqual([429, 200]);
      expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(950);
    } finally {
      retrying.off(WebClientEvent.RATE_LIMITED, onRateLimited);
    }
  });

  it('failNext 500: fails without retries, succeeds after retries', async () => {
    fake.failNext(1, { status: 500 });
    const e = await rejection<WebAPIHTTPError>(client.chat.postMessage({ channel: 'C1', text: 'x' }));
    expect(e.code).toBe(ErrorCode.HTTPError);
    expect(e.statusCode).toBe(500);

    fake.reset();
    fake.failNext(2, { status: 500 });
    const res = await retrying.chat.postMessage({ channel: 'C1', text: 'eventually' });
    expect(res.ok).toBe(true);
    expect(fake.callsTo('chat.postMessage').map((c) => c.status)).toEqual([500, 500, 200]);
  });

  it('failNext for one method only, and a lost answer after the work was done', async () => {
    fake.failNext(1, { status: 500, method: 'conversations.create', afterHandling: true });
    expect((await client.chat.postMessage({ channel: 'C1', text: 'passes the failure by' })).ok).toBe(true);
    const lost = await rejection<WebAPIHTTPError>(client.conversations.create({ name: 'war-lost' }));
    expect(lost.statusCode).toBe(500);
    expect(fake.channel('war-lost')).toMatchObject({ name: 'war-lost', members: ['U0BOT'] });
    expect((await rejection<WebAPIPlatformError>(client.conversations.create({ name: 'war-lost' }))).data.error).toBe('name_taken');
  });

  it('waitFor is event-driven, honours the predicate, and times out', async () => {
    const waiting = fake.waitFor('chat.postMessage', (c) => c.body['text'] === 'second');
    await client.chat.postMessage({ channel: 'C1', text: 'first' });
    await client.chat.postMessage({ channel: 'C1', text: 'second' });
    const call = await waiting;
    expect(call.body['text']).toBe('second');

    // an already-recorded call resolves immediately
    expect((await fake.waitFor('chat.postMessage', (c) => c.body['text'] === 'first')).body['text']).toBe('first');

    const started = Date.now();
    await expect(fake.waitFor('views.open', undefined, 50)).rejects.toThrow(/timed out after 50ms/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('records response_url POSTs', async () => {
    const url = fake.respondUrl('cmd-1');
    expect(url.startsWith(fake.baseUrl)).toBe(true);
    expect(new URL(url).pathname).toBe('/response/cmd-1');
    const waiting = fake.waitFor('response_url');
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Preflight started', response_type: 'ephemeral', replace_original: false }),
    });
    expect(res.status).toBe(200);
    const call = await waiting;
    expect(call.path).toBe('/response/cmd-1');
    expect(call.body).toEqual({ text: 'Preflight started', response_type: 'ephemeral', replace_original: false });
  });

  it('reset forgets calls, messages and queued failures', async () => {
    const posted = await client.chat.postMessage({ channel: 'C1', text: 'x' });
    fake.failNext(3, { status: 500 });
    fake.reset();
    expect(fake.calls).toHaveLength(0);
    expect(fake.messages()).toHaveLength(0);
    const again = await client.chat.postMessage({ channel: 'C1', text: 'y' });
    expect(again.ok).toBe(true);
    expect(Number(again.ts)).toBeGreaterThan(Number(posted.ts));
  });
});
