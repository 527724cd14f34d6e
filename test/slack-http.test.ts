import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from './fakes/slack-web-api.ts';
import { freePort, spawnBot, type BotProcess } from './support/bot-process.ts';
import { blockActionPayload, blockActionsBody, fakeTriggerId, postSigned, slashCommandBody } from './support/slack-requests.ts';

const SECRET = 'test-signing-secret-8f742231b10e';
const CHANNEL = 'C0DEPLOYS';

describe('the bot in Slack HTTP mode, against a loopback Slack', () => {
  let slack: FakeSlack;
  let bot: BotProcess;
  let base: string;

  beforeAll(async () => {
    slack = await startFakeSlack();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    bot = await spawnBot([], {
      SLACK_BOT_TOKEN: 'xoxb-test-111-222',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.url,
      EVIDENCE_HMAC_KEY: 'test-hmac-key',
      PORT: String(port),
    });
    await bot.waitForOutput(/surface up/);
  });
  afterAll(async () => {
    expect(await bot.stop()).toBe(0);
    await slack.close();
  });
  beforeEach(() => slack.reset());

  const command = (text: string, extra: { trigger_id?: string; response_url?: string } = {}) =>
    slashCommandBody({ text, user_id: 'U0SPARKIC', channel_id: CHANNEL, trigger_id: extra.trigger_id ?? fakeTriggerId(), response_url: extra.response_url ?? slack.respondUrl('r1') });

  it('answers /healthz, /readyz and /metrics', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ok: true });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('process_resident_memory_bytes');
    expect(metrics).toContain('spark_ack_duration_seconds');
  });

  it('acks a signed /spark status at once, then posts the status card to the channel', async () => {
    const res = await postSigned(`${base}/slack/events`, SECRET, command('status'));
    expect(res.status).toBe(200);
    const post = await slack.waitFor('chat.postMessage');
    expect(post.body.channel).toBe(CHANNEL);
    expect(JSON.stringify(post.body.blocks)).toContain('No release in progress');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/spark_ack_duration_seconds_count\{kind="command"\} [1-9]/);
    expect(metrics).toMatch(/^spark_commands_total\{command="status"\} 1$/m);
  });

  it('runs /spark preflight in #spark-deploys: one card updated in place, and the evidence listed in its thread', async () => {
    expect((await postSigned(`${base}/slack/events`, SECRET, command('preflight v1.4.0'))).status).toBe(200);
    const thread = await slack.waitFor('chat.postMessage', (c) => c.body.thread_ts !== undefined, 20_000);
    const [card] = slack.callsTo('chat.postMessage');
    expect(card!.body.channel).toBe('#spark-deploys');
    expect(thread.body.thread_ts).toBe((card!.response as { ts: string }).ts);
    expect(String(thread.body.text)).toContain('Evidence for preflight v1.4.0: 11 files');
    // checks that finish together reach Slack as one update of the card
    const updates = slack.callsTo('chat.update');
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.every((u) => u.body.ts === (card!.response as { ts: string }).ts)).toBe(true);
    const final = JSON.stringify(updates.at(-1)!.body.blocks);
    // nothing is configured on this server: every check that needs a target says which, and nothing passes for it
    expect(final).toContain('Incomplete');
    expect(final).toContain('PROMETHEUS_URL is not set');
    expect(final).toContain('not configured (preflight.targetDatabase)');
    expect(final).toContain('0 pass · 1 warn · 0 fail · 9 skipped');
  });

  it('answers a usage error in the ack itself, changing nothing', async () => {
    const res = await postSigned(`${base}/slack/events`, SECRET, command('canary 1.4'));
    expect(res.status).toBe(200);
    const body = JSON.parse(res.text) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('`1.4` is not a version');
    expect(slack.calls).toEqual([]);
  });

  it('sends /spark help only to the person who asked, through response_url', async () => {
    await postSigned(`${base}/slack/events`, SECRET, command('help', { response_url: slack.respondUrl('help-1') }));
    const answer = await slack.waitFor('response_url');
    expect(answer.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(answer.body.blocks)).toContain('/spark canary <version>');
    expect(slack.callsTo('chat.postMessage')).toEqual([]);
  });

  it('refuses a bad signature and a stale timestamp with 401, recording nothing', async () => {
    expect((await postSigned(`${base}/slack/events`, 'not-the-secret', command('status'))).status).toBe(401);
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await postSigned(`${base}/slack/events`, SECRET, command('status'), { timestampSec: sixMinutesAgo })).status).toBe(401);
    // a valid request afterwards proves the bot was listening all along
    await postSigned(`${base}/slack/events`, SECRET, command('status'));
    await slack.waitFor('chat.postMessage');
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('handles a Slack retry (X-Slack-Retry-Num) of the same command once', async () => {
    const body = command('status', { trigger_id: fakeTriggerId() });
    expect((await postSigned(`${base}/slack/events`, SECRET, body)).status).toBe(200);
    expect((await postSigned(`${base}/slack/events`, SECRET, body, { retryNum: 1 })).status).toBe(200);
    await slack.waitFor('chat.postMessage');
    await bot.waitForOutput(/duplicate delivery dropped/);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('refreshes the status card in place when its button is pressed, once per click', async () => {
    await postSigned(`${base}/slack/events`, SECRET, command('status'));
    const posted = await slack.waitFor('chat.postMessage');
    const ts = (posted.response as { ts: string }).ts;
    const button = (posted.body.blocks as { type: string; elements?: { action_id: string; value: string }[] }[])
      .find((b) => b.type === 'actions')!.elements![0]!;
    const click = blockActionsBody(blockActionPayload({ user_id: 'U0CTO', channel_id: CHANNEL, message_ts: ts, action_id: button.action_id, value: button.value }));
    expect((await postSigned(`${base}/slack/events`, SECRET, click)).status).toBe(200);
    expect((await postSigned(`${base}/slack/events`, SECRET, click, { retryNum: 1 })).status).toBe(200);
    const update = await slack.waitFor('chat.update');
    expect(update.body).toMatchObject({ channel: CHANNEL, ts });
    await bot.waitForOutput(/duplicate delivery dropped[\s\S]*duplicate delivery dropped/);
    expect(slack.callsTo('chat.update')).toHaveLength(1);
  });
});
