// Breach → rollback latency on real parts and the wall clock: the canary (test/support/canary-rig.ts: a recorded
// GO, the real engine and canary timers on the machine's PostgreSQL, analysis every 1 s, trigger windows of 3 s)
// reads Debian's Prometheus, which scrapes a loopback exporter every second; the deploy adapter is the signed
// webhook, answered by a loopback platform that notes when each call arrives.
//
// Each run starts a canary (at a random phase of the scrape schedule, once the IC has resolved the incident the run
// before opened), lets it tick healthily for 2.5 s, then raises the canary's API p95 to 450 ms. Measured:
//   latencyMs   from the moment the trigger's window was satisfied — the timestamp of the first scraped sample above
//               400 ms (Prometheus's own, a scrape's start) plus the 3 s window — to the arrival of the rollback's
//               first deploy call (stop) at the webhook
//   and its parts: detection (first breaching tick − that sample), the firing tick's lateness (decision − first
//   breaching tick − window: 0, or one interval when the tick ran a little earlier in its slot than the first
//   breaching one did), and the call (arrival − decision).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCanary } from '../src/app/canary/run.ts';
import { blockingIncident } from '../src/app/incident/record.ts';
import { actOnIncident } from '../src/app/incident/run.ts';
import { evidenceKeyFrom } from '../src/evidence/key.ts';
import { simCommitOf } from '../src/sim/deploy.ts';
import { startDeployWebhookPlatform } from '../test/fakes/deploy-webhook-platform.ts';
import { startPlatformExporter } from '../test/fakes/platform-exporter.ts';
import { recordingChat } from '../test/fakes/recording-chat.ts';
import {
  canaryBot,
  canaryOf,
  canarySeries,
  finished,
  IC,
  parseRigConfig,
  recordGo,
  rigConfigInput,
  samples,
  scraped,
  scratchDb,
  SECRET,
  setTrack,
  STABLE,
  webhookEnv,
} from '../test/support/canary-rig.ts';
import { startPrometheus } from '../test/support/prometheus.ts';

const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const INTERVAL_MS = 1_000;
const FOR_MS = 3_000;

export async function benchBreachToRollback(runs = 10) {
  const versions = Array.from({ length: runs }, (_, i) => `v2.0.${i}`);
  const exporter = await startPlatformExporter();
  setTrack(exporter, STABLE, 'stable');
  const [prometheus, webhook, scratch, evidenceDir] = await Promise.all([
    startPrometheus({ targets: [{ job: 'platform', url: exporter.url }], scrapeIntervalSeconds: 1 }),
    startDeployWebhookPlatform({ secret: SECRET, stable: STABLE, commits: Object.fromEntries([STABLE, ...versions].map((v) => [v, simCommitOf(v)])) }),
    scratchDb(SERVER),
    mkdtemp(join(tmpdir(), 'spark-bench-breach-')),
  ]);
  const config = parseRigConfig(rigConfigInput({ holds: ['10m', '1m', '1m', '1m', '1m'], analysisInterval: `${INTERVAL_MS}ms`, triggerFor: `${FOR_MS}ms` }));
  const wiring = { db: scratch.db, config, env: webhookEnv(webhook.url), prometheusUrl: prometheus.url, evidence: { dir: evidenceDir, key: evidenceKeyFrom('bench-breach') } };
  const bot = canaryBot({ ...wiring, chat: recordingChat().chat, worker: 'bench' });
  try {
    await prometheus.waitForUp('platform');
    bot.engine.start();
    const results = [];
    for (const version of versions) {
      setTrack(exporter, version, 'canary');
      await scraped(prometheus.url, canarySeries('requests_per_second', version));
      await recordGo(wiring, version, 'C0GONOGO');
      // the canary's tick grid starts at a random phase of Prometheus's scrape schedule, as it would in a release
      await new Promise((r) => setTimeout(r, Math.random() * INTERVAL_MS));
      const said = await startCanary(bot.deps, { version, actor: IC, channel: 'C0DEPLOYS' });
      if (said) throw new Error(said);
      await new Promise((r) => setTimeout(r, 2_500));
      setTrack(exporter, version, 'canary', { api_p95: 450 });
      const stop = await webhook.waitFor((c) => c.payload.action === 'rollback-step' && c.payload.step === 'stop' && c.payload.from === version, 15_000);
      const first = (await samples(prometheus.url, `${canarySeries('api_p95', version)}[60s]`, stop.at)).find(([, v]) => v > 400);
      if (!first) throw new Error(`bench: Prometheus has no breaching sample of ${version}`);
      const row = (await canaryOf(scratch.db, version))!;
      const rb = row.state.rollback!;
      const trigger = rb.cause.trigger!;
      const satisfied = first[0] + FOR_MS;
      results.push({
        version,
        latencyMs: stop.at - satisfied,
        detectionMs: trigger.since - first[0],
        firingLateMs: rb.at - trigger.since - FOR_MS,
        callMs: stop.at - rb.at,
        heldMs: trigger.heldMs,
      });
      if ((await finished(scratch.db, version)).status !== 'rolled-back') throw new Error(`bench: ${version} did not roll back`);
      // the rollback opened an incident linked to the version, which holds back the next canary: the IC closes it
      const incident = await blockingIncident(scratch.db);
      if (incident) {
        const said = [await actOnIncident(bot.deps, incident.seq, { type: 'mitigated', by: IC }), await actOnIncident(bot.deps, incident.seq, { type: 'resolve', by: IC })];
        if (await blockingIncident(scratch.db)) throw new Error(`bench: ${incident.id} could not be resolved: ${said.join(' ')}`);
      }
    }
    const lat = results.map((r) => r.latencyMs).sort((a, b) => a - b);
    return {
      runs,
      analysisIntervalMs: INTERVAL_MS,
      triggerForMs: FOR_MS,
      scrapeIntervalMs: 1_000,
      p50Ms: lat[Math.floor((lat.length - 1) / 2)]!,
      maxMs: lat.at(-1)!,
      minMs: lat[0]!,
      budgetMs: INTERVAL_MS + 1_000,
      overBudget: results.filter((r) => r.latencyMs > INTERVAL_MS + 1_000).length,
      firedAnIntervalLate: results.filter((r) => r.firingLateMs >= INTERVAL_MS / 2).length,
      results,
    };
  } finally {
    await bot.engine.stop();
    await prometheus.stop();
    await Promise.all([exporter.close(), webhook.close()]);
    await scratch.drop();
    await rm(evidenceDir, { recursive: true, force: true });
  }
}
