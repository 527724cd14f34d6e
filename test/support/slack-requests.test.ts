import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../fakes/slack-web-api.ts';
import {
  blockActionPayload,
  blockActionsBody,
  postSigned,
  signSlackRequest,
  slashCommandBody,
  viewSubmissionBody,
  viewSubmissionPayload,
} from './slack-requests.ts';

// https://api.slack.com/authentication/verifying-requests-from-slack — the documented example.
const DOC_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const DOC_TS = 1531420618;
const DOC_BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const DOC_SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';

describe('signSlackRequest', () => {
  it("reproduces Slack's documented example signature", () => {
    expect(signSlackRequest(DOC_SECRET, DOC_BODY, DOC_TS)).toEqual({
      'x-slack-signature': DOC_SIGNATURE,
      'x-slack-request-timestamp': '1531420618',
    });
  });

  it('changes with the body, the timestamp and the secret', () => {
    const base = signSlackRequest(DOC_SECRET, DOC_BODY, DOC_TS)['x-slack-signature'];
    expect(signSlackRequest(DOC_SECRET, `${DOC_BODY}x`, DOC_TS)['x-slack-signature']).not.toBe(base);
    expect(signSlackRequest(DOC_SECRET, DOC_BODY, DOC_TS + 1)['x-slack-signature']).not.toBe(base);
    expect(signSlackRequest(`${DOC_SECRET}x`, DOC_BODY, DOC_TS)['x-slack-signature']).not.toBe(base);
  });
});

describe('request bodies', () => {
  it('slashCommandBody carries every field Slack sends and round-trips through URLSearchParams', () => {
    const body = slashCommandBody({
      text: 'preflight 1.4.0 --dry-run & more=yes',
      user_id: 'U2CERLKJA',
      channel_id: 'C0SPARK',
      trigger_id: '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
      response_url: 'http://127.0.0.1:1234/response/abc',
    });
    const params = new URLSearchParams(body);
    expect([...params.keys()]).toEqual([
      'token',
      'team_id',
      'team_domain',
      'channel_id',
      'channel_name',
      'user_id',
      'user_name',
      'command',
      'text',
      'api_app_id',
      'is_enterprise_install',
      'response_url',
      'trigger_id',
    ]);
    expect(Object.fromEntries(params)).toMatchObject({
      command: '/spark',
      text: 'preflight 1.4.0 --dry-run & more=yes',
      user_id: 'U2CERLKJA',
      channel_id: 'C0SPARK',
      trigger_id: '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
      response_url: 'http://127.0.0.1:1234/response/abc',
      is_enterprise_install: 'false',
    });
    expect(new URLSearchParams(params).toString()).toBe(body);
    expect(body).toContain('command=%2Fspark');
  });

  it('slashCommandBody defaults stay on loopback and trigger ids look like Slack ones', () => {
    const params = new URLSearchParams(slashCommandBody({ text: '', user_id: 'U1', channel_id: 'C1', command: '/spark-dev' }));
    expect(params.get('command')).toBe('/spark-dev');
    expect(new URL(params.get('response_url')!).hostname).toBe('127.0.0.1');
    expect(params.get('trigger_id')).toMatch(/^\d+\.\d+\.[0-9a-f]{32}$/);
  });

  it('blockActionsBody form-encodes a block_actions payload', () => {
    const payload = blockActionPayload({ user_id: 'U1', channel_id: 'C1', message_ts: '1732400000.000100', action_id: 'gonogo_go', value: 'go', block_id: 'vote' });
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'U1', username: expect.any(String), name: expect.any(String), team_id: expect.any(String) },
      container: { type: 'message', message_ts: '1732400000.000100', channel_id: 'C1', is_ephemeral: false },
      channel: { id: 'C1', name: expect.any(String) },
      message: { ts: '1732400000.000100' },
      actions: [{ action_id: 'gonogo_go', block_id: 'vote', value: 'go', type: 'button', text: { type: 'plain_text', text: 'go' } }],
    });
    expect(payload.actions[0]?.action_ts).toMatch(/^\d{10}\.\d{6}$/);
    const body = blockActionsBody(payload);
    expect(body.startsWith('payload=')).toBe(true);
    expect(JSON.parse(new URLSearchParams(body).get('payload')!)).toEqual(payload);
  });

  it('viewSubmissionBody builds a view_submission payload with state values', () => {
    const fields = { user_id: 'U1', callback_id: 'incident_form', private_metadata: '{"release":"1.4.0"}', values: { sev: { sev_select: { type: 'static_select', selected_option: { value: 'sev2' } } }, summary: { summary_input: 'db is on fire' } } };
    const payload = viewSubmissionPayload(fields);
    expect(payload).toMatchObject({
      type: 'view_submission',
      user: { id: 'U1' },
      trigger_id: expect.stringMatching(/^\d+\.\d+\.[0-9a-f]{32}$/),
      view: {
        id: expect.stringMatching(/^V/),
        callback_id: 'incident_form',
        private_metadata: '{"release":"1.4.0"}',
        state: { values: { sev: { sev_select: { type: 'static_select', selected_option: { value: 'sev2' } } }, summary: { summary_input: { type: 'plain_text_input', value: 'db is on fire' } } } },
      },
    });
    const parsed = JSON.parse(new URLSearchParams(viewSubmissionBody(fields)).get('payload')!) as typeof payload;
    expect(parsed.view.state).toEqual(payload.view.state);
  });
});

