/**
 * Everything one end-to-end scenario runs against, on loopback and free ports: the machine's PostgreSQL (a scratch
 * database for the bot, another for the platform), pgBouncer, Prometheus scraping the platform exporter, the deploy
 * webhook, the platform endpoints the red team attacks, the fake Slack Web API and PagerDuty; then the bot itself in HTTP mode (`node --import tsx src/main.ts`).
 * The bot can be SIGKILLed and started again on the same database and evidence folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ONCALLS, FAKE_PD_ROUTING_KEY, FAKE_PD_TOKEN, startFakePagerDuty, type FakePagerDuty } from '../../fakes/pagerduty.ts';
import { startFakeSlack, type FakeSlack } from '../../fakes/slack-web-api.ts';
import { freePort, spawnBot, type BotProcess } from '../../support/bot-process.ts';
import { webhookEnv } from '../../support/canary-rig.ts';
import { scratchDatabase } from '../../support/db.ts';
import { e2eConfig, PD_POLICY, PEOPLE, TARGET_DB_ENV, writeConfig, type E2eTimings } from './config.ts';
import { startPlatform, type Platform } from './platform.ts';
import { startPreflightTargets, type PreflightTargets } from './preflight-targets.ts';
import { startRedteamTargets, type RedteamTargets } from './redteam-targets.ts';

/** The machine's PostgreSQL; the suite fails (never skips) when it is not there. */
export const POSTGRES = process.env.E2E_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const SIGNING_SECRET = 'e2e-signing-secret-5b1f0c9a7d3e';
export const HMAC_KEY = 'e2e-evidence-hmac-key-0f9e8d7c6b5a4938';
const BOT_READY_MS = 30_000;

/** PagerDuty's rota for the policy: the config's on-call engineer at level 1, by the name both know. */
const ONCALLS = [
  { ...DEFAULT_ONCALLS[0]!, escalationPolicy: { id: PD_POLICY, name: 'Spark release' }, user: { id: 'PDENIZ1', name: PEOPLE.U0ONCALL!, email: 'deniz@spark.example' } },
  ...DEFAULT_ONCALLS.slice(1),
];

export interface World {
  slack: FakeSlack;
  pd: FakePagerDuty;
  platform: Platform;
  targets: PreflightTargets;
  redteam: RedteamTargets;
  /** the bot's database, evidence folder and HMAC key: what `evidence verify` needs */
  evidenceEnv: Record<string, string>;
  bot(): BotProcess;
  /** the bot's Slack Request URL (its port changes with every start) */
  events(): string;
  /** SIGKILL: no shutdown of any kind. */
  kill(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startWorld(opts: { timings: E2eTimings; versions: string[] }): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'spark-e2e-'));
  const closers: (() => Promise<unknown>)[] = [async () => rmSync(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) await c().catch((err: unknown) => console.error('[e2e] cleanup failed:', err));
  };
  try {
    const botDb = await scratchDatabase(POSTGRES);
    closers.push(botDb.drop);
    const [slack, pd, platform, targets] = await Promise.all([startFakeSlack(), startFakePagerDuty({ onCalls: ONCALLS }), startPlatform(opts.versions), startPreflightTargets(POSTGRES, dir)]);
    closers.push(slack.close, pd.close, platform.close, targets.close);
    const redteam = await startRedteamTargets(targets.targetDbUrl);
    closers.push(redteam.close);
    const evidenceEnv = { DATABASE_URL: botDb.url, EVIDENCE_DIR: join(dir, 'evidence'), EVIDENCE_HMAC_KEY: HMAC_KEY };
    const env = {
      ...evidenceEnv,
      SLACK_BOT_TOKEN: 'xoxb-e2e-0001-spark',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.url,
      PROMETHEUS_URL: platform.prometheus.url,
      PAGERDUTY_ROUTING_KEY: FAKE_PD_ROUTING_KEY,
      PAGERDUTY_EVENTS_URL: pd.url,
      PAGERDUTY_API_TOKEN: FAKE_PD_TOKEN,
      PAGERDUTY_API_URL: pd.url,
      SPARK_CONFIG: writeConfig(dir, e2eConfig(opts.timings, targets, redteam)),
      [TARGET_DB_ENV]: targets.targetDbUrl,
      ...webhookEnv(platform.webhook.url),
    };

    let bot: BotProcess | undefined;
    let events = '';
    const start = async () => {
      const port = await freePort();
      bot = await spawnBot([], { ...env, PORT: String(port) });
      events = `http://127.0.0.1:${port}/slack/events`;
      await bot.waitForOutput(/surface up/, BOT_READY_MS);
    };
    const kill = async () => {
      if (!bot || bot.proc.exitCode !== null) return;
      bot.proc.kill('SIGKILL');
      await bot.exited;
    };
    closers.push(async () => {
      if (bot && bot.proc.exitCode === null) await bot.stop();
    });
    await start();
    return {
      slack,
      pd,
      platform,
      targets,
      redteam,
      evidenceEnv,
      bot: () => bot!,
      events: () => events,
      kill,
      start,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
