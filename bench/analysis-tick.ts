// One canary analysis tick against a real Prometheus on loopback (Debian's, scraping every second) that scrapes the
// metric families the default ritual reads, fed with simulated traffic (bench/spark-platform.ts): the default
// config's 8 golden signals and 20 auto-rollback triggers, their PromQL unchanged, analysis every 1 s.
//
// Two figures per tick:
//   queries   measure() alone: every signal, every trigger condition and the request rate, each distinct query once
//   full tick the canary.tick timer's handler: read the canary from PostgreSQL, measure, apply the tick and commit
//             its state, audit, card and next tick in one transaction (the engine's own claim and completion of
//             the timer row, two single-row updates, are left out)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { prometheusMetrics } from '../src/adapters/prometheus.ts';
import { systemClock } from '../src/adapters/system-clock.ts';
import { CANARY_TIMER } from '../src/app/canary/apply.ts';
import { measure } from '../src/app/canary/measure.ts';
import { insertCanary } from '../src/app/canary/record.ts';
import type { CanaryDeps } from '../src/app/canary/run.ts';
import { canaryTimers } from '../src/app/canary/timers.ts';
import { namesFrom } from '../src/app/ritual.ts';
import { configSchema, fillQuery, type SparkConfig } from '../src/config/schema.ts';
import { apply } from '../src/domain/canary/machine.ts';
import type { Sample } from '../src/domain/canary/sample.ts';
import { newCanary, rulesFrom, type CanaryState } from '../src/domain/canary/state.ts';
import { conditionsOf } from '../src/domain/canary/triggers.ts';
import { evidenceKeyFrom } from '../src/evidence/key.ts';
import type { MetricsSource } from '../src/ports/metrics.ts';
import { startPlatformExporter } from '../test/fakes/platform-exporter.ts';
import { scratchDb } from '../test/support/canary-rig.ts';
import { startPrometheus } from '../test/support/prometheus.ts';
import { feedSparkPlatform } from './spark-platform.ts';

const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const STABLE = 'v1.3.2';
const VERSION = 'v1.4.0';
const TRIGGERS = 20;

/** The default ritual with a 1 s analysis; padded to 20 triggers should the defaults ever have fewer. */
function benchConfig(): SparkConfig {
  const base = configSchema.parse({ canary: { analysisInterval: '1s', queryTimeout: '500ms' } });
  const extra = Array.from({ length: Math.max(0, TRIGGERS - base.triggers.length) }, (_, i) => {
    const signal = base.signals[i % base.signals.length]!;
    return { id: `bench_extra_${i}`, group: 'enhanced' as const, description: `${signal.name} far past its limit`, for: 60_000, query: signal.query, comparison: '>' as const, threshold: 1e9 };
  });
  return { ...base, triggers: [...base.triggers, ...extra] };
}

const stats = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  const r = (v: number) => Math.round(v * 10) / 10;
  return { p50Ms: r(at(0.5)), p95Ms: r(at(0.95)), maxMs: r(s.at(-1)!), meanMs: r(s.reduce((a, b) => a + b, 0) / s.length) };
};

function kinds(samples: Sample[]) {
  return {
    values: samples.filter((x) => typeof x === 'number' && !Number.isNaN(x)).length,
    noData: samples.filter((x) => x === 'no-data' || (typeof x === 'number' && Number.isNaN(x))).length,
    errors: samples.filter((x) => typeof x === 'object').length,
  };
}