describe('postSigned', () => {
  let server: Server;
  let url: string;
  const seen: Array<{ headers: IncomingMessage['headers']; body: string }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ack');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sends the signature, timestamp, content type and retry headers', async () => {
    const res = await postSigned(url, DOC_SECRET, DOC_BODY, { timestampSec: DOC_TS, retryNum: 1 });
    expect(res.status).toBe(200);
    expect(res.text).toBe('ack');
    expect(res.ms).toBeGreaterThanOrEqual(0);
    const last = seen.at(-1)!;
    expect(last.body).toBe(DOC_BODY);
    expect(last.headers['x-slack-signature']).toBe(DOC_SIGNATURE);
    expect(last.headers['x-slack-request-timestamp']).toBe(String(DOC_TS));
    expect(last.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(last.headers['x-slack-retry-num']).toBe('1');
    expect(last.headers['x-slack-retry-reason']).toBe('http_timeout');
  });

  it('defaults to JSON for event bodies, to now for the timestamp, and omits retry headers', async () => {
    await postSigned(url, 'secret', '{"type":"url_verification","challenge":"c"}');
    const last = seen.at(-1)!;
    expect(last.headers['content-type']).toBe('application/json');
    expect(Math.abs(Number(last.headers['x-slack-request-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
    expect(last.headers['x-slack-retry-num']).toBeUndefined();
  });

  it('refuses non-loopback URLs', async () => {
    await expect(postSigned('https://slack.com/api/x', 's', '')).rejects.toThrow(/loopback/);
  });
});

describe('with a real Bolt app (signature verification + fake Web API)', () => {
  const SECRET = 'test-signing-secret';
  let fake: FakeSlack;
  let app: App;
  let eventsUrl: string;

  beforeAll(async () => {
    fake = await startFakeSlack();
    app = new App({
      token: 'xoxb-test-token',
      signingSecret: SECRET,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: fake.url, retryConfig: { retries: 0 } },
    });
    app.command('/spark', async ({ ack, command, respond, client }) => {
      await ack();
      await respond({ text: `got: ${command.text}`, response_type: 'ephemeral' });
      await client.chat.postMessage({ channel: command.channel_id, text: `preflight by <@${command.user_id}>` });
    });
    app.action('gonogo_go', async ({ ack, body, respond }) => {
      await ack();
      await respond({ text: `vote from ${body.user.id}`, replace_original: false });
    });
    app.view('incident_form', async ({ ack, view }) => {
      const summary = view.state.values['summary']?.['summary_input']?.value;
      await ack(summary ? undefined : { response_action: 'errors', errors: { summary: 'required' } });
    });
    const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
    eventsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });

  afterAll(async () => {
    await app.stop();
    await fake.close();
  });

  it('accepts a signed slash command; respond() and the client reach the fake', async () => {
    const body = slashCommandBody({ text: 'preflight 1.4.0', user_id: 'U1', channel_id: 'C0SPARK', response_url: fake.respondUrl('cmd-1') });
    const res = await postSigned(eventsUrl, SECRET, body);
    expect(res.status).toBe(200);
    const responded = await fake.waitFor('response_url', (c) => c.path === '/response/cmd-1');
    expect(responded.body).toMatchObject({ text: 'got: preflight 1.4.0', response_type: 'ephemeral' });
    const posted = await fake.waitFor('chat.postMessage', (c) => c.body['channel'] === 'C0SPARK');
    expect(posted.body['text']).toBe('preflight by <@U1>');
  });

  it('rejects a bad signature and a stale timestamp', async () => {
    const body = slashCommandBody({ text: 'x', user_id: 'U1', channel_id: 'C1' });
    expect((await postSigned(eventsUrl, 'wrong-secret', body)).status).toBe(401);
    expect((await postSigned(eventsUrl, SECRET, body, { timestampSec: Math.floor(Date.now() / 1000) - 600 })).status).toBe(401);
    expect((await postSigned(eventsUrl, SECRET, body, { signedBody: `${body}&tampered=1` })).status).toBe(401);
  });

  it('accepts a signed block_actions payload', async () => {
    const payload = blockActionPayload({ user_id: 'U7', channel_id: 'C1', message_ts: '1732400000.000100', action_id: 'gonogo_go', value: 'go', response_url: fake.respondUrl('act-1') });
    const res = await postSigned(eventsUrl, SECRET, blockActionsBody(payload));
    expect(res.status).toBe(200);
    const responded = await fake.waitFor('response_url', (c) => c.path === '/response/act-1');
    expect(responded.body).toMatchObject({ text: 'vote from U7' });
  });

  it('accepts a signed view_submission and returns the ack body', async () => {
    const missing = await postSigned(eventsUrl, SECRET, viewSubmissionBody({ user_id: 'U1', callback_id: 'incident_form', values: { summary: { summary_input: '' } } }));
    expect(missing.status).toBe(200);
    expect(JSON.parse(missing.text)).toEqual({ response_action: 'errors', errors: { summary: 'required' } });
    const given = await postSigned(eventsUrl, SECRET, viewSubmissionBody({ user_id: 'U1', callback_id: 'incident_form', values: { summary: { summary_input: 'db on fire' } } }));
    expect(given.status).toBe(200);
    expect(given.text).toBe('');
  });
});
