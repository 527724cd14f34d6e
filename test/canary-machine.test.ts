/**
 * The canary in virtual time: whole canaries (90 minutes in milliseconds) driven the way the caller drives
 * them — a tick every analysis interval with every signal's and trigger's sample, the `hold-ended` timers the
 * machine schedules, and people's actions at given moments.
 */
import { describe, expect, it } from 'vitest';
import { configSchema, defaultConfig, type SparkConfigInput } from '../src/config/schema.ts';
import { apply, stageVerdict } from '../src/domain/canary/machine.ts';
import type { Sample } from '../src/domain/canary/sample.ts';
import { newCanary, rulesFrom, type Applied, type CanaryEffect, type CanaryEvent, type CanaryState, type Minute, type TickSamples } from '../src/domain/canary/state.ts';
import { conditionsOf } from '../src/domain/canary/triggers.ts';
import { canaryView } from '../src/domain/canary/view.ts';

const SEC = 1000;
const MIN = 60 * SEC;
const T0 = Date.parse('2026-11-24T10:00:00Z');
const IC = 'U0SPARKIC';

// ---------------------------------------------------------------------------------------------
// A synthetic platform: every query of the default config reads one of these metrics.
// ---------------------------------------------------------------------------------------------

type Metric =
  | 'p95' | 'e5xx' | 'ws' | 'bist' | 'risk' | 'idem' | 'csp' | 'el' | 'gc' | 'cpu'
  | 'heap' | 'restarts' | 'reconnects' | 'decimal' | 'outbox' | 'pool' | 'deadTuples' | 'conns';

/** The canary's healthy values (the stable track's, with CSP 4 % above its baseline). */
const HEALTHY: Record<Metric, number> = {
  p95: 140, e5xx: 0.3, ws: 11, bist: 1.5, risk: 0.1, idem: 0.2, csp: 1.248, el: 12, gc: 8, cpu: 35,
  heap: 0.4, restarts: 0, reconnects: 0.6, decimal: 0, outbox: 2.4, pool: 40, deadTuples: 5, conns: 0.1,
};
const BASELINE: Record<string, number> = {
  api_p95: 140, error_rate_5xx: 0.3, ws_staleness_p95: 11, risk_block_rate: 0.1, idempotency_conflicts: 0.2,
  csp_violations: 1.2, event_loop_lag_p95: 12, gc_pause_avg: 8,
};

const FAMILIES: [RegExp, Metric][] = [
  [/status=~"5\.\."/, 'e5xx'],
  [/http_request_duration_seconds_bucket/, 'p95'],
  [/ws_message_staleness_seconds/, 'ws'],
  [/bist_feed_last_message/, 'bist'],
  [/risk_blocks_total/, 'risk'],
  [/idempotency_conflicts_total/, 'idem'],
  [/csp_violation_reports_total/, 'csp'],
  [/nodejs_eventloop_lag/, 'el'],
  [/nodejs_gc_duration/, 'gc'],
  [/process_cpu_seconds/, 'cpu'],
  [/nodejs_heap_size/, 'heap'],
  [/process_start_time/, 'restarts'],
  [/ws_reconnects_total/, 'reconnects'],
  [/decimal_precision_errors/, 'decimal'],
  [/outbox_dispatch_lag/, 'outbox'],
  [/pgbouncer_pools/, 'pool'],
  [/pg_stat_user_tables/, 'deadTuples'],
  [/pg_stat_activity/, 'conns'],
];
function metricOf(query: string): Metric {
  const hit = FAMILIES.find(([re]) => re.test(query));
  if (!hit) throw new Error(`the test platform does not know ${query}`);
  return hit[1];
}

/** What the platform answers at `ms` after the start, while the canary is at `stage`: overrides of HEALTHY, and requests per tick. */
type World = (ms: number, stage: number, tickNo: number) => Partial<Record<Metric, Sample>> & { requests?: Sample };
const healthy: World = () => ({});

function samplesOf(s: CanaryState, w: Partial<Record<Metric, Sample>> & { requests?: Sample }): TickSamples {
  const val = (m: Metric): Sample => w[m] ?? HEALTHY[m];
  return {
    signals: Object.fromEntries(s.rules.signals.map((sig) => [sig.id, val(metricOf(sig.query))])),
    triggers: Object.fromEntries(s.rules.triggers.map((tr) => [tr.id, conditionsOf(tr).map((c) => val(metricOf(c.query)))])),
    requests: w.requests ?? 50,
  };
}

