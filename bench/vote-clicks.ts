// Ack latency of 100 concurrent clicks on one GO button (RITUAL §4: a flood records one vote), beside bare Bolt.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeSlack } from '../test/fakes/slack-web-api.ts';
import { freePort, spawnBot } from '../test/support/bot-process.ts';
import { blockActionPayload, blockActionsBody, postSigned, slashCommandBody } from '../test/support/slack-requests.ts';
import { bareBolt, waitReady } from './ack.ts';

const SECRET = 'bench-signing-secret';
const CLICKS = 100;
const ROUNDS = 5;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** Fires ROUNDS bursts of CLICKS signed clicks at once; the latency of each ack. */
async function bursts(events: string, button: { action_id: string; value: string }, messageTs: string) {
  const ms: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    await Promise.all(
      Array.from({ length: CLICKS }, async () => {
        const body = blockActionsBody(blockActionPayload({ user_id: 'U0DEVOPS', channel_id: 'C0DEPLOYS', message_ts: messageTs, ...button }));
        const t0 = performance.now();
        const res = await postSigned(events, SECRET, body);
        if (res.status !== 200) throw new Error(`ack ${res.status}`);
        ms.push(performance.now() - t0);
      }),
    );
  }
  const sorted = ms.sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 10) / 10;
  return { clicks: ms.length, p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)), maxMs: round(sorted.at(-1)!) };
}

export async function benchVoteClicks() {
  const slack = await startFakeSlack();
  const dir = mkdtempSync(join(tmpdir(), 'spark-bench-votes-'));
  writeFileSync(join(dir, 'spark.config.yml'), 'gonogo:\n  items:\n    - { id: team_ready, title: Team ready, tickedBy: ic }\n');
  const port = await freePort();
  const events = `http://127.0.0.1:${port}/slack/events`;
  const bot = await spawnBot([], { SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.url, EVIDENCE_HMAC_KEY: 'bench', PORT: String(port), LOG_LEVEL: 'warn', SPARK_CONFIG: join(dir, 'spark.config.yml') });
  const barePort = await freePort();
  const bare = await bareBolt({ SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.url, PORT: String(barePort) });
  try {
    await waitReady(`http://127.0.0.1:${port}/readyz`);
    const command = (text: string) => postSigned(events, SECRET, slashCommandBody({ text, user_id: 'U0SPARKIC', channel_id: 'C0DEPLOYS' }));
    await command('preflight v1.4.0');
    await slack.waitFor('chat.postMessage', (c) => String(c.body.text).startsWith('Evidence for preflight'), 30_000);
    await command('gonogo v1.4.0');
    const card = await slack.waitFor('chat.postMessage', (c) => String(c.body.text).startsWith('GO / NO-GO v1.4.0'), 10_000);
    const go = (card.body.blocks as { type: string; elements?: { action_id: string; value: string }[] }[])
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === 'gonogo.go' && e.value.endsWith(':devopsLead'))!;
    const ts = (card.response as { ts: string }).ts;
    const spark = await bursts(events, go, ts);
    const bareBolt_ = await bursts(`http://127.0.0.1:${barePort}/slack/events`, go, ts);
    return { 'spark-ritual': spark, 'bare Bolt': bareBolt_, p99Ratio: Math.round((spark.p99Ms / bareBolt_.p99Ms) * 10) / 10 };
  } finally {
    bare.kill('SIGTERM');
    await bot.stop();
    await slack.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
