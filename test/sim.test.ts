import { describe, expect, it } from 'vitest';
import { defaultConfig, fillQuery, type Comparison, type Signal, type Trigger } from '../src/config/schema.ts';
import { ROLLBACK_STEPS } from '../src/ports/deploy.ts';
import { NoDataError, SourceError } from '../src/ports/metrics.ts';
import { parseFault, SIGNAL_ALIASES } from '../src/sim/faults.ts';
import { createSimPlatform, type SimPlatform } from '../src/sim/platform.ts';

const config = defaultConfig();
const clock = { now: () => new Date('2026-11-24T18:00:00Z') };
const VERSION = 'v1.4.0';
const MIN = 60_000;

const holds = (v: number, c: Comparison, t: number) => (c === '<' ? v < t : c === '<=' ? v <= t : c === '>' ? v > t : v >= t);
const conditions = (t: Trigger) => ('allOf' in t ? t.allOf : [t]);
const signal = (id: string) => config.signals.find((s) => s.id === id) as Signal;
const trigger = (id: string) => config.triggers.find((t) => t.id === id) as Trigger;

function sim(opts: { seed?: number; faults?: { signal: string; fromStage: number }[] } = {}): SimPlatform {
  return createSimPlatform({ config, clock, ...opts });
}

async function atWeight(s: SimPlatform, weight: number): Promise<SimPlatform> {
  await s.deploy.setWeight(VERSION, weight);
  return s;
}

const ask = (s: SimPlatform, query: string, track: 'canary' | 'stable' = 'canary', at = clock.now()) =>
  s.metrics.query(fillQuery(query, { version: VERSION, track }), at);

async function signalPasses(s: SimPlatform, sig: Signal, at = clock.now()): Promise<boolean> {
  const value = await ask(s, sig.query, 'canary', at);
  if (typeof sig.threshold === 'number') return holds(value, sig.comparison, sig.threshold);
  const baseline = await ask(s, sig.query, 'stable', at);
  return holds(value, sig.comparison, baseline * (1 + sig.threshold.baselinePlusPercent / 100));
}

async function triggerHolds(s: SimPlatform, t: Trigger, at = clock.now()): Promise<boolean> {
  for (const c of conditions(t)) if (!holds(await ask(s, c.query, 'canary', at), c.comparison, c.threshold)) return false;
  return true;
}

/** Every 7 minutes over three hours: the noise moves, the verdict must not. */
const times = Array.from({ length: 26 }, (_, i) => new Date(clock.now().getTime() + i * 7 * MIN));