// ---------------------------------------------------------------------------------------------
// The driver
// ---------------------------------------------------------------------------------------------

/** Deep-frozen, so any mutation by `apply` throws. */
function frozen<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) frozen(x);
  }
  return v;
}

/** Where a value stops being plain JSON (undefined, a non-finite number, a Date, a function…), or undefined when it is JSON. */
function jsonProblem(v: unknown, path = '$'): string | undefined {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return undefined;
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : `${path} is ${v}`;
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) {
      const p = jsonProblem(x, `${path}[${i}]`);
      if (p) return p;
    }
    return undefined;
  }
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    for (const [k, x] of Object.entries(v)) {
      const p = jsonProblem(x, `${path}.${k}`);
      if (p) return p;
    }
    return undefined;
  }
  return `${path} is ${typeof v}`;
}

interface Step {
  ms: number;
  event: CanaryEvent;
  result: Applied;
}

class Run {
  ms = 0;
  steps: Step[] = [];
  timers: { at: number; stage: number }[] = [];
  private tickNo = 0;
  private nextTick: number;

  /** `firstTickAt`: when the caller's first analysis runs (one interval after the start, or at once after a restart) */
  constructor(
    public state: CanaryState,
    firstTickAt = state.rules.analysisIntervalMs,
  ) {
    this.nextTick = firstTickAt;
  }

  /** Applies one event at the current moment (or `ms`); the frozen input proves the machine never mutates it. */
  apply(event: CanaryEvent, ms = this.ms): Applied {
    this.ms = ms;
    const result = apply(frozen(this.state), event, new Date(T0 + ms));
    if (result.outcome.kind !== 'changed') expect(result.state).toBe(this.state);
    expect(jsonProblem(result.state)).toBeUndefined();
    for (const e of result.effects) if (e.type === 'schedule') this.timers.push({ at: e.at - T0, stage: e.stage });
    this.steps.push({ ms, event, result });
    this.state = result.state;
    return result;
  }

  /**
   * Runs until `untilMs` (inclusive): at each moment, people's actions, then the tick, then due timers.
   * A started rollback is reported finished (ok) after `rollbackTakes`.
   */
  run(untilMs: number, world: World = healthy, opts: { actions?: Record<number, CanaryEvent[]>; rollbackTakes?: number } = {}): this {
    const interval = this.state.rules.analysisIntervalMs;
    const actions = new Map(Object.entries(opts.actions ?? {}).map(([k, v]) => [Number(k), v]));
    let rollbackDoneAt: number | undefined;
    for (;;) {
      const nextTimer = Math.min(...this.timers.map((x) => x.at));
      const nextAction = Math.min(...[...actions.keys()].filter((k) => k > this.ms || (k === this.ms && actions.has(k))));
      const at = Math.min(this.nextTick, nextTimer, nextAction, rollbackDoneAt ?? Infinity);
      if (at > untilMs) break;
      this.ms = at;
      for (const e of actions.get(at) ?? []) this.apply(e);
      actions.delete(at);
      if (at === this.nextTick) {
        this.tickNo++;
        const w = world(at, this.state.current?.stage ?? 0, this.tickNo);
        this.apply({ type: 'tick', ...samplesOf(this.state, w) });
        this.nextTick += interval;
      }
      for (const due of this.timers.filter((x) => x.at <= at)) {
        this.timers.splice(this.timers.indexOf(due), 1);
        this.apply({ type: 'hold-ended', stage: due.stage });
      }
      if (at === rollbackDoneAt) {
        this.apply({ type: 'rollback-finished', ok: true, detail: 'health verified on the previous version' });
        rollbackDoneAt = undefined;
      }
      if (opts.rollbackTakes !== undefined && rollbackDoneAt === undefined && this.state.phase === 'rolling-back') rollbackDoneAt = at + opts.rollbackTakes;
    }
    this.ms = untilMs;
    return this;
  }

  effects<T extends CanaryEffect['type']>(type: T): (Extract<CanaryEffect, { type: T }> & { ms: number })[] {
    return this.steps.flatMap((st) =>
      st.result.effects.filter((e): e is Extract<CanaryEffect, { type: T }> => e.type === type).map((e) => ({ ...e, ms: st.ms })),
    );
  }

