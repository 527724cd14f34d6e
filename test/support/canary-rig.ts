/**
 * The canary on real parts, for canary.real.test.ts, its child process (canary-child.ts) and the canary benches:
 * a test config whose golden signals and triggers read gauges a loopback exporter serves (so a test can steer a
 * breach that Prometheus sees within a scrape), a recorded GO through the real preflight and go/no-go use cases,
 * and the bot reduced to its canary: the deps and engine bot.ts wires, on the wall clock, with the deploy target
 * and the metrics source built from the config and environment exactly as in production.
 *
 * No vitest in here: the benches import it too.
 */
import pino from 'pino';
import { slackDelivery } from '../../src/adapters/slack-delivery.ts';
import { systemClock } from '../../src/adapters/system-clock.ts';
import { unconfiguredPager } from '../../src/adapters/unconfigured-pager.ts';
import type { CanaryDeps } from '../../src/app/canary/run.ts';
import { firstNightTimers } from '../../src/app/first-night/timers.ts';
import { canaryTimers } from '../../src/app/canary/timers.ts';
import { actOnGonogo, GONOGO_CLOCK, gonogoClock, openGonogo, type GonogoDeps } from '../../src/app/gonogo/decide.ts';
import { runPreflight } from '../../src/app/preflight/run.ts';
import { configuredSources, simulatedSources } from '../../src/app/preflight/sources.ts';
import { namesFrom } from '../../src/app/ritual.ts';
import { configSchema, IC_ROLE, type SparkConfig, type SparkConfigInput } from '../../src/config/schema.ts';
import type { GonogoEvent } from '../../src/domain/gonogo/types.ts';
import type { ChatDelivery } from '../../src/engine/delivery.ts';
import { createEngine, type Engine } from '../../src/engine/engine.ts';
import type { EvidenceStore } from '../../src/evidence/files.ts';
import type { Logger } from '../../src/log.ts';
import { createSimPlatform } from '../../src/sim/platform.ts';
import { simReleaseFacts } from '../../src/sim/release.ts';
import type { Db } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { openPostgres } from '../../src/store/postgres.ts';
import type { PlatformExporter } from '../fakes/platform-exporter.ts';
import { scratchDatabase } from './db.ts';

export const STABLE = 'v1.3.2';
export const IC = 'U0SPARKIC';
export const SECRET = 'whsec_canary_real_4c1d8e2f7a9b3c6d5e0f1a2b';
/** Where the deploy webhook's URL and secret come from: the config names these variables, as in production. */
export const WEBHOOK_ENV = { url: 'SPARK_DEPLOY_WEBHOOK_URL', secret: 'SPARK_DEPLOY_WEBHOOK_SECRET' } as const;

/** The gauge every golden signal, trigger part and the request rate read: one series per signal, version and track. */
export const GOLDEN = 'spark_golden_signal';
const series = (signal: string) => `${GOLDEN}{signal="${signal}",app="spark",version="{{version}}",track="{{track}}"}`;

/** A healthy platform, per signal (the units the config's thresholds use); the stable track serves the same. */
export const HEALTHY = {
  api_p95: 140,
  error_rate_5xx: 0.3,
  ws_staleness_p95: 11,
  risk_block_rate: 0.1,
  idempotency_conflicts: 0.2,
  // judged against the preflight baseline + 10 %: the stable track's 1.2 allows up to 1.32
  csp_violations: 1.2,
  event_loop_lag_p95: 12,
  gc_pause_avg: 8,
  cpu_percent: 35,
  requests_per_second: 150,
} as const;
export type GoldenSignal = keyof typeof HEALTHY;

export function setTrack(exporter: Pick<PlatformExporter, 'set'>, version: string, track: 'stable' | 'canary', values: Partial<Record<GoldenSignal, number>> = HEALTHY): void {
  for (const [signal, v] of Object.entries(values)) exporter.set(GOLDEN, { signal, app: 'spark', version, track }, v);
}

