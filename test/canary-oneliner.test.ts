import { describe, expect, it } from 'vitest';
import { configSchema, defaultConfig, type SparkConfig } from '../src/config/schema.ts';
import { apply } from '../src/domain/canary/machine.ts';
import { formatOneLiner, oneLiner, oneLinerFacts } from '../src/domain/canary/oneliner.ts';
import type { Sample } from '../src/domain/canary/sample.ts';
import { newCanary, rulesFrom, type CanaryEffect, type CanaryState } from '../src/domain/canary/state.ts';
import { conditionsOf } from '../src/domain/canary/triggers.ts';

const SEC = 1000;
const MIN = 60 * SEC;
const T0 = Date.parse('2026-11-24T10:00:00Z');

const BASELINE: Record<string, number> = {
  api_p95: 140, error_rate_5xx: 0.3, ws_staleness_p95: 11, risk_block_rate: 0.1, idempotency_conflicts: 0.2,
  csp_violations: 1.2, event_loop_lag_p95: 12, gc_pause_avg: 8,
};
/** What the canary measures when healthy: the stable values, CSP 4 % above its baseline. */
const MEASURED: Record<string, number> = { ...BASELINE, csp_violations: 1.248 };

const EXAMPLE_TR =
  'v1.4.0 canary: 1%→100% tüm aşamalar 6/6 metrik geçer; rollback=0; p95=~140ms, 5xx=0.3%, ws_stale_p95=11s, risk_block=0.1/min, idemp_conflict=0.2%, csp_viol=baseline+4%; event-loop p95=12ms, GC avg=8ms.';
const EXAMPLE_EN =
  'v1.4.0 canary: 1%→100% all stages 6/6 metrics pass; rollback=0; p95=~140ms, 5xx=0.3%, ws_stale_p95=11s, risk_block=0.1/min, idemp_conflict=0.2%, csp_viol=baseline+4%; event-loop p95=12ms, GC avg=8ms.';

/**
 * A canary ticked every analysis interval until `untilMs`: the signals read `values(stage, tick)` over
 * MEASURED; the triggers read `trigger(id)` (0 by default: nothing breaches).
 */
function drive(
  config: SparkConfig,
  untilMs: number,
  values: (stage: number, tick: number) => Partial<Record<string, Sample>> = () => ({}),
  opts: { baseline?: Record<string, number>; trigger?: (id: string, stage: number) => number; rollbacksBefore?: number } = {},
) {
  let s: CanaryState = newCanary(rulesFrom(config), 'v1.4.0', opts.baseline ?? BASELINE, { rollbacksBefore: opts.rollbacksBefore ?? 0 });
  const effects: CanaryEffect[] = [];
  const step = (e: Parameters<typeof apply>[1], ms: number) => {
    const r = apply(s, e, new Date(T0 + ms));
    s = r.state;
    effects.push(...r.effects);
  };
  step({ type: 'start', by: 'U0SPARKIC' }, 0);
  let n = 0;
  for (let ms = config.canary.analysisInterval; ms <= untilMs; ms += config.canary.analysisInterval) {
    n++;
    const stage = s.current?.stage ?? 0;
    const v = values(stage, n);
    step(
      {
        type: 'tick',
        signals: Object.fromEntries(config.signals.map((sig) => [sig.id, v[sig.id] ?? MEASURED[sig.id] ?? 0])),
        triggers: Object.fromEntries(config.triggers.map((t) => [t.id, conditionsOf(t).map(() => opts.trigger?.(t.id, stage) ?? 0)])),
        requests: 50,
      },
      ms,
    );
  }
  return { state: s, effects };
}

const released = (effects: CanaryEffect[]) => effects.filter((e): e is Extract<CanaryEffect, { type: 'released' }> => e.type === 'released');