  minutes(): Minute[] {
    return this.effects('minute').map((e) => e.minute);
  }
}

function canary(input: SparkConfigInput = {}, baseline: Record<string, number> = BASELINE): Run {
  const config = input && Object.keys(input).length > 0 ? configSchema.parse(input) : defaultConfig();
  const r = new Run(newCanary(rulesFrom(config), 'v1.4.0', baseline));
  r.apply({ type: 'start', by: IC }, 0);
  return r;
}

const weights = (r: Run) => r.effects('set-weight').map((e) => [e.ms / MIN, e.weight]);

// ---------------------------------------------------------------------------------------------

describe('a healthy canary', () => {
  it('walks 1 → 5 → 25 → 50 → 100 % on its holds and releases once, after 90 minutes', () => {
    // p95 wobbles with one spike in five samples: the stage medians stay at 140 ms
    const p95 = [136, 138, 140, 142, 390];
    const r = canary().run(120 * MIN, (_ms, _stage, n) => ({ p95: p95[n % 5] }));
    expect(weights(r)).toEqual([[0, 1], [15, 5], [30, 25], [45, 50], [60, 100]]);
    const released = r.effects('released');
    expect(released).toHaveLength(1);
    expect(released[0]?.ms).toBe(90 * MIN);
    expect(r.state.status).toBe('released');
    expect(r.effects('start-rollback')).toEqual([]);
    expect(r.minutes().map((m) => m.kind)).toEqual(['started', 'promoted', 'promoted', 'promoted', 'promoted', 'released']);
    expect(r.minutes()[1]).toMatchObject({ at: '2026-11-24T10:15:00.000Z', stage: 1, weight: 1 });
    expect(r.minutes()[1]?.metrics).toContain('p95 140ms ✓');
    expect(r.minutes()[1]?.metrics).toContain('requests 4500/500');
    expect(r.state.completed.map((c) => c.signals.find((x) => x.id === 'api_p95')?.median)).toEqual([140, 140, 140, 140, 140]);
    // every hold-ended timer after a promotion by tick found its stage over
    const timerSteps = r.steps.filter((st) => st.event.type === 'hold-ended');
    expect(timerSteps.every((st) => st.result.outcome.kind === 'unchanged')).toBe(true);
  });

  it('watches a stage for its whole hold from the moment its weight is in place, not from the decision', () => {
    const r = canary().run(10 * SEC);
    expect(r.state.signals['api_p95']?.samples).toHaveLength(1);
    // the deploy target took 40 s to set 1 %: the hold starts again then, and what the ticks saw before is dropped
    const confirmed = r.apply({ type: 'weight-confirmed', stage: 1 }, 40 * SEC);
    expect(confirmed.state.current).toMatchObject({ stage: 1, startedAt: T0 + 40 * SEC, holdEndsAt: T0 + 40 * SEC + 15 * MIN, requests: 0 });
    expect(confirmed.state.signals['api_p95']?.samples).toEqual([]);
    expect(confirmed.effects.filter((e) => e.type === 'schedule')).toEqual([{ type: 'schedule', at: T0 + 40 * SEC + 15 * MIN, what: 'hold-ended', stage: 1 }]);
    expect(r.apply({ type: 'hold-ended', stage: 1 }, 15 * MIN).outcome.kind).toBe('unchanged');
    r.run(16 * MIN);
    expect(weights(r)).toEqual([[0, 1], [(15 * MIN + 40 * SEC) / MIN, 5]]);
    // confirmed as the stage began, or for a stage that is over: nothing changes
    expect(r.apply({ type: 'weight-confirmed', stage: 1 }).outcome.kind).toBe('unchanged');
    expect(r.apply({ type: 'weight-confirmed', stage: 2 }, 15 * MIN + 40 * SEC).outcome.kind).toBe('unchanged');
  });

  it('is analysed with the rules it started with: card updates, a bounded state', () => {
    const r = canary().run(50 * MIN);
    const json = JSON.stringify(r.state);
    expect(json.length).toBeLessThan(120_000);
    const view = canaryView(r.state, new Date(T0 + 50 * MIN));
    expect(view).toMatchObject({ status: 'running', stage: 4, weight: 50, holdRemainingMs: 10 * MIN, building: [], blind: [] });
    expect(view.headline).toBe('Stage 4 of 5 at 50 %: 10m left of the hold.');
    expect(view.stages.map((s) => s.state)).toEqual(['passed', 'passed', 'passed', 'current', 'pending']);
  });
});

