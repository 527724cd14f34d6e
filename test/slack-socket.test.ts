import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { eventCallbackPayload, startFakeSocketMode, type FakeSocketMode, type SocketAck } from './fakes/slack-socket-mode.ts';
import { startFakeSlack, type FakeSlack, type SlackCall } from './fakes/slack-web-api.ts';
import { freePort, spawnBot, type BotProcess } from './support/bot-process.ts';
import { blockActionPayload, fakeTriggerId, slashCommandBody } from './support/slack-requests.ts';

const APP_TOKEN = 'xapp-1-A0FAKE-test';
const CHANNEL = 'C0DEPLOYS';
/** Slack's deadline for acknowledging an envelope. */
const SLACK_ACK_DEADLINE_MS = 3000;

/** A slash command as Socket Mode delivers it: the same fields as the HTTP form post, as a JSON object. */
function slashCommandPayload(text: string, extra: { trigger_id?: string; response_url: string }): Record<string, unknown> {
  return Object.fromEntries(new URLSearchParams(slashCommandBody({ text, user_id: 'U0SPARKIC', channel_id: CHANNEL, ...extra })));
}

type PostedBlock = { type: string; block_id?: string; elements?: Array<{ action_id: string; value: string; text?: { text: string } }> };

describe('the Socket Mode fakes', () => {
  let slack: FakeSlack;
  let socket: FakeSocketMode;
  const opened: WebSocket[] = [];

  beforeAll(async () => {
    slack = await startFakeSlack();
    socket = await startFakeSocketMode();
    slack.setSocketUrl(socket.url);
  });
  afterAll(async () => {
    for (const ws of opened) ws.terminate();
    await socket.close();
    await slack.close();
  });

  /** A raw client: connects, collects every text frame, and resolves once the first one (hello) is in. */
  async function connect(url: string): Promise<{ ws: WebSocket; frames: Record<string, unknown>[] }> {
    const ws = new WebSocket(url);
    opened.push(ws);
    const frames: Record<string, unknown>[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on('message', (d) => {
        frames.push(JSON.parse(d.toString()) as Record<string, unknown>);
        resolve();
      });
      ws.once('error', reject);
    });
    return { ws, frames };
  }

  it('apps.connections.open hands the socket URL only to an app-level token', async () => {
    const app = new WebClient(undefined, { slackApiUrl: slack.url, headers: { Authorization: `Bearer ${APP_TOKEN}` }, retryConfig: { retries: 0 } });
    expect(await app.apps.connections.open()).toMatchObject({ ok: true, url: socket.url });
    expect(socket.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=[\w-]+&app_id=A0FAKE$/);

    const bot = new WebClient('xoxb-test-111-222', { slackApiUrl: slack.url, retryConfig: { retries: 0 } });
    await expect(bot.apps.connections.open()).rejects.toMatchObject({ data: { ok: false, error: 'invalid_auth' } });
    const anonymous = new WebClient(undefined, { slackApiUrl: slack.url, retryConfig: { retries: 0 } });
    await expect(anonymous.apps.connections.open()).rejects.toMatchObject({ data: { ok: false, error: 'not_authed' } });
    // an app-level token is no good for the rest of the Web API
    const misused = new WebClient(APP_TOKEN, { slackApiUrl: slack.url, retryConfig: { retries: 0 } });
    await expect(misused.chat.postMessage({ channel: CHANNEL, text: 'hi' })).rejects.toMatchObject({ data: { error: 'not_authed' } });
  });

  it('greets a client with hello, delivers envelopes, times acks and answers pings', async () => {
    const before = socket.connectionCount;
    const { ws, frames } = await connect(socket.url);
    await socket.waitForConnections(before + 1);
    expect(frames[0]).toMatchObject({ type: 'hello', num_connections: expect.any(Number), connection_info: { app_id: 'A0FAKE' }, debug_info: expect.any(Object) });

    ws.on('message', (d) => {
      const env = JSON.parse(d.toString()) as { envelope_id?: string; type: string };
      if (env.type === 'slash_commands') ws.send(JSON.stringify({ envelope_id: env.envelope_id, payload: { text: 'got it' } }));
    });
    const ack = await socket.send('slash_commands', { command: '/spark', text: 'status' });
    expect(ack).toMatchObject({ type: 'slash_commands', payload: { text: 'got it' } });
    expect(ack.ms).toBeGreaterThanOrEqual(0);
    expect(frames.at(-1)).toMatchObject({ envelope_id: ack.envelope_id, type: 'slash_commands', accepts_response_payload: true, payload: { text: 'status' } });

    // an envelope nobody acks rejects after its timeout
    await expect(socket.send('interactive', { type: 'block_actions' }, { timeoutMs: 50 })).rejects.toThrow(/no ack for interactive envelope/);
    // events_api carries an event callback, with the retry fields
    const event = socket.send('events_api', eventCallbackPayload({ type: 'app_home_opened', user: 'U1', tab: 'home' }), { timeoutMs: 50 });
    await expect(event).rejects.toThrow(/no ack/);
    expect(socket.sent.at(-1)).toMatchObject({ type: 'events_api', retry_attempt: 0, retry_reason: '', accepts_response_payload: false, payload: { type: 'event_callback', event: { type: 'app_home_opened' } } });
    await expect(socket.send('events_api', { type: 'app_home_opened' })).rejects.toThrow(/event_callback/);

    const pinged = socket.pingsReceived;
    const pong = new Promise<void>((resolve) => ws.once('pong', () => resolve()));
    ws.ping('are you there');
    await pong;
    expect(socket.pingsReceived).toBe(pinged + 1);
    expect(await socket.ping()).toBeGreaterThanOrEqual(0);

    ws.close(1000);
    expect(await socket.waitForClose(socket.closes.length + 1)).toMatchObject({ code: 1000 });
  });

  it('refuses a connection without the ticket apps.connections.open handed out', async () => {
    const ws = new WebSocket(socket.url.replace(/ticket=[^&]+/, 'ticket=made-up'));
    opened.push(ws);
    const code = await new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)));
    expect(code).toBe(1008);
  });
});