export interface RigConfigOptions {
  /** each stage's hold, e.g. ['2s', '2s', '20s', '2s', '2s'] */
  holds: string[];
  analysisInterval?: string;
  noDataLimit?: string;
  /** the `for` window of every trigger */
  triggerFor?: string;
  minRequestsPerStage?: number;
  /** extra triggers after the four below (the benches add up to 20) */
  moreTriggers?: NonNullable<SparkConfigInput['triggers']>;
}

/** The config in the form it is written (JSON-able, so a child process can be handed it). */
export function rigConfigInput(o: RigConfigOptions): SparkConfigInput {
  const weights = [1, 5, 25, 50, 100];
  if (o.holds.length !== weights.length) throw new Error('canary rig: five holds, one per stage');
  const forWindow = o.triggerFor ?? '3s';
  return {
    channels: { deploys: 'C0DEPLOYS' },
    stages: weights.map((weight, i) => ({ weight, hold: o.holds[i]! })),
    canary: {
      analysisInterval: o.analysisInterval ?? '1s',
      noDataLimit: o.noDataLimit ?? '8s',
      minRequestsPerStage: o.minRequestsPerStage ?? 100,
      cardUpdateThrottle: '5s',
      queryTimeout: '500ms',
      requestsQuery: series('requests_per_second'),
    },
    signals: [
      { id: 'api_p95', name: 'API p95', query: series('api_p95'), unit: 'ms', comparison: '<=', threshold: 200 },
      { id: 'error_rate_5xx', name: '5xx rate', query: series('error_rate_5xx'), unit: '%', comparison: '<=', threshold: 1 },
      { id: 'ws_staleness_p95', name: 'WebSocket staleness p95', query: series('ws_staleness_p95'), unit: 's', comparison: '<=', threshold: 30 },
      { id: 'risk_block_rate', name: 'Risk block rate', query: series('risk_block_rate'), unit: '/min', comparison: '<=', threshold: 0.5 },
      { id: 'idempotency_conflicts', name: 'Idempotency conflicts', query: series('idempotency_conflicts'), unit: '%', comparison: '<=', threshold: 1 },
      { id: 'csp_violations', name: 'CSP violations', query: series('csp_violations'), unit: '/min', comparison: '<=', threshold: { baselinePlusPercent: 10 } },
      { id: 'event_loop_lag_p95', name: 'Event-loop lag p95', query: series('event_loop_lag_p95'), unit: 'ms', comparison: '<=', threshold: 50 },
      { id: 'gc_pause_avg', name: 'GC pause avg', query: series('gc_pause_avg'), unit: 'ms', comparison: '<=', threshold: 20 },
    ],
    triggers: [
      { id: 'api_p95_high', group: 'standard', description: `API p95 above 400 ms for ${forWindow}`, for: forWindow, query: series('api_p95'), comparison: '>', threshold: 400 },
      { id: 'error_rate_5xx_high', group: 'standard', description: `5xx rate above 3 % for ${forWindow}`, for: forWindow, query: series('error_rate_5xx'), comparison: '>', threshold: 3 },
      {
        id: 'latency_without_cpu', group: 'enhanced', description: `API p95 above 300 ms while CPU stays below 50 %, for ${forWindow}`, for: forWindow,
        allOf: [
          { query: series('api_p95'), comparison: '>', threshold: 300 },
          { query: series('cpu_percent'), comparison: '<', threshold: 50 },
        ],
      },
      { id: 'event_loop_backpressure', group: 'enrichment', description: `Event-loop lag p95 above 100 ms for ${forWindow}`, for: forWindow, query: series('event_loop_lag_p95'), comparison: '>', threshold: 100 },
      ...(o.moreTriggers ?? []),
    ],
    // The GO the canary needs rests on the preflight's baseline and the IC's word; the approvers vote as usual.
    gonogo: {
      items: [
        { id: 'baseline_metrics', title: 'Baseline metrics captured', auto: { preflight: ['baseline'] } },
        { id: 'team_ready', title: 'Team ready', tickedBy: 'ic' },
      ],
    },
    // These canaries run on the wall clock, on whatever day the suite runs: no freeze window may apply to them
    // (the windows are tested on fixed dates in freeze.test.ts and freeze-app.test.ts).
    freeze: { tradingDays: [], dstReferenceZones: [] },
    deploy: { adapter: 'webhook', timeout: '5s', webhook: { url: `$${WEBHOOK_ENV.url}`, secret: `$${WEBHOOK_ENV.secret}`, retries: 1 } },
  };
}