describe('the release one-liner', () => {
  it('is written in Turkish at release, exactly in the ritual format, from the measured values', () => {
    // a little noise around each value: every stage's median is the value itself
    const wobble = [-0.02, -0.01, 0, 0.01, 0.02];
    const { state, effects } = drive(defaultConfig(), 95 * MIN, (_stage, n) =>
      Object.fromEntries(Object.entries(MEASURED).map(([id, v]) => [id, v * (1 + (wobble[n % 5] ?? 0))])),
    );
    expect(state.status).toBe('released');
    const r = released(effects);
    expect(r).toHaveLength(1);
    expect(r[0]?.oneliner).toBe(EXAMPLE_TR);
    expect(oneLiner(state)).toBe(EXAMPLE_TR);
  });

  it('is written in English when asked, or when the config says so', () => {
    const { state } = drive(defaultConfig(), 90 * MIN);
    expect(oneLiner(state, 'en')).toBe(EXAMPLE_EN);
    const en = drive(configSchema.parse({ locale: 'en' }), 90 * MIN);
    expect(released(en.effects)[0]?.oneliner).toBe(EXAMPLE_EN);
  });

  it("takes each signal's median over the whole canary, the 30-minute last stage counting for twice a 15-minute one", () => {
    const p95 = [150, 150, 150, 110, 105]; // per stage
    const e5xx = [0.2, 0.2, 0.4, 0.4, 0.5];
    const { state } = drive(defaultConfig(), 90 * MIN, (stage, n) => ({
      api_p95: (p95[stage - 1] ?? 0) + (n % 10 === 0 ? 60 : 0), // one sample in ten is a spike
      error_rate_5xx: e5xx[stage - 1] ?? 0,
      csp_violations: 1.164,
    }));
    expect(state.status).toBe('released');
    const facts = oneLinerFacts(state);
    // every sample: 270 at 150, 90 at 110, 180 at 105 → median 130; 5xx: 180 at 0.2, 180 at 0.4, 180 at 0.5 → 0.4
    expect(facts.signals.find((x) => x.id === 'api_p95')?.value).toBe(130);
    expect(facts.signals.find((x) => x.id === 'error_rate_5xx')?.value).toBe(0.4);
    expect(oneLiner(state)).toBe(
      'v1.4.0 canary: 1%→100% tüm aşamalar 6/6 metrik geçer; rollback=0; p95=~130ms, 5xx=0.4%, ws_stale_p95=11s, risk_block=0.1/min, idemp_conflict=0.2%, csp_viol=baseline-3%; event-loop p95=12ms, GC avg=8ms.',
    );
  });

  it('counts earlier rollbacks of the version', () => {
    const { state } = drive(defaultConfig(), 90 * MIN, undefined, { rollbacksBefore: 1 });
    expect(oneLiner(state)).toContain('6/6 metrik geçer; rollback=1;');
  });

  it('says where a canary that rolled back stopped, and why', () => {
    const { state } = drive(defaultConfig(), 40 * MIN, (stage) => (stage >= 3 ? { api_p95: 450 } : {}), {
      trigger: (id, stage) => (id === 'api_p95_high' && stage >= 3 ? 450 : 0),
    });
    expect(state.status).toBe('rolling-back');
    expect(oneLiner(state)).toBe(
      'v1.4.0 canary: 1%→25%, 3. aşamada geri alındı (api_p95_high); rollback=1; p95=~140ms, 5xx=0.3%, ws_stale_p95=11s, risk_block=0.1/min, idemp_conflict=0.2%, csp_viol=baseline+4%; event-loop p95=12ms, GC avg=8ms.',
    );
    expect(oneLiner(state, 'en')).toMatch(/^v1\.4\.0 canary: 1%→25%, rolled back at stage 3 \(api_p95_high\); rollback=1; /);
  });

  it('says a canary is still running', () => {
    const { state } = drive(defaultConfig(), 20 * MIN);
    expect(oneLiner(state, 'en')).toMatch(/^v1\.4\.0 canary: 1%→5%, stage 2 in progress; rollback=0; p95=~140ms, /);
  });

  it('writes a signal it does not know by its id, and one never measured as missing', () => {
    const line = formatOneLiner(
      {
        version: 'v2.0.0',
        fromWeight: 10,
        toWeight: 100,
        end: { kind: 'released' },
        rollbacks: 0,
        signals: [
          { id: 'api_p95', unit: 'ms', value: 181.6, passedEveryStage: true },
          { id: 'order_fill_p99', unit: 's', value: 2.25, passedEveryStage: true },
          { id: 'csp_violations', unit: '/min', value: 3, baseline: 0, passedEveryStage: false },
          { id: 'gc_pause_avg', unit: 'ms', value: null, passedEveryStage: false },
        ],
      },
      'tr',
    );
    expect(line).toBe('v2.0.0 canary: 10%→100% tüm aşamalar 2/3 metrik geçer; rollback=0; p95=~182ms, order_fill_p99=2.3s, csp_viol=3/min; GC avg=yok.');
  });
});