describe('auto-rollback triggers', () => {
  it('rolls back on a p95 breach from stage 3 exactly when api_p95_high has held for 5 minutes, once', () => {
    const r = canary().run(90 * MIN, (_ms, stage) => (stage >= 3 ? { p95: 450 } : {}), { rollbackTakes: 3 * MIN });
    const firstBreach = r.steps.find((st) => st.event.type === 'tick' && st.result.state.current?.stage === 3 && st.ms > 30 * MIN);
    expect(firstBreach?.ms).toBe(30 * MIN + 10 * SEC);
    const rollbacks = r.effects('start-rollback');
    expect(rollbacks).toHaveLength(1);
    const rb = rollbacks[0];
    expect(rb?.ms).toBe(35 * MIN + 10 * SEC);
    expect(rb).toMatchObject({ version: 'v1.4.0', stage: 3, weight: 25, trigger: { id: 'api_p95_high', heldMs: 5 * MIN, since: T0 + 30 * MIN + 10 * SEC } });
    expect(rb?.trigger?.values).toEqual([{ comparison: '>', threshold: 400, latest: 450, worst: 450 }]);
    expect(rb?.cause).toMatchObject({ kind: 'trigger', alsoFired: ['latency_without_cpu'] });
    expect(rb?.reason).toContain('trigger api_p95_high fired');
    // one tick earlier it was still running
    const before = r.steps.find((st) => st.ms === 35 * MIN && st.event.type === 'tick');
    expect(before?.result.state.phase).toBe('running');
    expect(weights(r)).toEqual([[0, 1], [15, 5], [30, 25]]);
    expect(r.state.phase).toBe('rolled-back');
    expect(r.state.rollback).toMatchObject({ ok: true, finishedAt: T0 + 38 * MIN + 10 * SEC });
    expect(r.effects('released')).toEqual([]);
    expect(r.minutes().filter((m) => m.kind === 'rollback-started')).toHaveLength(1);
  });

  it('does not fire on a flapping p95; the stage then fails on its median at the end of the hold', () => {
    // two ticks at 450 ms, two at 140 ms, from stage 2 on
    const r = canary().run(60 * MIN, (_ms, stage, n) => (stage >= 2 && n % 4 < 2 ? { p95: 450 } : {}));
    const rb = r.effects('start-rollback');
    expect(rb).toHaveLength(1);
    expect(rb[0]?.ms).toBe(30 * MIN);
    expect(rb[0]?.trigger).toBeUndefined();
    expect(rb[0]?.cause).toMatchObject({ kind: 'stage-failed', failures: [{ id: 'api_p95', median: 295, limit: 200, comparison: '<=' }] });
  });

  it('fires a composite only when all its parts have held together', () => {
    // 5xx at 1.2 % from minute 16; risk blocks above 1/min only from minute 20
    const r = canary().run(60 * MIN, (ms) => ({ ...(ms >= 16 * MIN ? { e5xx: 1.2 } : {}), ...(ms >= 20 * MIN ? { risk: 1.6 } : {}) }));
    const rb = r.effects('start-rollback');
    expect(rb).toHaveLength(1);
    expect(rb[0]).toMatchObject({ ms: 22 * MIN, stage: 2, trigger: { id: 'error_risk_correlation' } });
    expect(rb[0]?.trigger?.values.map((v) => v.latest)).toEqual([1.2, 1.6]);
  });
});