export function parseRigConfig(input: SparkConfigInput): SparkConfig {
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) throw new Error(`canary rig: bad config: ${parsed.error.message}`);
  return parsed.data;
}

export const webhookEnv = (url: string): Record<string, string> => ({ [WEBHOOK_ENV.url]: url, [WEBHOOK_ENV.secret]: SECRET });

/** A scratch database of its own on the server, migrated. */
export async function scratchDb(server: string): Promise<{ db: Db; url: string; drop: () => Promise<void> }> {
  const scratch = await scratchDatabase(server);
  const db = await openPostgres(scratch.url);
  await migrate(db);
  return {
    db,
    url: scratch.url,
    async drop() {
      await db.close().catch(() => undefined);
      await scratch.drop();
    },
  };
}

export interface RigWiring {
  db: Db;
  config: SparkConfig;
  /** the deploy webhook's URL and secret, by the names the config gives */
  env: Record<string, string>;
  prometheusUrl: string;
  evidence: EvidenceStore;
  log?: Logger;
}

/**
 * A GO for `version` the way people record one: a preflight (the simulated platform answers the checks a canary
 * does not read; the baseline is measured on the real Prometheus, the commit asked of the real deploy webhook),
 * then a GO / NO-GO session where the IC ticks, every approver votes GO and the IC confirms. All on the wall clock.
 */
export async function recordGo(w: RigWiring, version: string, channel: string): Promise<void> {
  const { db, config, evidence } = w;
  const log = w.log ?? pino({ level: 'silent' });
  const real = configuredSources(config, w.env, w.prometheusUrl);
  const sim = createSimPlatform({ config, clock: systemClock });
  const sources = { ...simulatedSources(sim), metrics: real.metrics, deploy: real.deploy };
  const nameOf = namesFrom(config);
  await runPreflight({ db, clock: systemClock, log, config, host: 'canary-rig', evidence, sources, wake: () => undefined }, { version, actor: IC, channel });

  const gonogo: GonogoDeps = { config, evidence, release: simReleaseFacts, db, clock: systemClock, nameOf, wake: () => undefined };
  const refused = await openGonogo(gonogo, { version, actor: IC, channel });
  if (refused) throw new Error(`canary rig: no GO / NO-GO for ${version}: ${refused}`);
  const [{ id }] = (await db.query<{ id: number }>('SELECT id FROM gonogo_session WHERE version = $1 ORDER BY id DESC LIMIT 1', [version])) as [{ id: number }];
  const holder = (role: string) => config.roles[role]?.[0] ?? role;
  const events: GonogoEvent[] = [
    ...config.gonogo.items.flatMap((i): GonogoEvent[] => (i.tickedBy ? [{ type: 'tick-item', itemId: i.id, user: holder(i.tickedBy), ok: true }] : [])),
    ...config.gonogo.approvers.map((role): GonogoEvent => ({ type: 'vote', role, user: holder(role), choice: 'go' })),
    { type: 'confirm-go', user: holder(IC_ROLE) },
  ];
  for (const event of events) {
    const said = await actOnGonogo(gonogo, id, event);
    if (said) throw new Error(`canary rig: the GO / NO-GO for ${version} said: ${said}`);
  }
  const [row] = await db.query<{ status: string }>('SELECT status FROM gonogo_session WHERE id = $1', [id]);
  if (row?.status !== 'go') throw new Error(`canary rig: the GO / NO-GO for ${version} ended ${row?.status}, not go`);
}

export interface CanaryBot {
  deps: CanaryDeps;
  engine: Engine;
}

