import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeMessage, type FakeSlack } from './fakes/slack-web-api.ts';
import { freePort, spawnBot, type BotProcess } from './support/bot-process.ts';
import { blockActionPayload, blockActionsBody, postSigned, slashCommandBody, viewSubmissionBody } from './support/slack-requests.ts';
import { tempDir } from './support/temp.ts';

const SECRET = 'test-signing-secret-gonogo';
const IC = 'U0SPARKIC';
const VOTERS: Record<string, string> = { devopsLead: 'U0DEVOPS', cto: 'U0CTO', productOwner: 'U0PRODUCT', securityTeam: 'U0SECURITY', redTeamLead: 'U0REDTEAM' };
// Items this test can make true on a server with no platform configured: sealed evidence and a role's tick.
const CONFIG = `
gonogo:
  items:
    - { id: artifacts_docs, title: Artifacts & documentation present, auto: evidence }
    - { id: team_ready, title: Team ready, tickedBy: ic }
`;

type Button = { action_id: string; value: string; text: { text: string } };

describe('GO / NO-GO through Slack: buttons, the NO-GO form, refusals and a flood of clicks', () => {
  let slack: FakeSlack;
  let bot: BotProcess;
  let events: string;
  let card: FakeMessage;

  const send = (body: string) => postSigned(events, SECRET, body);
  const command = (text: string, user = IC) => send(slashCommandBody({ text, user_id: user, channel_id: 'C0DEPLOYS', response_url: slack.respondUrl(`cmd-${text}`) }));
  const buttons = (): Button[] =>
    ((slack.messages('#spark-deploys').find((m) => m.ts === card.ts)!.blocks ?? []) as { type: string; elements?: Button[] }[]).flatMap((b) => (b.type === 'actions' ? b.elements! : []));
  const button = (actionId: string, value: string) => buttons().find((b) => b.action_id === actionId && b.value.endsWith(`:${value}`))!;
  const click = (b: Button, user: string, respondId = `r-${Math.random()}`) =>
    send(blockActionsBody(blockActionPayload({ user_id: user, channel_id: card.channel, message_ts: card.ts, action_id: b.action_id, value: b.value, response_url: slack.respondUrl(respondId) })));
  const cardText = () => JSON.stringify(slack.messages('#spark-deploys').find((m) => m.ts === card.ts)!.blocks);
  const waitForCard = async (pattern: RegExp) => {
    for (let i = 0; i < 200 && !pattern.test(cardText()); i++) await slack.waitFor('chat.update', (c) => pattern.test(JSON.stringify(c.body.blocks)), 50).catch(() => undefined);
    expect(cardText()).toMatch(pattern);
  };

  beforeAll(async () => {
    slack = await startFakeSlack();
    const dir = tempDir('spark-gonogo-');
    writeFileSync(join(dir, 'spark.config.yml'), CONFIG);
    const port = await freePort();
    events = `http://127.0.0.1:${port}/slack/events`;
    bot = await spawnBot([], { SLACK_BOT_TOKEN: 'xoxb-test-1', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.url, EVIDENCE_HMAC_KEY: 'k', PORT: String(port), SPARK_CONFIG: join(dir, 'spark.config.yml') });
    await bot.waitForOutput(/surface up/);
    await command('preflight v1.4.0');
    await slack.waitFor('chat.postMessage', (c) => String(c.body.text).startsWith('Evidence for preflight v1.4.0'), 20_000);
    await command('gonogo v1.4.0');
    const posted = await slack.waitFor('chat.postMessage', (c) => String(c.body.text).startsWith('GO / NO-GO v1.4.0'), 10_000);
    card = slack.messages('#spark-deploys').find((m) => m.ts === (posted.response as { ts: string }).ts)!;
  }, 60_000);
  afterAll(async () => {
    expect(await bot.stop()).toBe(0);
    await slack.close();
  });

  it('refuses a vote from someone who does not hold the role, only to them', async () => {
    await click(button('gonogo.go', 'devopsLead'), VOTERS.cto!, 'refused-1');
    const answer = await slack.waitFor('response_url', (c) => c.path.endsWith('refused-1'));
    expect(answer.body).toMatchObject({ response_type: 'ephemeral', text: 'Only the DevOps Lead (Mehmet Demir) can vote for the DevOps Lead.' });
    expect(cardText()).toContain('*The DevOps Lead*: ⬜ not voted');
  });

  it('records 100 concurrent identical clicks as one vote', async () => {
    const go = button('gonogo.go', 'devopsLead');
    const acks = await Promise.all(Array.from({ length: 100 }, (_, i) => click(go, VOTERS.devopsLead!, `flood-${i}`)));
    expect(acks.every((a) => a.status === 200)).toBe(true);
    await waitForCard(/The DevOps Lead\*: ✅ GO — Mehmet Demir/);
    // the other 99 are told, each only to the clicker, that nothing changed
    const told = () => slack.callsTo('response_url').filter((c) => c.path.startsWith('/response/flood-'));
    await slack.waitFor('response_url', () => told().length === 99, 20_000);
    expect(new Set(told().map((c) => c.body.text))).toEqual(new Set([expect.stringContaining('already')]));
    expect(cardText().match(/The DevOps Lead\*: ✅ GO/g)).toHaveLength(1);
  });

  it('opens the NO-GO form, keeps it open without a reason, and shows the reason on the card', async () => {
    await click(button('gonogo.nogo', 'cto'), VOTERS.cto!);
    const opened = await slack.waitFor('views.open');
    const view = opened.body.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe('gonogo.nogo');
    const submit = (reason: string) =>
      send(viewSubmissionBody({ user_id: VOTERS.cto!, callback_id: view.callback_id, private_metadata: view.private_metadata, values: { input: { text: reason } }, view_id: `V${Math.random()}` }));
    const empty = await submit('   ');
    expect(JSON.parse(empty.text)).toEqual({ response_action: 'errors', errors: { input: 'A NO-GO needs a reason.' } });
    expect((await submit('HSTS is off on the new ingress')).text).toBe('');
    await waitForCard(/The CTO\*: 🛑 NO-GO — Zeynep Arslan, \d\d:\d\d UTC: HSTS is off on the new ingress/);
    expect(cardText()).toContain('NO-GO stands');
  });

  it('reaches GO: every role votes GO, the IC ticks the team ready and confirms', async () => {
    for (const [role, user] of Object.entries(VOTERS)) await click(button('gonogo.go', role), user);
    await click(button('gonogo.tick', 'team_ready'), IC);
    await waitForCard(/Ready\*: every item and every approver says GO/);
    await click(button('gonogo.confirm', 'confirm'), IC);
    const done = await slack.waitFor('chat.postMessage', (c) => String(c.body.text).startsWith('✅ GO for v1.4.0'), 10_000);
    expect(done.body.thread_ts).toBe(card.ts);
    await waitForCard(/✅ \*GO\*: confirmed by the IC/);
    expect(cardText()).not.toContain('"action_id":"gonogo.go"');
  });
});
