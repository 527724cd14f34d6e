import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { startFakeSlack } from '../test/fakes/slack-web-api.ts';
import { freePort, spawnBot } from '../test/support/bot-process.ts';
import { fakeTriggerId, signSlackRequest, slashCommandBody } from '../test/support/slack-requests.ts';

const SECRET = 'bench-signing-secret';

export interface AckFigures {
  connections: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

/** Signed slash commands, each with its own trigger_id, fired at `url` for `seconds`. */
async function load(url: string, connections: number, seconds: number, text: string): Promise<AckFigures> {
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    method: 'POST',
    requests: [
      {
        setupRequest: (req) => {
          const body = slashCommandBody({ text, user_id: 'U0SPARKIC', channel_id: 'C0DEPLOYS', trigger_id: fakeTriggerId() });
          const headers = { ...req.headers, 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest(SECRET, body, Date.now() / 1000) };
          return { ...req, body, headers };
        },
      },
    ],
  });
  return {
    connections,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

export async function bareBolt(env: Record<string, string>) {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'bench/bare-bolt.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    proc.stdout.on('data', (d) => String(d).includes('bare bolt up') && resolve());
    proc.once('exit', (code) => reject(new Error(`bare bolt exited ${code}`)));
  });
  return proc;
}

/** Ack latency of `/spark <text>` on the bot beside a bare Bolt app, at 10 and 50 connections. */
export async function benchAck(seconds = 10, text = 'status') {
  const slack = await startFakeSlack();
  const results: { target: string; figures: AckFigures[] }[] = [];
  try {
    const botPort = await freePort();
    const bot = await spawnBot([], {
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.url,
      EVIDENCE_HMAC_KEY: 'bench',
      PORT: String(botPort),
      LOG_LEVEL: 'warn',
    });
    await waitReady(`http://127.0.0.1:${botPort}/readyz`);
    const barePort = await freePort();
    const bare = await bareBolt({ SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.url, PORT: String(barePort) });
    try {
      for (const [target, port] of [['bare Bolt', barePort], ['spark-ritual', botPort]] as const) {
        const figures: AckFigures[] = [];
        await load(`http://127.0.0.1:${port}/slack/events`, 10, 2, text); // warm-up
        for (const connections of [10, 50]) figures.push(await load(`http://127.0.0.1:${port}/slack/events`, connections, seconds, text));
        results.push({ target, figures });
      }
    } finally {
      bare.kill('SIGTERM');
      await bot.stop();
    }
  } finally {
    await slack.close();
  }
  return results;
}

export async function waitReady(url: string) {
  for (let i = 0; i < 300; i++) {
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} never became ready`);
}