describe('no data', () => {
  it('holds a stage whose signal has no data (inconclusive, on the card) and rolls back after noDataLimit', () => {
    // GC pause answers no data from 29:00, one minute before stage 2's hold ends at 30:00
    const r = canary().run(60 * MIN, (ms) => (ms >= 29 * MIN ? { gc: 'no-data' } : {}));
    expect(weights(r)).toEqual([[0, 1], [15, 5]]);
    const held = r.minutes().find((m) => m.kind === 'held-no-data');
    expect(held).toMatchObject({ at: '2026-11-24T10:30:00.000Z', stage: 2 });
    expect(held?.decision).toContain('Stage 2 is inconclusive: no data for GC pause avg');
    const during = r.steps.find((st) => st.ms === 30 * MIN + 30 * SEC)?.result.state;
    expect(during?.status).toBe('holding-no-data');
    const view = canaryView(during as CanaryState, new Date(T0 + 30 * MIN + 30 * SEC));
    expect(view.headline).toContain('held, inconclusive: no data for GC pause avg');
    const rb = r.effects('start-rollback');
    expect(rb).toHaveLength(1);
    expect(rb[0]?.ms).toBe(31 * MIN);
    expect(rb[0]?.cause).toEqual({ kind: 'no-data', signals: [{ id: 'gc_pause_avg', missingForMs: 2 * MIN, why: 'no data' }] });
    expect(r.minutes().filter((m) => m.kind === 'held-no-data')).toHaveLength(1);
  });

  it('promotes a held stage as soon as its data is back', () => {
    const r = canary().run(40 * MIN, (ms) => (ms >= 29 * MIN && ms < 30 * MIN + 30 * SEC ? { gc: 'no-data' } : {}));
    expect(weights(r)).toEqual([[0, 1], [15, 5], [30.5, 25]]);
    expect(r.effects('start-rollback')).toEqual([]);
  });

  it('tolerates one failed query, but a run of source errors is no data', () => {
    const once = canary().run(20 * MIN, (ms) => (ms === 15 * MIN ? { gc: { error: 'timeout after 5s' } } : {}));
    expect(weights(once)).toEqual([[0, 1], [15, 5]]);
    const run = canary().run(20 * MIN, (ms) => (ms >= 14 * MIN ? { gc: { error: 'timeout after 5s' } } : {}));
    expect(weights(run)).toEqual([[0, 1]]);
    expect(run.minutes().find((m) => m.kind === 'held-no-data')?.decision).toContain('source error: timeout after 5s');
    expect(run.effects('start-rollback')[0]).toMatchObject({ ms: 16 * MIN, cause: { kind: 'no-data' } });
  });

  it('rolls back a canary that never gets data, wherever it is in the hold', () => {
    const r = canary().run(20 * MIN, () => ({ ws: 'no-data' }));
    expect(r.effects('start-rollback')[0]).toMatchObject({ ms: 2 * MIN + 10 * SEC, stage: 1 });
  });
});

describe('too little traffic', () => {
  const small: SparkConfigInput = {
    stages: [{ weight: 10, hold: '1m' }, { weight: 100, hold: '1m' }],
    canary: { analysisInterval: '10s', minRequestsPerStage: 100, noDataLimit: '30s', queryTimeout: '5s' },
  };

  it('extends a stage that saw fewer requests than a stage needs, and passes it once it has', () => {
    const r = canary(small).run(5 * MIN, () => ({ requests: 10 }));
    // 60 requests by the end of the 1-minute hold; 100 at 1:40
    expect(r.minutes().map((m) => [m.kind, m.at.slice(14, 19)])).toEqual([
      ['started', '00:00'],
      ['extended', '01:00'],
      ['promoted', '01:40'],
      ['extended', '02:40'],
      ['released', '03:20'],
    ]);
    expect(r.minutes()[1]?.decision).toContain('the canary served 60 requests, fewer than the 100 a stage needs');
    expect(r.effects('released')).toHaveLength(1);
  });

  it('never counts missing request samples', () => {
    const r = canary(small).run(5 * MIN, () => ({ requests: 'no-data' }));
    expect(r.state.status).toBe('extending');
    expect(r.state.current?.requests).toBe(0);
  });
});

