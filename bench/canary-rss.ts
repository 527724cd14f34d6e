// Resident memory of the bot process through a canary on the wall clock: the real bot (`src/main.ts`, HTTP mode)
// against the fake Slack, Debian's Prometheus scraping a loopback exporter every second as its metrics source, and
// the signed deploy webhook as its deploy target (test/support/canary-rig.ts's config: 8 signals, 4 triggers,
// analysis every 1 s). The IC runs `/spark preflight` (the baseline) and `/spark canary … override` (no GO session
// here); VmRSS is read from /proc every second from the canary's start to its release. Once on the embedded
// PGlite, once on PostgreSQL.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simCommitOf } from '../src/sim/deploy.ts';
import { startDeployWebhookPlatform } from '../test/fakes/deploy-webhook-platform.ts';
import { startPlatformExporter } from '../test/fakes/platform-exporter.ts';
import { startFakeSlack } from '../test/fakes/slack-web-api.ts';
import { freePort, spawnBot } from '../test/support/bot-process.ts';
import { canarySeries, IC, rigConfigInput, scraped, SECRET as WEBHOOK_SECRET, setTrack, STABLE, webhookEnv } from '../test/support/canary-rig.ts';
import { startPrometheus } from '../test/support/prometheus.ts';
import { postSigned, slashCommandBody } from '../test/support/slack-requests.ts';
import { waitReady } from './ack.ts';
import { memoryMb, sampleRss, spread } from './proc.ts';

const SIGNING = 'bench-signing-secret';
const VERSION = 'v1.4.0';
const POSTGRES = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function oneCanary(database: 'pglite' | 'postgres', prometheusUrl: string, holdSeconds: number) {
  const dir = mkdtempSync(join(tmpdir(), 'spark-bench-canary-'));
  const config = join(dir, 'spark.config.yml');
  // YAML is a superset of JSON
  writeFileSync(config, JSON.stringify(rigConfigInput({ holds: Array.from({ length: 5 }, () => `${holdSeconds}s`) })));
  const [slack, webhook] = await Promise.all([
    startFakeSlack(),
    startDeployWebhookPlatform({ secret: WEBHOOK_SECRET, stable: STABLE, commits: { [STABLE]: simCommitOf(STABLE), [VERSION]: simCommitOf(VERSION) } }),
  ]);
  const port = await freePort();
  const before = process.env.TEST_DATABASE_URL;
  if (database === 'postgres') process.env.TEST_DATABASE_URL = POSTGRES;
  else delete process.env.TEST_DATABASE_URL;
  const bot = await spawnBot([], {
    SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SIGNING, SLACK_API_URL: slack.url, EVIDENCE_HMAC_KEY: 'bench', PORT: String(port), LOG_LEVEL: 'warn',
    SPARK_CONFIG: config, PROMETHEUS_URL: prometheusUrl, ...webhookEnv(webhook.url),
  }).finally(() => (before === undefined ? delete process.env.TEST_DATABASE_URL : (process.env.TEST_DATABASE_URL = before)));
  const pid = bot.proc.pid!;
  const events = `http://127.0.0.1:${port}/slack/events`;
  const command = (text: string) => postSigned(events, SIGNING, slashCommandBody({ text, user_id: IC, channel_id: 'C0DEPLOYS' }));
  try {
    await waitReady(`http://127.0.0.1:${port}/readyz`);
    const atReadyMb = memoryMb(pid, 'VmRSS');
    await command(`preflight ${VERSION}`);
    await slack.waitFor('chat.postMessage', (c) => String(c.body.text).startsWith('Evidence for preflight'), 60_000);
    const afterPreflightMb = memoryMb(pid, 'VmRSS');
    await command(`canary ${VERSION} override bench: no GO session`);
    const started = await webhook.waitFor((c) => c.payload.action === 'set-weight' && c.payload.weight === 1, 30_000);
    const sampler = sampleRss(pid, 1_000);
    const finished = await slack
      .waitFor('chat.update', (c) => /^Canary v1\.4\.0: .*(Released|Rolled back|Rollback failed)/.test(String(c.body.text)), 5 * holdSeconds * 1_000 + 60_000)
      .finally(() => sampler.stop());
    return {
      database,
      outcome: String(finished.body.text),
      weightsSet: webhook.weightsSet(VERSION),
      canarySeconds: Math.round((finished.at - started.at) / 100) / 10,
      atReadyMb,
      afterPreflightMb,
      duringCanary: spread(sampler.mb),
      peakSinceStartMb: memoryMb(pid, 'VmHWM'),
      targetMb: 150,
    };
  } finally {
    await bot.stop();
    await Promise.all([slack.close(), webhook.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchCanaryRss(holdSeconds = 12) {
  const exporter = await startPlatformExporter();
  setTrack(exporter, STABLE, 'stable');
  setTrack(exporter, VERSION, 'canary');
  const prometheus = await startPrometheus({ targets: [{ job: 'platform', url: exporter.url }], scrapeIntervalSeconds: 1 });
  try {
    await prometheus.waitForUp('platform');
    await scraped(prometheus.url, canarySeries('requests_per_second', VERSION));
    const runs = [];
    for (const database of ['pglite', 'postgres'] as const) {
      runs.push(await oneCanary(database, prometheus.url, holdSeconds).catch((err: Error) => ({ database, skipped: err.message })));
    }
    return { holdSeconds, stages: 5, analysisIntervalMs: 1_000, sampleEveryMs: 1_000, runs };
  } finally {
    await prometheus.stop();
    await exporter.close();
  }
}
