/**
 * The alerts (ops/prometheus/alerts.yml) and the dashboard (ops/grafana/spark-ritual.json) read only metrics
 * the bot exposes, and the gauges they read report what the database holds.
 */
import { readFileSync } from 'node:fs';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { defaultConfig } from '../src/config/schema.ts';
import { apply } from '../src/domain/canary/machine.ts';
import { newCanary, rulesFrom, type CanaryState } from '../src/domain/canary/state.ts';
import { createMetrics, type BotMetrics } from '../src/server/metrics.ts';
import type { Db } from '../src/store/db.ts';
import { openTestDb } from './support/db.ts';

const ALERTS = 'ops/prometheus/alerts.yml';
const DASHBOARD = 'ops/grafana/spark-ritual.json';

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface Panel {
  title: string;
  targets?: { expr: string }[];
}

const rules = (): Rule[] => (parse(readFileSync(ALERTS, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
const panels = (): Panel[] => (JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] }).panels;

const NOT_METRICS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan']);

/** The metric names a PromQL expression reads: not its functions, keywords, label names or values, nor its windows. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  // not after a digit: the unit of a duration (`offset 5m`) or an exponent is no name
  return [...bare.matchAll(/(?<![\w.])[a-zA-Z_:][\w:]*/g)]
    .filter((m) => !/^\s*\(/.test(bare.slice((m.index ?? 0) + m[0].length)))
    .map((m) => m[0])
    .filter((name) => !NOT_METRICS.has(name.toLowerCase()));
}

