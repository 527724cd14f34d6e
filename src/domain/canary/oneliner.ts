/**
 * The release one-liner (RITUAL §5), from the canary's measured values. Turkish by default, English by config:
 *
 *   tr: `v1.4.0 canary: 1%→100% tüm aşamalar 6/6 metrik geçer; rollback=0; p95=~140ms, 5xx=0.3%, ws_stale_p95=11s, risk_block=0.1/min, idemp_conflict=0.2%, csp_viol=baseline+4%; event-loop p95=12ms, GC avg=8ms.`
 *   en: `v1.4.0 canary: 1%→100% all stages 6/6 metrics pass; rollback=0; p95=~140ms, …; event-loop p95=12ms, GC avg=8ms.`
 *
 * How the values are derived:
 * - Each signal's value is its median over the canary. Every stage keeps the median of its own samples (the
 *   values it was judged on); the canary's value is the sample-weighted median of those stage medians: each
 *   stage counts as many times as it had samples, so the 30-minute last stage weighs twice a 15-minute one.
 *   This is a bounded stand-in for the median of every sample (equal to it when each stage is steady, as in
 *   the tests): the state never keeps more than one stage's samples. A canary that has not finished also
 *   counts its current stage's samples so far.
 * - `N/M`: M is the service signals (every signal but the runtime ones, event-loop lag and GC pause, which
 *   come after the second `;`); N those of them that passed every stage. A released canary passed them all.
 * - A baseline-relative signal (CSP violations) is written against the preflight baseline, in whole percent.
 * - `rollback=` counts this canary's rollback and the version's earlier ones (`rollbacksBefore`).
 * - Rounding: see format.ts (`140ms`, `0.3%`, `11s`); the p95 is marked `~`, an estimate read off a histogram.
 *
 * A canary that did not release writes where it stopped instead of the pass count:
 *   tr `v1.4.0 canary: 1%→25%, 3. aşamada geri alındı (api_p95_high); rollback=1; …`
 *   en `v1.4.0 canary: 1%→25%, rolled back at stage 3 (api_p95_high); rollback=1; …`
 * and one still running `…, 3. aşama sürüyor; …` / `…, stage 3 in progress; …`.
 */
import type { Locale, Unit } from '../../config/schema.ts';
import { formatValue, formatVsBaseline, isApprox, isRuntimeSignal, labelOf } from './format.ts';
import { median, weightedMedian } from './sample.ts';
import { isBaselineRelative } from './signals.ts';
import type { CanaryState } from './state.ts';

export interface OneLinerSignal {
  id: string;
  unit: Unit;
  /** the measured value over the canary; null when nothing was measured */
  value: number | null;
  /** for a baseline-relative signal: the preflight baseline it is written against */
  baseline?: number;
  /** passed in every stage the canary finished (and it finished at least one) */
  passedEveryStage: boolean;
}

export type OneLinerEnd =
  | { kind: 'released' }
  | { kind: 'rolled-back'; stage: number; cause: string }
  | { kind: 'in-progress'; stage: number };

export interface OneLinerFacts {
  version: string;
  /** the first stage's weight and the highest weight the canary reached */
  fromWeight: number;
  toWeight: number;
  end: OneLinerEnd;
  rollbacks: number;
  signals: OneLinerSignal[];
}