describe('pause and resume', () => {
  it('blocks promotion while paused, but a trigger still rolls back', () => {
    const r = canary().run(40 * MIN, (ms) => (ms >= 16 * MIN ? { p95: 450 } : {}), {
      actions: { [10 * MIN]: [{ type: 'pause', by: IC, reason: 'checking a dashboard' }] },
    });
    expect(weights(r)).toEqual([[0, 1]]);
    expect(r.minutes().map((m) => m.kind)).toEqual(['started', 'paused', 'hold-ended-paused', 'rollback-started']);
    const rb = r.effects('start-rollback');
    expect(rb).toHaveLength(1);
    expect(rb[0]).toMatchObject({ ms: 21 * MIN, stage: 1, trigger: { id: 'api_p95_high' } });
  });

  it('judges the stage on resume when its hold ended while paused', () => {
    const r = canary().run(25 * MIN, healthy, {
      actions: { [10 * MIN]: [{ type: 'pause', by: IC }], [18 * MIN]: [{ type: 'resume', by: IC }] },
    });
    expect(weights(r)).toEqual([[0, 1], [18, 5]]);
    expect(r.state.current?.holdEndsAt).toBe(T0 + 33 * MIN);
    expect(r.minutes().map((m) => m.kind)).toEqual(['started', 'paused', 'hold-ended-paused', 'resumed', 'promoted']);
  });

  it('can pause a held stage; it is judged again on resume', () => {
    const r = canary().run(17 * MIN, (ms) => (ms >= 14 * MIN && ms < 16 * MIN + 30 * SEC ? { gc: 'no-data' } : {}), {
      actions: { [15 * MIN + 30 * SEC]: [{ type: 'pause', by: IC }], [17 * MIN]: [{ type: 'resume', by: IC }] },
    });
    // no data from 14:00 would roll back at 16:00: analysis goes on while paused
    expect(r.effects('start-rollback')[0]).toMatchObject({ ms: 16 * MIN, cause: { kind: 'no-data' } });
    const calm = canary().run(17 * MIN, (ms) => (ms >= 14 * MIN + 30 * SEC && ms < 16 * MIN ? { gc: 'no-data' } : {}), {
      actions: { [15 * MIN + 30 * SEC]: [{ type: 'pause', by: IC }], [17 * MIN]: [{ type: 'resume', by: IC }] },
    });
    expect(calm.minutes().map((m) => m.kind)).toEqual(['started', 'held-no-data', 'paused', 'resumed', 'promoted']);
    expect(weights(calm)).toEqual([[0, 1], [17, 5]]);
  });

  it('keeps the hold running while paused and resumes to the same hold', () => {
    const r = canary().run(12 * MIN, healthy, { actions: { [5 * MIN]: [{ type: 'pause', by: IC }], [8 * MIN]: [{ type: 'resume', by: IC }] } });
    expect(r.state.status).toBe('running');
    expect(r.state.current?.holdEndsAt).toBe(T0 + 15 * MIN);
    expect(r.apply({ type: 'resume', by: IC }).outcome).toEqual({ kind: 'unchanged', why: 'The canary is not paused.' });
  });
});