describe('the simulated metrics answer the config', () => {
  it('answers every signal, trigger (and allOf part) and first-night check query for the canary', async () => {
    const s = await atWeight(sim(), 5);
    const queries = [
      ...config.signals.map((x) => x.query),
      ...config.triggers.flatMap((t) => conditions(t).map((c) => c.query)),
      ...config.firstNight.checks.map((c) => c.query),
    ];
    expect(queries.length).toBeGreaterThan(30);
    for (const q of queries) {
      const value = await ask(s, q);
      expect(Number.isFinite(value), q).toBe(true);
    }
  });

  it('throws NoDataError for a query the config does not ask, or a track it does not know', async () => {
    const s = await atWeight(sim(), 5);
    await expect(s.metrics.query('up{job="spark"}', clock.now())).rejects.toBeInstanceOf(NoDataError);
    const api = fillQuery(signal('api_p95').query, { version: VERSION, track: 'shadow' });
    await expect(s.metrics.query(api, clock.now())).rejects.toBeInstanceOf(NoDataError);
  });

  it('is healthy by default: every signal passes at every stage before 100 %, at every time', async () => {
    for (const stage of config.stages.slice(0, -1)) {
      const s = await atWeight(sim(), stage.weight);
      for (const at of times) {
        for (const sig of config.signals) expect(await signalPasses(s, sig, at), `${sig.id} at ${stage.weight} %, ${at.toISOString()}`).toBe(true);
      }
    }
  });

  it('holds no trigger and passes every first-night check when healthy', async () => {
    const s = await atWeight(sim(), 100);
    for (const at of times) {
      for (const t of config.triggers) expect(await triggerHolds(s, t, at), `${t.id} at ${at.toISOString()}`).toBe(false);
      for (const c of config.firstNight.checks) {
        expect(holds(await ask(s, c.query, 'canary', at), c.comparison, c.threshold), c.id).toBe(true);
      }
    }
  });

  it('gives the release one-liner’s numbers', async () => {
    const s = await atWeight(sim(), 25);
    const near = async (id: string, value: number, within: number) =>
      expect(Math.abs((await ask(s, signal(id).query)) - value), id).toBeLessThanOrEqual(within);
    await near('api_p95', 140, 10);
    await near('error_rate_5xx', 0.3, 0.07);
    await near('ws_staleness_p95', 11, 1.5);
    await near('risk_block_rate', 0.1, 0.035);
    await near('idempotency_conflicts', 0.2, 0.05);
    await near('event_loop_lag_p95', 12, 1.5);
    await near('gc_pause_avg', 8, 1);
    const csp = signal('csp_violations').query;
    expect((await ask(s, csp)) / (await ask(s, csp, 'stable'))).toBeCloseTo(1.04, 5);
  });

  it('is reproducible: same seed and time → same values; another time or seed → others', async () => {
    const q = signal('api_p95').query;
    const a = await atWeight(sim({ seed: 7 }), 25);
    const b = await atWeight(sim({ seed: 7 }), 25);
    const c = await atWeight(sim({ seed: 8 }), 25);
    const later = new Date(clock.now().getTime() + 5 * MIN);
    expect(await ask(a, q)).toBe(await ask(b, q));
    expect(await ask(a, q, 'stable', later)).toBe(await ask(b, q, 'stable', later));
    expect(await ask(a, q)).not.toBe(await ask(a, q, 'canary', later));
    expect(await ask(a, q)).not.toBe(await ask(c, q));
  });
});

describe('traffic follows the deploy weights', () => {
  const requestDriven = ['api_p95', 'error_rate_5xx', 'ws_staleness_p95', 'risk_block_rate', 'idempotency_conflicts', 'csp_violations'];

  it('a canary at 0 % has no traffic: its request-driven signals have no data, stable still answers', async () => {
    const s = sim();
    expect(s.requestsPerSecond(VERSION, 'canary')).toBe(0);
    for (const id of requestDriven) {
      await expect(ask(s, signal(id).query), id).rejects.toBeInstanceOf(NoDataError);
      expect(Number.isFinite(await ask(s, signal(id).query, 'stable')), id).toBe(true);
    }
    // the canary's processes still run: event loop and GC have samples
    expect(await ask(s, signal('event_loop_lag_p95').query)).toBeGreaterThan(0);
  });

  it('scales the canary’s requests with its weight and takes them from stable', async () => {
    const s = await atWeight(sim(), 5);
    const canary = s.requestsPerSecond(VERSION, 'canary');
    expect(canary).toBeGreaterThan(0);
    expect(s.requestsPerSecond(VERSION, 'stable')).toBeCloseTo(canary * 19, 6);
    await s.deploy.setWeight(VERSION, 25);
    expect(s.requestsPerSecond(VERSION, 'canary')).toBeCloseTo(canary * 5, 6);
    expect(await s.deploy.weights()).toEqual({ 'v1.3.2': 75, [VERSION]: 25 });
    await s.deploy.setWeight(VERSION, 0);
    await expect(ask(s, signal('api_p95').query)).rejects.toBeInstanceOf(NoDataError);
  });
});