/** The facts of the one-liner from a canary's state (see the module comment for how each is derived). */
export function oneLinerFacts(s: CanaryState): OneLinerFacts {
  const firstWeight = s.rules.stages[0]?.weight ?? 0;
  const reached = Math.max(firstWeight, s.current?.weight ?? 0, ...s.completed.map((c) => c.weight));
  const signals = s.rules.signals.map((sig): OneLinerSignal => {
    const perStage = s.completed.map((c) => {
      const x = c.signals.find((y) => y.id === sig.id);
      return { value: x?.median ?? NaN, weight: x?.median === null || x === undefined ? 0 : x.n };
    });
    const unfinished = s.phase !== 'released' && s.phase !== 'ready' && s.current && !s.completed.some((c) => c.stage === s.current?.stage);
    if (unfinished) {
      const values = (s.signals[sig.id]?.samples ?? []).map(([, v]) => v);
      const m = median(values);
      if (m !== undefined) perStage.push({ value: m, weight: values.length });
    }
    const value = weightedMedian(perStage) ?? null;
    const base = s.baseline[sig.id];
    const passedEveryStage = s.completed.length > 0 && s.completed.every((c) => c.signals.find((y) => y.id === sig.id)?.verdict === 'pass');
    return { id: sig.id, unit: sig.unit, value, passedEveryStage, ...(isBaselineRelative(sig) && base !== undefined ? { baseline: base } : {}) };
  });
  const rb = s.rollback;
  const end: OneLinerEnd =
    s.phase === 'released'
      ? { kind: 'released' }
      : rb
        ? { kind: 'rolled-back', stage: rb.stage, cause: causeLabel(rb.cause) }
        : { kind: 'in-progress', stage: s.current?.stage ?? 1 };
  return { version: s.version, fromWeight: firstWeight, toWeight: reached, end, rollbacks: s.rollbacksBefore + (rb ? 1 : 0), signals };
}

function causeLabel(cause: NonNullable<CanaryState['rollback']>['cause']): string {
  switch (cause.kind) {
    case 'trigger':
      return cause.trigger.id;
    case 'no-data':
      return `no-data:${cause.signals.map((x) => x.id).join(',')}`;
    case 'stage-failed':
      return `stage-failed:${cause.failures.map((x) => x.id).join(',')}`;
    case 'manual':
      return 'manual';
  }
}

const WORDS = {
  tr: {
    released: (passed: number, total: number) => `tüm aşamalar ${passed}/${total} metrik geçer`,
    rolledBack: (stage: number, cause: string) => `${stage}. aşamada geri alındı (${cause === 'manual' ? 'manuel' : cause})`,
    inProgress: (stage: number) => `${stage}. aşama sürüyor`,
    none: 'yok',
  },
  en: {
    released: (passed: number, total: number) => `all stages ${passed}/${total} metrics pass`,
    rolledBack: (stage: number, cause: string) => `rolled back at stage ${stage} (${cause})`,
    inProgress: (stage: number) => `stage ${stage} in progress`,
    none: 'n/a',
  },
} as const;

function valueText(x: OneLinerSignal, none: string): string {
  const label = labelOf(x.id);
  if (x.value === null) return `${label}=${none}`;
  if (x.baseline !== undefined) {
    const rel = formatVsBaseline(x.value, x.baseline);
    if (rel !== undefined) return `${label}=${rel}`;
  }
  return `${label}=${isApprox(x.id) ? '~' : ''}${formatValue(x.value, x.unit)}`;
}

/** The one-liner from its facts, in `locale`. */
export function formatOneLiner(f: OneLinerFacts, locale: Locale): string {
  const w = WORDS[locale];
  const service = f.signals.filter((x) => !isRuntimeSignal(x.id));
  const runtime = f.signals.filter((x) => isRuntimeSignal(x.id));
  const head =
    f.end.kind === 'released'
      ? `${f.fromWeight}%→${f.toWeight}% ${w.released(service.filter((x) => x.passedEveryStage).length, service.length)}`
      : `${f.fromWeight}%→${f.toWeight}%, ${f.end.kind === 'rolled-back' ? w.rolledBack(f.end.stage, f.end.cause) : w.inProgress(f.end.stage)}`;
  const groups = [service, runtime].filter((g) => g.length > 0).map((g) => g.map((x) => valueText(x, w.none)).join(', '));
  return `${f.version} canary: ${[head, `rollback=${f.rollbacks}`, ...groups].join('; ')}.`;
}

/** The one-liner of a canary, in its configured locale unless another is asked for. */
export const oneLiner = (s: CanaryState, locale: Locale = s.rules.locale): string => formatOneLiner(oneLinerFacts(s), locale);