describe('promote now', () => {
  it('skips the rest of the hold when every signal passes, once per stage', () => {
    const r = canary().run(20 * MIN);
    const first = r.apply({ type: 'promote-now', by: IC, stage: 2 });
    expect(first.effects.filter((e) => e.type === 'set-weight')).toEqual([{ type: 'set-weight', version: 'v1.4.0', stage: 3, weight: 25 }]);
    expect(r.state.completed[1]?.promotedBy).toEqual({ user: IC });
    expect(r.minutes().at(-1)).toMatchObject({ kind: 'promoted-now', stage: 2 });
    const again = r.apply({ type: 'promote-now', by: IC, stage: 2 });
    expect(again.outcome).toEqual({ kind: 'unchanged', why: 'Stage 2 is already over; the canary is at stage 3 (25 %).' });
    // the old stage's timer changes nothing either
    expect(r.apply({ type: 'hold-ended', stage: 2 }, 30 * MIN).outcome.kind).toBe('unchanged');
    expect(weights(r)).toEqual([[0, 1], [15, 5], [20, 25]]);
  });

  it('never promotes on no data: not on a signal without data, not before the stage has a value', () => {
    const r = canary().run(20 * MIN, (ms) => (ms >= 19 * MIN ? { gc: 'no-data' } : {}));
    const refused = r.apply({ type: 'promote-now', by: IC, stage: 2 });
    expect(refused.outcome.kind).toBe('refused');
    expect(refused.outcome.kind === 'refused' && refused.outcome.why).toContain('no data for GC pause avg');
    expect(refused.effects).toEqual([]);

    const fresh = canary().run(15 * MIN); // just promoted to stage 2: no sample of it yet
    const early = fresh.apply({ type: 'promote-now', by: IC });
    expect(early.outcome.kind === 'refused' && early.outcome.why).toContain('A stage is never promoted on missing data');
  });

  it('refuses while paused, while a trigger is building, on a failing signal, and with too little traffic', () => {
    const paused = canary().run(5 * MIN, healthy, { actions: { [4 * MIN]: [{ type: 'pause', by: IC }] } });
    expect(paused.apply({ type: 'promote-now', by: IC }).outcome).toMatchObject({ kind: 'refused', why: expect.stringContaining('Resume it first') });

    // the BIST feed is silent for 2 of the 3 minutes its trigger needs: every signal passes, the breach is building
    const building = canary().run(5 * MIN, (ms) => (ms >= 3 * MIN ? { bist: 150 } : {}));
    expect(stageVerdict(building.state, T0 + 5 * MIN).kind).toBe('pass');
    expect(building.apply({ type: 'promote-now', by: IC }).outcome).toEqual({
      kind: 'refused',
      why: 'Not promoting stage 1: trigger bist_feed_stale has held for 2m of its 3m.',
    });
    const building2 = canary().run(5 * MIN, (ms) => (ms >= 3 * MIN ? { e5xx: 3.5 } : {}));
    expect(building2.apply({ type: 'promote-now', by: IC }).outcome).toMatchObject({
      kind: 'refused',
      why: expect.stringContaining('trigger error_rate_5xx_high has held for 2m of its 5m'),
    });

    const failing = canary().run(5 * MIN, () => ({ p95: 250 }));
    expect(failing.apply({ type: 'promote-now', by: IC }).outcome).toMatchObject({ kind: 'refused', why: expect.stringContaining('API p95 250ms this stage, must be <= 200ms') });
    expect(failing.state.phase).toBe('running');

    const quiet = canary().run(5 * MIN, () => ({ requests: 1 }));
    expect(quiet.apply({ type: 'promote-now', by: IC }).outcome).toMatchObject({ kind: 'refused', why: expect.stringContaining('served 30 requests this stage; a stage needs 500') });
  });
});

describe('manual rollback', () => {
  it.each([1, 2, 3, 4, 5])('rolls back from stage %i with the reason, and is idempotent', (stage) => {
    const at = (stage - 1) * 15 * MIN + 7 * MIN;
    const r = canary().run(at);
    expect(r.state.current?.stage).toBe(stage);
    expect(r.apply({ type: 'rollback', by: IC, reason: '   ' }).outcome).toEqual({ kind: 'refused', why: 'A rollback needs a reason.' });
    const res = r.apply({ type: 'rollback', by: IC, reason: 'order book latency looks wrong' });
    const weight = [1, 5, 25, 50, 100][stage - 1];
    expect(res.effects.find((e) => e.type === 'start-rollback')).toMatchObject({
      stage,
      weight,
      reason: `rolled back by ${IC}: order book latency looks wrong`,
      cause: { kind: 'manual', by: IC, reason: 'order book latency looks wrong' },
    });
    expect(r.apply({ type: 'rollback', by: IC, reason: 'again' }).outcome.kind).toBe('unchanged');
    r.run(at + 5 * MIN);
    expect(r.effects('start-rollback')).toHaveLength(1);
    expect(r.effects('set-weight')).toHaveLength(stage);
    r.apply({ type: 'rollback-finished', ok: true });
    expect(r.state.status).toBe('rolled-back');
  });

  it('starts a failed procedure again, and refuses before the start and after the release', () => {
    const r = canary().run(3 * MIN);
    r.apply({ type: 'rollback', by: IC, reason: 'wrong build' });
    r.apply({ type: 'rollback-finished', ok: false, detail: 'verify-health: 503' }, 5 * MIN);
    expect(r.state.status).toBe('rollback-failed');
    const again = r.apply({ type: 'rollback', by: IC, reason: 'retry after fixing the health check' });
    expect(again.effects.find((e) => e.type === 'start-rollback')).toMatchObject({ cause: { kind: 'manual', reason: 'wrong build' } });
    expect(r.state.rollback?.attempts).toBe(2);

    const idle = new Run(newCanary(rulesFrom(defaultConfig()), 'v1.4.0', BASELINE));
    expect(idle.apply({ type: 'rollback', by: IC, reason: 'x' }).outcome.kind).toBe('refused');
    const done = canary().run(91 * MIN);
    expect(done.state.status).toBe('released');
    expect(done.apply({ type: 'rollback', by: IC, reason: 'x' }).outcome.kind).toBe('refused');
  });
});