describe('fault injection', () => {
  it('p95@3 leaves stages 1–2 healthy, then fails api_p95 and fires the API-p95 trigger on the canary only', async () => {
    const s = sim({ faults: [{ signal: 'p95', fromStage: 3 }] });
    expect(s.faults).toEqual([{ signal: 'api_p95', fromStage: 3 }]);
    for (const stage of config.stages.slice(0, 2)) {
      await s.deploy.setWeight(VERSION, stage.weight);
      for (const sig of config.signals) expect(await signalPasses(s, sig), `${sig.id} at ${stage.weight} %`).toBe(true);
      expect(await triggerHolds(s, trigger('api_p95_high'))).toBe(false);
    }
    await s.deploy.setWeight(VERSION, config.stages[2]!.weight);
    expect(s.stageOf(VERSION)).toBe(3);
    for (const at of times) {
      expect(await signalPasses(s, signal('api_p95'), at)).toBe(false);
      expect(await triggerHolds(s, trigger('api_p95_high'), at)).toBe(true);
      expect(await ask(s, signal('api_p95').query, 'stable', at)).toBeLessThan(200);
    }
    const others = config.signals.filter((x) => x.id !== 'api_p95');
    for (const sig of others) expect(await signalPasses(s, sig), sig.id).toBe(true);
  });

  const matching: Record<string, string> = {
    p95: 'api_p95_high',
    '5xx': 'error_rate_5xx_high',
    ws: 'bist_feed_stale',
    risk: 'risk_block_spike',
    idemp: 'idempotency_conflicts_high',
    csp: 'csp_violations_flood',
    eventloop: 'event_loop_backpressure',
    gc: 'gc_pause_long',
  };
  for (const [alias, triggerId] of Object.entries(matching)) {
    it(`${alias}@1 fails ${SIGNAL_ALIASES[alias]} and makes ${triggerId} hold`, async () => {
      const s = await atWeight(sim({ faults: [{ signal: alias, fromStage: 1 }] }), 1);
      expect(await signalPasses(s, signal(SIGNAL_ALIASES[alias]!))).toBe(false);
      expect(await triggerHolds(s, trigger(triggerId))).toBe(true);
    });
  }

  it('stops degrading once the rollback has stopped the canary', async () => {
    const s = await atWeight(sim({ faults: [{ signal: 'p95', fromStage: 1 }] }), 5);
    expect(await triggerHolds(s, trigger('api_p95_high'))).toBe(true);
    await s.deploy.rollbackStep('stop', { from: VERSION, to: 'v1.3.2' });
    await expect(ask(s, signal('api_p95').query)).rejects.toBeInstanceOf(NoDataError);
    expect(await ask(s, signal('api_p95').query, 'stable')).toBeLessThan(200);
  });

  it('parseFault reads SIGNAL@STAGE and rejects garbage with a clear message', () => {
    expect(parseFault('p95@3')).toEqual({ ok: true, fault: { signal: 'api_p95', fromStage: 3 } });
    expect(parseFault('gc_pause_avg@5')).toEqual({ ok: true, fault: { signal: 'gc_pause_avg', fromStage: 5 } });
    const error = (text: string) => {
      const r = parseFault(text);
      if (r.ok) throw new Error(`expected ${text} to be rejected`);
      return r.error;
    };
    expect(error('x@3')).toMatch(/^unknown signal "x": use one of api_p95, error_rate_5xx, .*gc_pause_avg \(or an alias: p95, 5xx, ws/);
    expect(error('p95')).toBe('expected SIGNAL@STAGE like p95@3, got "p95"');
    expect(error('p95@9')).toBe('stage must be a whole number from 1 to 5, got "9" in "p95@9"');
    expect(error('p95@0')).toMatch(/from 1 to 5, got "0"/);
    expect(error('p95@two')).toMatch(/from 1 to 5, got "two"/);
    expect(error('p95@3@4')).toMatch(/expected SIGNAL@STAGE/);
  });

  it('createSimPlatform refuses an unknown fault', () => {
    expect(() => sim({ faults: [{ signal: 'latency', fromStage: 2 }] })).toThrow(/unknown signal "latency"/);
    expect(() => sim({ faults: [{ signal: 'p95', fromStage: 6 }] })).toThrow(/from 1 to 5/);
  });

  it('metricsDown makes Prometheus unreachable, and back', async () => {
    const s = await atWeight(sim(), 5);
    s.metricsDown(true);
    expect(await s.metrics.isOnline()).toBe(false);
    const failure = await ask(s, signal('api_p95').query).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SourceError);
    expect((failure as SourceError).cause).toBeInstanceOf(Error);
    s.metricsDown(false);
    expect(await s.metrics.isOnline()).toBe(true);
    expect(await ask(s, signal('api_p95').query)).toBeLessThan(200);
  });
});