export async function benchAnalysisTick(ticks = 200, spacingMs = 100) {
  const config = benchConfig();
  const exporter = await startPlatformExporter();
  const platform = feedSparkPlatform(exporter, [
    { version: STABLE, track: 'stable', rps: 300 },
    { version: VERSION, track: 'canary', rps: 30 },
  ]);
  const prometheus = await startPrometheus({ targets: platform.targets, scrapeIntervalSeconds: 1 });
  const scratch = await scratchDb(SERVER);
  const evidenceDir = await mkdtemp(join(tmpdir(), 'spark-bench-tick-'));
  try {
    await Promise.all(['spark', 'pgbouncer', 'postgres'].map((job) => prometheus.waitForUp(job)));
    // As the bot reads Prometheus (configuredSources): one adapter, the preflight's check timeout per request.
    const metrics: MetricsSource = prometheusMetrics(prometheus.url, { timeoutMs: config.preflight.checkTimeout });
    const deps = { config, metrics: { port: metrics } };

    // The preflight's baseline, on the stable track; then rates need two scrapes before every signal has a value.
    const stableValue = (query: string) => metrics.query(fillQuery(query, { version: STABLE, track: 'stable' }), new Date());
    const deadline = Date.now() + 20_000;
    let baseline: Record<string, number> = {};
    for (;;) {
      const values = await Promise.all(config.signals.map((s) => stableValue(s.query).catch(() => undefined)));
      if (values.every((v) => v !== undefined)) {
        baseline = Object.fromEntries(config.signals.map((s, i) => [s.id, values[i]!]));
        break;
      }
      if (Date.now() > deadline) throw new Error('bench: the stable track has no value for every signal after 20 s');
      await new Promise((r) => setTimeout(r, 250));
    }
    const started = apply(newCanary(rulesFrom(config), VERSION, baseline), { type: 'start', by: 'U0BENCH' }, new Date());
    const state: CanaryState = started.state;
    for (;;) {
      const first = await measure(deps, state, new Date());
      if (Object.values(first.signals).every((x) => typeof x === 'number')) break;
      if (Date.now() > deadline) throw new Error('bench: the canary track has no value for every signal after 20 s');
      await new Promise((r) => setTimeout(r, 250));
    }

    const distinct = new Set([
      ...config.signals.map((s) => s.query),
      ...config.triggers.flatMap((t) => conditionsOf(t).map((c) => c.query)),
      config.canary.requestsQuery,
    ].map((q) => fillQuery(q, { version: VERSION, track: 'canary' })));

    const queryMs: number[] = [];
    let last: Awaited<ReturnType<typeof measure>> | undefined;
    for (let i = 0; i < ticks; i++) {
      const t0 = performance.now();
      last = await measure(deps, state, new Date());
      queryMs.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, spacingMs));
    }
    const triggerSamples = Object.values(last!.triggers).flatMap((x) => (Array.isArray(x) ? x : [x]));

    // The timer's handler on the machine's PostgreSQL: the canary stored as /spark canary stores it.
    const db = scratch.db;
    const id = (await db.transaction((tx) => insertCanary(tx, { channel: 'C0BENCH', rollbackTo: STABLE, state, at: new Date(), by: 'U0BENCH' })))!;
    const canary: CanaryDeps = {
      db, clock: systemClock, log: pino({ level: 'silent' }), config, evidence: { dir: evidenceDir, key: evidenceKeyFrom('bench-tick') },
      metrics: { port: metrics }, deploy: { missing: 'not needed by a tick' }, nameOf: namesFrom(config), wake: () => undefined,
    };
    const tick = canaryTimers(canary)[CANARY_TIMER.tick]!;
    const fullMs: number[] = [];
    for (let i = 0; i < ticks; i++) {
      const now = systemClock.now();
      const t0 = performance.now();
      await tick(
        { id: i, key: `bench:tick:${i}`, kind: CANARY_TIMER.tick, dueAt: now, payload: { runId: id }, attempts: 1 },
        { now, commit: async (write) => (await db.transaction(write), true) },
      );
      fullMs.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, spacingMs));
    }
    const [after] = await db.query<{ status: string; stateBytes: number }>('SELECT status, octet_length(state::text) AS "stateBytes" FROM canary_run WHERE id = $1', [id]);
    if (after?.status !== 'running') throw new Error(`bench: the canary is ${after?.status} after the ticks, not running: a tick decided something`);

    return {
      ticks,
      spacingMs,
      signals: config.signals.length,
      triggers: config.triggers.length,
      triggerConditions: config.triggers.reduce((n, t) => n + conditionsOf(t).length, 0),
      distinctQueries: distinct.size,
      lastTick: { signals: kinds(Object.values(last!.signals)), triggerConditions: kinds(triggerSamples) },
      queries: stats(queryMs),
      fullTick: stats(fullMs),
      // the stored state keeps every sample of the hold (and each trigger's window): it is read twice and written
      // once per tick, so the full tick grows with it
      fullTickFirstTenth: stats(fullMs.slice(0, Math.ceil(ticks / 10))),
      fullTickLastTenth: stats(fullMs.slice(-Math.ceil(ticks / 10))),
      stateKiBAfter: Math.round(after.stateBytes / 1024),
      targetP95Ms: 50,
    };
  } finally {
    platform.stop();
    await prometheus.stop();
    await exporter.close();
    await scratch.drop();
    await rm(evidenceDir, { recursive: true, force: true });
  }
}