describe('restarting from the stored state', () => {
  it('resumes mid-stage with the same remaining hold and promotes once', () => {
    const first = canary().run(22 * MIN);
    expect(first.state.current).toMatchObject({ stage: 2, holdEndsAt: T0 + 30 * MIN });
    const stored = JSON.stringify(first.state);

    // the process was down for two minutes
    const second = new Run(JSON.parse(stored) as CanaryState, 24 * MIN);
    const res = second.apply({ type: 'restored' }, 24 * MIN);
    expect(res.effects).toEqual([{ type: 'schedule', at: T0 + 30 * MIN, what: 'hold-ended', stage: 2 }, { type: 'card' }]);
    second.run(35 * MIN);
    expect(second.effects('set-weight')).toEqual([{ type: 'set-weight', version: 'v1.4.0', stage: 3, weight: 25, ms: 30 * MIN }]);
    expect(second.effects('start-rollback')).toEqual([]);

    // the first process's timer and a replayed tick arrive late: nothing is promoted twice
    expect(second.apply({ type: 'hold-ended', stage: 2 }, 35 * MIN).outcome.kind).toBe('unchanged');
    expect(second.apply({ type: 'tick', ...samplesOf(second.state, {}) }, 30 * MIN).outcome).toEqual({ kind: 'unchanged', why: 'This moment was already analysed.' });
    expect(second.state.current?.stage).toBe(3);
  });

  it('judges a hold that ended while the process was down on the next tick, with fresh data', () => {
    const first = canary().run(12 * MIN);
    const second = new Run(JSON.parse(JSON.stringify(first.state)) as CanaryState, 17 * MIN);
    expect(second.apply({ type: 'restored' }, 17 * MIN).effects).toEqual([{ type: 'card' }]);
    second.run(18 * MIN);
    expect(second.effects('set-weight')).toEqual([{ type: 'set-weight', version: 'v1.4.0', stage: 2, weight: 5, ms: 17 * MIN }]);
    expect(second.effects('start-rollback')).toEqual([]);
  });
});

describe('CSP violations against the preflight baseline', () => {
  it('pass at baseline + 8 % and fail the stage at baseline + 17 %', () => {
    const ok = canary().run(20 * MIN, () => ({ csp: 1.296 }));
    expect(weights(ok)).toEqual([[0, 1], [15, 5]]);
    const bad = canary().run(20 * MIN, () => ({ csp: 1.4 }));
    const rb = bad.effects('start-rollback');
    expect(rb[0]).toMatchObject({ ms: 15 * MIN, cause: { kind: 'stage-failed', failures: [{ id: 'csp_violations', median: 1.4 }] } });
    expect(rb[0]?.reason).toContain('CSP violations 1.4/min (must be <= 1.3/min)');
    // the same 1.4/min passes against a higher baseline
    const other = canary({}, { ...BASELINE, csp_violations: 1.3 }).run(20 * MIN, () => ({ csp: 1.4 }));
    expect(weights(other)).toEqual([[0, 1], [15, 5]]);
  });

  it('refuses to start without a CSP baseline', () => {
    const { csp_violations: _csp, ...noCsp } = BASELINE;
    const r = new Run(newCanary(rulesFrom(defaultConfig()), 'v1.4.0', noCsp));
    const res = r.apply({ type: 'start', by: IC }, 0);
    expect(res.outcome).toMatchObject({ kind: 'refused', why: expect.stringContaining('CSP violations is judged against the preflight baseline') });
  });
});

describe('the card', () => {
  it('is re-rendered at most every cardUpdateThrottle, and at once on a decision', () => {
    const r = canary({ canary: { analysisInterval: '2s', cardUpdateThrottle: '5s', queryTimeout: '1s' } }).run(30 * SEC);
    const cards = r.steps.filter((st) => st.result.effects.some((e) => e.type === 'card')).map((st) => st.ms / SEC);
    expect(cards).toEqual([0, 6, 12, 18, 24, 30]);
    const paused = r.apply({ type: 'pause', by: IC }, 31 * SEC);
    expect(paused.effects.map((e) => e.type)).toEqual(['minute', 'card']);
  });
});