/** Every series name the registry serves; `up` is the one Prometheus adds to every scraped target. */
async function exposedNames(metrics: BotMetrics): Promise<Set<string>> {
  const names = new Set(['up']);
  for (const m of await metrics.registry.getMetricsAsJSON()) {
    names.add(m.name);
    if (String(m.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${m.name}${suffix}`);
    if (String(m.type) === 'summary') for (const suffix of ['_sum', '_count']) names.add(`${m.name}${suffix}`);
  }
  return names;
}

type Values = MetricValue<string>[];
async function scrape(metrics: BotMetrics): Promise<Map<string, Values>> {
  const all = (await metrics.registry.getMetricsAsJSON()) as MetricObjectWithValues<MetricValue<string>>[];
  return new Map(all.map((m) => [m.name, m.values]));
}
const valueOf = (values: Values | undefined, labels: Record<string, string> = {}): number | undefined =>
  values?.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value;

const SEC = 1000;
const T0 = Date.parse('2026-11-24T10:00:00Z');
const HEALTHY: Record<string, number> = {
  api_p95: 140, error_rate_5xx: 0.3, ws_staleness_p95: 11, risk_block_rate: 0.1, idempotency_conflicts: 0.2,
  csp_violations: 1.25, event_loop_lag_p95: 12, gc_pause_avg: 8,
};
const BASELINE = { ...HEALTHY, csp_violations: 1.2 };

/**
 * A canary of v1.4.0 whose stage 1 hold (15 min) ended with API p95 without data since T0 + 14:40: held as
 * inconclusive from T0 + 15:00, ticked until T0 + 15:20.
 */
function inconclusiveCanary(): CanaryState {
  const config = defaultConfig();
  let s = newCanary(rulesFrom(config), 'v1.4.0', BASELINE);
  const step = (e: Parameters<typeof apply>[1], ms: number) => (s = apply(s, e, new Date(T0 + ms)).state);
  step({ type: 'start', by: 'U0SPARKIC' }, 0);
  for (let ms = 10 * SEC; ms <= 15 * 60 * SEC + 20 * SEC; ms += 10 * SEC) {
    const signals = Object.fromEntries(Object.entries(HEALTHY).map(([id, v]) => [id, id === 'api_p95' && ms > 14.5 * 60 * SEC ? ('no-data' as const) : v]));
    step({ type: 'tick', signals, triggers: {}, requests: 1000 }, ms);
  }
  return s;
}

/** A finished canary that rolled back for `cause`. */
function rolledBack(cause: 'trigger' | 'manual'): CanaryState {
  const s = newCanary(rulesFrom(defaultConfig()), 'v1.3.9', BASELINE);
  const trigger = { id: 'api_p95_high', group: 'standard' as const, description: 'API p95 above 400 ms for 5 min', forMs: 300_000, since: T0, heldMs: 300_000, values: [] };
  return {
    ...s,
    phase: 'rolled-back',
    status: 'rolled-back',
    rollback: {
      at: T0, stage: 2, weight: 5, attempts: 1, reason: 'test', ok: true, finishedAt: T0,
      cause: cause === 'trigger' ? { kind: 'trigger', trigger, alsoFired: [] } : { kind: 'manual', by: 'U0SPARKIC', reason: 'test' },
    },
  };
}

describe('the ops files', () => {
  it('has 5 critical and 5 warning alerts, each with a for, a service label and what to do', () => {
    const all = rules();
    expect(all.filter((r) => r.labels?.severity === 'critical')).toHaveLength(5);
    expect(all.filter((r) => r.labels?.severity === 'warning')).toHaveLength(5);
    expect(all).toHaveLength(10);
    for (const r of all) {
      expect(r.for, r.alert).toMatch(/^\d+[smh]$/);
      expect(r.labels?.service, r.alert).toBe('spark-ritual');
      expect(r.annotations?.summary, r.alert).toMatch(/\S/);
      expect((r.annotations?.description ?? '').length, r.alert).toBeGreaterThan(80);
    }
  });

  it('has a dashboard of 10 panels on the DS_PROMETHEUS input', () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { __inputs: { name: string }[]; panels: (Panel & { datasource: { uid: string } })[] };
    expect(dashboard.__inputs.map((i) => i.name)).toEqual(['DS_PROMETHEUS']);
    expect(dashboard.panels).toHaveLength(10);
    for (const p of dashboard.panels) {
      expect(p.datasource.uid, p.title).toBe('${DS_PROMETHEUS}');
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
    }
  });

  it('reads metric names out of PromQL', () => {
    expect(metricNames('histogram_quantile(0.99, sum by (le) (rate(spark_ack_duration_seconds_bucket{kind="command"}[5m]))) > 1')).toEqual([
      'spark_ack_duration_seconds_bucket',
    ]);
    expect(metricNames('max without (instance) (a_b{x=~"y|z"}) / on(job) group_left(signal) c offset 5m and bool d')).toEqual(['a_b', 'c', 'd']);
    expect(metricNames('sum(up{job="spark-ritual"}) or vector(0)')).toEqual(['up']);
  });
});

describe('the metrics the ops files read', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(() => db.close());

  it('are all served by the bot, and every spark_ metric is on the dashboard or in an alert', async () => {
    const exposed = await exposedNames(createMetrics(db, { now: () => new Date(T0) }));
    const used = new Map<string, string>();
    for (const r of rules()) for (const n of metricNames(r.expr)) used.set(n, `alert ${r.alert}`);
    for (const p of panels()) for (const t of p.targets ?? []) for (const n of metricNames(t.expr)) used.set(n, `panel ${p.title}`);
    expect(used.size).toBeGreaterThan(15);
    const missing = [...used].filter(([n]) => !exposed.has(n)).map(([n, where]) => `${n} (${where})`);
    expect(missing).toEqual([]);
    const usedBase = new Set([...used.keys()].map((n) => n.replace(/_(bucket|sum|count)$/, '')));
    const unused = [...exposed].filter((n) => n.startsWith('spark_') && !used.has(n) && !usedBase.has(n));
    expect(unused.filter((n) => !/_(bucket|sum|count)$/.test(n))).toEqual([]);
  });

  it('scrape an empty database: zeros where a count is known, no canary or incident series', async () => {
    const m = await scrape(createMetrics(db, { now: () => new Date(T0) }));
    expect(valueOf(m.get('spark_outbox_failing'), { target: 'slack' })).toBe(0);
    expect(valueOf(m.get('spark_outbox_failing'), { target: 'pagerduty' })).toBe(0);
    expect(m.get('spark_canary_rollbacks')?.map((v) => [v.labels.cause, v.value])).toEqual([['trigger', 0], ['no-data', 0], ['stage-failed', 0], ['manual', 0]]);
    for (const name of ['spark_canary_stage', 'spark_canary_weight_percent', 'spark_canary_status', 'spark_canary_signal_value', 'spark_canary_trigger_rollbacks', 'spark_incidents_open']) {
      expect(m.get(name), name).toEqual([]);
    }
  });

  it('report a running canary, its signals, past rollbacks, open incidents and failing deliveries', async () => {
    const canary = inconclusiveCanary();
    expect(canary.phase).toBe('holding-no-data');
    const insertCanary = (s: CanaryState, finished: boolean) =>
      db.query(
        `INSERT INTO canary_run (version, channel, state, status, rollback_to, started_at, started_by, finished_at) VALUES ($1, 'C0DEPLOYS', $2, $3, 'v1.3.8', $4, 'U0SPARKIC', $5)`,
        [s.version, JSON.stringify(s), s.status, new Date(T0), finished ? new Date(T0) : null],
      );
    await insertCanary(rolledBack('trigger'), true);
    await insertCanary(rolledBack('manual'), true);
    await insertCanary(canary, false);

    const incident = (id: string, severity: string, status: string, level: string) =>
      db.query(
        `INSERT INTO incident (id, severity, status, level, channel, origin, state, opened_at, updated_at) VALUES ($1, $2, $3, $4, 'C0INC', 'person', '{}', $5, $5)`,
        [id, severity, status, level, new Date(T0)],
      );
    await incident('INC-1', 'SEV1', 'open', 'L2');
    await incident('INC-2', 'SEV2', 'acknowledged', 'L1');
    await incident('INC-3', 'SEV1', 'resolved', 'L3');

    const outbox = (kind: string, attempts: number, lastError: string | null) =>
      db.query(
        `INSERT INTO outbox (stream, kind, payload, attempts, last_error, next_attempt_at, created_at) VALUES ($1, $2, '{}', $3, $4, $5, $5)`,
        [`${kind.split('.')[0]}:x`, kind, attempts, lastError, new Date(T0)],
      );
    await outbox('pagerduty.event', 3, 'Events API answered 500');
    await outbox('slack.post', 0, null);

    const m = await scrape(createMetrics(db, { now: () => new Date(T0 + 15 * 60 * SEC + 25 * SEC) }));
    const v1 = { version: 'v1.4.0' };
    expect(valueOf(m.get('spark_canary_stage'), v1)).toBe(1);
    expect(valueOf(m.get('spark_canary_weight_percent'), v1)).toBe(1);
    expect(m.get('spark_canary_status')?.map((v) => v.labels)).toEqual([{ version: 'v1.4.0', status: 'holding-no-data' }]);
    expect(valueOf(m.get('spark_canary_inconclusive_seconds'), v1)).toBe(25);
    expect(valueOf(m.get('spark_canary_signal_value'), { ...v1, signal: 'api_p95' })).toBe(140);
    expect(valueOf(m.get('spark_canary_signal_threshold'), { ...v1, signal: 'api_p95' })).toBe(200);
    expect(valueOf(m.get('spark_canary_signal_threshold'), { ...v1, signal: 'csp_violations' })).toBeCloseTo(1.32);
    expect(valueOf(m.get('spark_canary_signal_missing_seconds'), { ...v1, signal: 'api_p95' })).toBe(45);
    expect(valueOf(m.get('spark_canary_signal_missing_seconds'), { ...v1, signal: 'gc_pause_avg' })).toBe(0);
    expect(m.get('spark_canary_signal_value')).toHaveLength(8);

    expect(valueOf(m.get('spark_canary_rollbacks'), { cause: 'trigger' })).toBe(1);
    expect(valueOf(m.get('spark_canary_rollbacks'), { cause: 'manual' })).toBe(1);
    expect(m.get('spark_canary_trigger_rollbacks')?.map((v) => [v.labels, v.value])).toEqual([[{ trigger: 'api_p95_high' }, 1]]);

    expect(m.get('spark_incidents_open')?.map((v) => `${v.labels.level} ${v.labels.severity}: ${v.value}`).sort()).toEqual(['L1 SEV2: 1', 'L2 SEV1: 1']);
    expect(valueOf(m.get('spark_outbox_failing'), { target: 'pagerduty' })).toBe(1);
    expect(valueOf(m.get('spark_outbox_failing'), { target: 'slack' })).toBe(0);
    expect(valueOf(m.get('spark_outbox_pending'))).toBe(2);
  });

  it('count slash commands by subcommand', async () => {
    const metrics = createMetrics(db, { now: () => new Date(T0) });
    metrics.commands.inc({ command: 'canary' });
    metrics.commands.inc({ command: 'canary' });
    metrics.commands.inc({ command: 'invalid' });
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^spark_commands_total\{command="canary"\} 2$/m);
    expect(text).toMatch(/^spark_commands_total\{command="invalid"\} 1$/m);
  });
});