/** The bot reduced to its canary, wired as bot.ts wires it, on the wall clock; Slack is the fake at `slackUrl` (or any delivery). */
export function canaryBot(w: RigWiring & { chat: { slackUrl: string } | ChatDelivery; worker: string; leaseMs?: number }): CanaryBot {
  const { db, config, evidence } = w;
  const log = w.log ?? pino({ level: 'silent' });
  const sources = configuredSources(config, w.env, w.prometheusUrl);
  const nameOf = namesFrom(config);
  let engine: Engine | undefined;
  const wake = () => engine?.wake();
  const deps: CanaryDeps = { db, clock: systemClock, log, config, evidence, metrics: sources.metrics, deploy: sources.deploy, nameOf, wake };
  const gonogo: GonogoDeps = { config, evidence, release: simReleaseFacts, db, clock: systemClock, nameOf, wake };
  engine = createEngine({
    db,
    clock: systemClock,
    chat: 'slackUrl' in w.chat ? slackDelivery('xoxb-canary-rig', w.chat.slackUrl) : w.chat,
    pager: unconfiguredPager,
    log,
    worker: w.worker,
    handlers: { [GONOGO_CLOCK]: gonogoClock(gonogo), ...canaryTimers(deps), ...firstNightTimers(deps) },
    alertChannel: config.channels.deploys,
    ...(w.leaseMs ? { policy: { leaseMs: w.leaseMs } } : {}),
  });
  return { deps, engine };
}

export interface CanaryRow {
  id: number;
  status: string;
  state: {
    current?: { stage: number; weight: number; startedAt: number; holdEndsAt: number };
    rollback?: { at: number; reason: string; cause: { kind: string; trigger?: { id: string; since: number; heldMs: number; forMs: number } } };
    lastTickAt?: number;
    completed?: { stage: number; startedAt: number; endedAt: number; requests: number }[];
  };
}

export async function canaryOf(db: Db, version: string): Promise<CanaryRow | undefined> {
  const [row] = await db.query<CanaryRow>('SELECT id, status, state FROM canary_run WHERE version = $1 ORDER BY id DESC LIMIT 1', [version]);
  return row;
}

/** Polls `check` every `everyMs` until it returns something other than undefined/false; throws after `timeoutMs`. */
export async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`canary rig: ${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The finished canary's status (released, rolled-back), once it has one. */
export const finished = (db: Db, version: string, timeoutMs?: number) =>
  until(`the canary of ${version} to finish`, async () => {
    const row = await canaryOf(db, version);
    return row && ['released', 'rolled-back', 'rollback-failed'].includes(row.status) ? row : undefined;
  }, timeoutMs, 100);

/** Prometheus has a sample of the series (the exporter's value has been scraped). */
export async function scraped(prometheusUrl: string, selector: string, timeoutMs = 15_000): Promise<void> {
  await until(`${selector} in Prometheus`, async () => (await samples(prometheusUrl, `${selector}[10s]`, Date.now())).length > 0, timeoutMs, 100);
}

/**
 * The samples Prometheus stored for a range selector (`metric{…}[30s]`) of one series, evaluated at `atMs`:
 * [timestamp ms, value], oldest first. The timestamps are Prometheus's scrape times.
 */
export async function samples(prometheusUrl: string, rangeSelector: string, atMs: number): Promise<[number, number][]> {
  const form = new URLSearchParams({ query: rangeSelector, time: (atMs / 1000).toFixed(3) });
  const res = await fetch(`${prometheusUrl}/api/v1/query`, { method: 'POST', body: form, signal: AbortSignal.timeout(2000) });
  const body = (await res.json()) as { data?: { resultType: string; result: { values: [number, string][] }[] } };
  const [only] = body.data?.result ?? [];
  return (only?.values ?? []).map(([t, v]) => [Math.round(t * 1000), Number(v)]);
}

/** `spark_golden_signal{…}` of one signal on the canary track of `version`. */
export const canarySeries = (signal: GoldenSignal, version: string) => `${GOLDEN}{signal="${signal}",app="spark",version="${version}",track="canary"}`;