describe('the bot in Slack Socket Mode, against a loopback Slack', () => {
  let slack: FakeSlack;
  let socket: FakeSocketMode;
  let bot: BotProcess;
  let base: string;
  const latencies: Array<{ what: string; ms: number }> = [];
  let startupCalls: SlackCall[] = [];

  const timed = async (what: string, ack: Promise<SocketAck>): Promise<SocketAck> => {
    const a = await ack;
    latencies.push({ what, ms: a.ms });
    expect(a.ms).toBeLessThan(SLACK_ACK_DEADLINE_MS);
    return a;
  };
  const command = (text: string, extra: { trigger_id?: string; response_url?: string } = {}) =>
    slashCommandPayload(text, { trigger_id: extra.trigger_id ?? fakeTriggerId(), response_url: extra.response_url ?? slack.respondUrl('r1') });
  const isStatusCard = (c: SlackCall) => c.body['channel'] === CHANNEL && JSON.stringify(c.body['blocks']).includes('No release in progress');
  /** Resolves once the bot has logged that it dropped the repeat of this delivery. */
  const duplicateDropped = (deliveryId: string) =>
    bot.waitForOutput(new RegExp(`"deliveryId":"${deliveryId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^\\n]*duplicate delivery dropped`));

  beforeAll(async () => {
    slack = await startFakeSlack();
    socket = await startFakeSocketMode();
    slack.setSocketUrl(socket.url);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    bot = await spawnBot([], {
      SLACK_APP_TOKEN: APP_TOKEN,
      SLACK_BOT_TOKEN: 'xoxb-test-111-222',
      SLACK_API_URL: slack.url,
      EVIDENCE_HMAC_KEY: 'test-hmac-key',
      PORT: String(port),
    });
    await Promise.race([socket.connected(), bot.exited.then((code) => Promise.reject(new Error(`bot exited (${code}) before connecting\n${bot.stderr()}\n${bot.stdout()}`)))]);
    await bot.waitForOutput(/Socket Mode surface up/);
    startupCalls = [...slack.calls];
  });
  afterAll(async () => {
    await bot?.stop();
    await socket?.close();
    await slack?.close();
    if (latencies.length) console.info(`Socket Mode ack latencies (ms): ${latencies.map((l) => `${l.what} ${l.ms.toFixed(1)}`).join(', ')}`);
  });
  beforeEach(() => {
    slack.reset();
    socket.reset();
  });

  it('opens the connection with the app-level token and keeps it alive with pings', async () => {
    // start-up: the bot checked its bot token, then asked for a socket URL with the app token
    expect(startupCalls.map((c) => [c.method, c.headers['authorization']])).toEqual([
      ['auth.test', 'Bearer xoxb-test-111-222'],
      ['apps.connections.open', `Bearer ${APP_TOKEN}`],
    ]);
    expect(startupCalls[1]?.response).toEqual({ ok: true, url: socket.url });
    expect(socket.connectionCount).toBe(1);
    expect(await socket.ping()).toBeLessThan(1000);
    // the client pings every clientPingTimeout/3 (about 1.7 s) and the fake pongs; a missed pong would make it reconnect
    await socket.waitForPings(1);
    expect(socket.connectionCount).toBe(1);
  });

  it('acks /spark status at once, then posts the status card to the channel', async () => {
    const ack = await timed('/spark status', socket.send('slash_commands', command('status')));
    expect(ack.payload ?? {}).toEqual({});
    const post = await slack.waitFor('chat.postMessage', isStatusCard);
    expect(post.headers['authorization']).toBe('Bearer xoxb-test-111-222');
    expect(JSON.stringify(post.body['blocks'])).toContain('socket');
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('answers a usage error in the ack itself, calling no Web API method', async () => {
    const ack = await timed('/spark canary 1.4 (usage error)', socket.send('slash_commands', command('canary 1.4', { response_url: slack.respondUrl('usage') })));
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(ack.payload)).toContain('`1.4` is not a version');
    // a valid command afterwards is the first and only Web API call: the usage error made none, nor used response_url
    await timed('/spark status', socket.send('slash_commands', command('status')));
    await slack.waitFor('chat.postMessage', isStatusCard);
    expect(slack.calls.map((c) => c.method)).toEqual(['chat.postMessage']);
  });

  it('sends /spark help only to the person who asked, through response_url', async () => {
    const ack = await timed('/spark help', socket.send('slash_commands', command('help', { response_url: slack.respondUrl('help-1') })));
    expect(ack.payload ?? {}).toEqual({});
    const answer = await slack.waitFor('response_url');
    expect(answer.path).toBe('/response/help-1');
    expect(answer.body['response_type']).toBe('ephemeral');
    expect(JSON.stringify(answer.body['blocks'])).toContain('/spark canary <version>');
    expect(slack.callsTo('chat.postMessage')).toEqual([]);
  });

  it('handles Slack redelivering the same command (new envelope, retry_attempt 1) once', async () => {
    const triggerId = fakeTriggerId();
    const payload = command('status', { trigger_id: triggerId });
    const first = await timed('/spark status', socket.send('slash_commands', payload));
    const retry = await timed('/spark status (retry)', socket.send('slash_commands', payload, { retryAttempt: 1, retryReason: 'timeout' }));
    expect(retry.envelope_id).not.toBe(first.envelope_id);
    expect(socket.sent.at(-1)).toMatchObject({ retry_attempt: 1, retry_reason: 'timeout' });
    await slack.waitFor('chat.postMessage', isStatusCard);
    await duplicateDropped(`command:${triggerId}`);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('refreshes the status card in place when its Refresh button is pressed', async () => {
    await socket.send('slash_commands', command('status'));
    const posted = await slack.waitFor('chat.postMessage', isStatusCard);
    const ts = (posted.response as { ts: string }).ts;
    const blocks = posted.body['blocks'] as PostedBlock[];
    const actions = blocks.find((b) => b.type === 'actions');
    const button = actions?.elements?.find((e) => e.text?.text === 'Refresh');
    expect(button).toBeDefined();
    const click = blockActionPayload({
      user_id: 'U0CTO',
      channel_id: CHANNEL,
      message_ts: ts,
      action_id: button!.action_id,
      value: button!.value,
      block_id: actions!.block_id,
      button_text: 'Refresh',
      response_url: slack.respondUrl('refresh'),
      message: { text: posted.body['text'], blocks },
    });
    // Slack redelivers the click (retry_attempt 1) while the first delivery is still being handled
    const first = socket.send('interactive', click as unknown as Record<string, unknown>);
    const retry = socket.send('interactive', click as unknown as Record<string, unknown>, { retryAttempt: 1, retryReason: 'timeout' });
    const ack = await timed('Refresh button', first);
    await timed('Refresh button (retry, concurrent)', retry);
    expect(ack.payload ?? {}).toEqual({});
    expect(socket.sent.map((e) => [e.type, e.accepts_response_payload])).toEqual([
      ['slash_commands', true],
      ['interactive', false],
      ['interactive', false],
    ]);
    const update = await slack.waitFor('chat.update');
    expect(update.body).toMatchObject({ channel: CHANNEL, ts });
    expect(JSON.stringify(update.body['blocks'])).toContain('No release in progress');
    expect(slack.messages(CHANNEL).find((m) => m.ts === ts)?.edited).toBeDefined();
    await duplicateDropped(`action:${click.trigger_id}:${click.actions[0]!.action_ts}`);
    expect(slack.callsTo('chat.update')).toHaveLength(1);
  });

  it('publishes the App Home tab when a user opens it (events_api)', async () => {
    const ack = await timed('app_home_opened event', socket.send('events_api', eventCallbackPayload({ type: 'app_home_opened', user: 'U0CTO', channel: 'D0CTO', tab: 'home' })));
    expect(ack.type).toBe('events_api');
    const publish = await slack.waitFor('views.publish');
    expect(publish.body['user_id']).toBe('U0CTO');
    expect(JSON.stringify(publish.body['view'])).toContain('No release in progress');
  });

  it('answers /healthz, /readyz and /metrics on PORT, with the ack histogram filled', async () => {
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ ok: true });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ok: true });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('process_resident_memory_bytes');
    const count = (kind: string) => Number(new RegExp(`^spark_ack_duration_seconds_count\\{kind="${kind}"\\} (\\d+)`, 'm').exec(metrics)?.[1] ?? 0);
    expect(count('command')).toBeGreaterThan(0);
    expect(count('action')).toBeGreaterThan(0);
  });

  it('reconnects when Slack asks it to (disconnect: refresh_requested) and keeps working', async () => {
    socket.disconnect('refresh_requested');
    // the client hangs up, fetches a fresh URL with its app token and connects again (after its 5 s reconnect delay)
    expect(await socket.waitForClose(1)).toMatchObject({ code: 1000 });
    const reopen = await slack.waitFor('apps.connections.open', undefined, 15_000);
    expect(reopen.headers['authorization']).toBe(`Bearer ${APP_TOKEN}`);
    await socket.waitForConnections(2, 15_000);
    await timed('/spark status (after reconnect)', socket.send('slash_commands', command('status')));
    await slack.waitFor('chat.postMessage', isStatusCard);
  });

  it('stops with exit code 0 on SIGTERM, closing the socket cleanly', async () => {
    expect(await bot.stop()).toBe(0);
    expect(bot.stdout()).toMatch(/"signal":"SIGTERM"[^\n]*"msg":"stopping"/);
    expect(await socket.waitForClose(1)).toMatchObject({ code: 1000 });
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});

describe('the bot in Socket Mode with an app-level token Slack rejects', () => {
  it('stops start-up with exit code 1 and says why, instead of retrying forever', async () => {
    const slack = await startFakeSlack();
    const socket = await startFakeSocketMode();
    slack.setSocketUrl(socket.url);
    // shaped like an app token (so the bot's own check passes) but not one the fake Slack accepts
    const bot = await spawnBot([], {
      SLACK_APP_TOKEN: 'xapp-revoked_token',
      SLACK_BOT_TOKEN: 'xoxb-test-111-222',
      SLACK_API_URL: slack.url,
      EVIDENCE_HMAC_KEY: 'test-hmac-key',
      PORT: String(await freePort()),
    });
    try {
      const outcome = await Promise.race([bot.exited, new Promise<string>((resolve) => setTimeout(resolve, 15_000, 'still running after 15 s').unref())]);
      expect(outcome).toBe(1);
      expect(bot.stderr()).toMatch(/invalid_auth/);
      expect(slack.callsTo('apps.connections.open').map((c) => c.response)).toEqual([{ ok: false, error: 'invalid_auth' }]);
      expect(socket.connectionCount).toBe(0);
    } finally {
      await bot.stop();
      await socket.close();
      await slack.close();
    }
  });
});