describe('the other simulated ports', () => {
  it('deploy: a stable fake commit per version, a rollback that works, every call recorded', async () => {
    const s = await atWeight(sim(), 5);
    const sha = await s.deploy.commitOf(VERSION);
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(await sim().deploy.commitOf(VERSION)).toBe(sha);
    expect(await s.deploy.commitOf('v1.3.2')).not.toBe(sha);
    for (const step of ROLLBACK_STEPS) {
      const r = await s.deploy.rollbackStep(step, { from: VERSION, to: 'v1.3.2' });
      expect(r.ok, step).toBe(true);
      expect(r.detail.length, step).toBeGreaterThan(10);
    }
    expect(await s.deploy.weights()).toEqual({ 'v1.3.2': 100 });
    expect((await s.deploy.health()).healthy).toBe(true);
    expect(s.deploy.calls.map((c) => c.call)).toEqual(['setWeight', 'commitOf', 'commitOf', ...ROLLBACK_STEPS.map(() => 'rollbackStep'), 'weights', 'health']);
    expect(s.deploy.calls[0]).toEqual({ call: 'setWeight', version: VERSION, weightPercent: 5, at: clock.now() });
  });

  it('preflight sources are healthy', async () => {
    const s = sim();
    const migrations = await s.targetDb.prismaMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    expect(migrations.every((m) => m.finishedAt !== null && m.rolledBackAt === null)).toBe(true);
    for (const q of await s.targetDb.sequences()) {
      expect(q.lastValue ?? 0).toBeGreaterThanOrEqual(q.columnMax ?? 0);
      expect((q.lastValue ?? 0) / q.maxValue).toBeLessThan(0.5);
    }
    for (const t of await s.targetDb.tableStats()) expect(t.deadTuples / (t.liveTuples + t.deadTuples)).toBeLessThan(0.2);
    expect(Math.abs((await s.targetDb.now()).getTime() - clock.now().getTime())).toBeLessThan(3000);
    for (const p of await s.pgbouncer.pools()) {
      expect(p.cl_waiting).toBe(0);
      expect(p.sv_active / p.pool_size).toBeLessThan(0.9);
    }
    const { status, headers } = await s.httpProbe.headers('https://spark.example/');
    expect(status).toBe(200);
    expect(headers['content-security-policy']).toMatch(/'nonce-[A-Za-z0-9+/=]+'.*report-uri .*report-to /);
    expect(headers).toMatchObject({
      'cross-origin-embedder-policy': 'require-corp',
      'cross-origin-opener-policy': 'same-origin',
      'strict-transport-security': expect.stringMatching(/max-age=31536000/),
    });
    expect(Math.abs(await s.timeSource.offsetMs())).toBeLessThan(10);
    const targets = await s.prometheusTargets.targets();
    expect(new Set(targets.map((t) => t.job))).toEqual(new Set(['spark', 'pgbouncer', 'postgres', 'node']));
    expect(targets.every((t) => t.health === 'up' && t.lastError === '')).toBe(true);
    expect(Object.keys(await s.flags.flags()).length).toBeGreaterThan(0);
  });

  it('pager records events and makes up a dedup key for a trigger without one', async () => {
    const s = sim();
    const { dedupKey } = await s.pager.send({
      event_action: 'trigger',
      payload: { summary: 'v1.4.0 canary rolled back at stage 3: API p95 452 ms', source: 'spark-ritual', severity: 'critical' },
    });
    expect(dedupKey).toMatch(/^[0-9a-f]{32}$/);
    expect(await s.pager.send({ event_action: 'resolve', dedup_key: dedupKey })).toEqual({ dedupKey });
    expect(s.pager.events.map((e) => [e.event_action, e.dedupKey])).toEqual([
      ['trigger', dedupKey],
      ['resolve', dedupKey],
    ]);
  });
});
