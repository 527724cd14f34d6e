// Ack latency under load: signed `/spark status` commands and presses of the status card's Refresh button, fired by
// autocannon at the bot (on the embedded PGlite, then on PostgreSQL) and, just before, at a bare Bolt app whose
// handlers only ack, on the same machine in the same run. Each figure of the bot comes with its ratio to bare Bolt's.
//
// Every bot run starts on a fresh process, database and fake Slack, so no run inherits the backlog of the one
// before (the work after each ack is queued, written to the outbox and posted after the ack); what a run left
// undelivered when its load stopped is reported beside it.
import { spawn, type ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import { freePort, spawnBot, type BotProcess } from '../test/support/bot-process.ts';
import { blockActionPayload, blockActionsBody, fakeTriggerId, postSigned, signSlackRequest, slashCommandBody } from '../test/support/slack-requests.ts';

const SECRET = 'bench-signing-secret';
const POSTGRES = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const IC = 'U0SPARKIC';
const CHANNEL = 'C0DEPLOYS';

export type Kind = 'command' | 'button';
export type Database = 'pglite' | 'postgres';

export interface AckFigures {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

/** A `/spark status`, each with its own trigger_id; or a press of Refresh on the status card at `messageTs`. */
function body(kind: Kind, messageTs: string): string {
  if (kind === 'command') return slashCommandBody({ text: 'status', user_id: IC, channel_id: CHANNEL, trigger_id: fakeTriggerId() });
  return blockActionsBody(blockActionPayload({ user_id: IC, channel_id: CHANNEL, message_ts: messageTs, action_id: 'status.refresh', value: 'status', button_text: 'Refresh' }));
}

async function load(port: number, kind: Kind, connections: number, seconds: number, messageTs = '1700000000.000100'): Promise<AckFigures> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/slack/events`,
    connections,
    duration: seconds,
    method: 'POST',
    requests: [
      {
        setupRequest: (req) => {
          const b = body(kind, messageTs);
          return { ...req, body: b, headers: { ...req.headers, 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest(SECRET, b, Date.now() / 1000) } };
        },
      },
    ],
  });
  return {
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

/** Spawns `args` (node with tsx) and resolves once its stdout says `ready` (the line itself is returned). */
async function child(args: string[], env: Record<string, string>, ready: string): Promise<{ proc: ChildProcess; line: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += String(d);
      const found = out.split('\n').find((l) => l.includes(ready));
      if (found) resolve(found);
    });
    proc.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}`)));
  });
  return { proc, line };
}

export async function bareBolt(env: Record<string, string>) {
  return (await child(['bench/bare-bolt.ts'], env, 'bare bolt up')).proc;
}

export async function waitReady(url: string) {
  for (let i = 0; i < 300; i++) {
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} never became ready`);
}

/** A Web API call to the fake Slack, as the bot makes them. */
async function slackCall(slackUrl: string, method: string, args: Record<string, string>) {
  const res = await fetch(`${slackUrl}${method}`, { method: 'POST', headers: { authorization: 'Bearer xoxb-bench' }, body: new URLSearchParams(args) });
  return (await res.json()) as { ok: boolean; messages?: { ts: string; blocks?: unknown }[] };
}

interface RunningBot {
  port: number;
  /** the status card the bot posted, whose Refresh the button load presses */
  statusTs: string;
  stop(): Promise<void>;
}

/** A fresh bot on `database`, its own fake Slack in a process of its own, ready, with a status card posted. */
async function freshBot(database: Database): Promise<RunningBot> {
  const slack = await child(['bench/fake-slack-child.ts'], {}, 'fake slack ');
  const slackUrl = slack.line.split(' ').at(-1)!;
  const port = await freePort();
  // spawnBot reads TEST_DATABASE_URL when it is called: a scratch database on that server, else PGlite.
  const before = process.env.TEST_DATABASE_URL;
  if (database === 'postgres') process.env.TEST_DATABASE_URL = POSTGRES;
  else delete process.env.TEST_DATABASE_URL;
  let bot: BotProcess;
  try {
    bot = await spawnBot([], { SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slackUrl, EVIDENCE_HMAC_KEY: 'bench', PORT: String(port), LOG_LEVEL: 'warn' });
  } finally {
    if (before === undefined) delete process.env.TEST_DATABASE_URL;
    else process.env.TEST_DATABASE_URL = before;
  }
  const stop = async () => {
    // killed, not stopped: a graceful stop would first work through the queued backlog
    bot.proc.kill('SIGKILL');
    await bot.exited;
    slack.proc.kill('SIGTERM');
  };
  try {
    await waitReady(`http://127.0.0.1:${port}/readyz`);
    await postSigned(`http://127.0.0.1:${port}/slack/events`, SECRET, slashCommandBody({ text: 'status', user_id: IC, channel_id: CHANNEL }));
    let statusTs: string | undefined;
    for (let i = 0; i < 150 && !statusTs; i++) {
      const history = await slackCall(slackUrl, 'conversations.history', { channel: CHANNEL });
      statusTs = history.messages?.find((m) => JSON.stringify(m.blocks ?? []).includes('status.refresh'))?.ts;
      if (!statusTs) await new Promise((r) => setTimeout(r, 100));
    }
    if (!statusTs) throw new Error('the bot posted no status card');
    return { port, statusTs, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** spark_outbox_pending from the bot's /metrics: what its load left undelivered. */
async function outboxPending(port: number): Promise<number | undefined> {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(30_000) }).then((r) => r.text(), () => '');
  const m = /^spark_outbox_pending (\S+)$/m.exec(text);
  return m ? Number(m[1]) : undefined;
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : null);

export async function benchAck(seconds = 10, warmupSeconds = 2) {
  const barePort = await freePort();
  const bare = await bareBolt({ SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: 'http://127.0.0.1:9/api/', PORT: String(barePort) });
  const rows = [];
  try {
    for (const database of ['pglite', 'postgres'] as const) {
      for (const kind of ['command', 'button'] as const) {
        for (const connections of [10, 50]) {
          await load(barePort, kind, connections, warmupSeconds);
          const bareFigures = await load(barePort, kind, connections, seconds);
          let bot: RunningBot;
          try {
            bot = await freshBot(database);
          } catch (err) {
            rows.push({ database, kind, connections, skipped: (err as Error).message });
            continue;
          }
          try {
            await load(bot.port, kind, connections, warmupSeconds, bot.statusTs);
            const spark = await load(bot.port, kind, connections, seconds, bot.statusTs);
            const outboxPendingAfter = await outboxPending(bot.port);
            rows.push({
              database,
              kind,
              connections,
              bareBolt: bareFigures,
              spark: { ...spark, outboxPendingAfter },
              ratioToBareBolt: { requestsPerSecond: ratio(spark.requestsPerSecond, bareFigures.requestsPerSecond), p50: ratio(spark.p50Ms, bareFigures.p50Ms), p99: ratio(spark.p99Ms, bareFigures.p99Ms) },
            });
          } finally {
            await bot.stop();
          }
        }
      }
    }
  } finally {
    bare.kill('SIGTERM');
  }
  return {
    seconds,
    warmupSeconds,
    rows,
    targets: { at50Connections: { requestsPerSecondRatioAtLeast: 0.9, p99RatioAtMost: 1.2 }, at10Connections: { p99MsAtMost: 15 } },
  };
}
