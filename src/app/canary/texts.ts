/**
 * What the canary writes in its card's thread and in its evidence files: the war-room minutes, one result per
 * stage with the golden signals, and the rollback procedure's steps.
 */
import type { Signal } from '../../config/schema.ts';
import { formatValue, SIGN } from '../../domain/canary/format.ts';
import type { NameOf } from '../../domain/canary/machine.ts';
import { limitOf, type SignalStatus } from '../../domain/canary/signals.ts';
import type { CanaryState, Minute, StageRecord } from '../../domain/canary/state.ts';

const MARK = { pass: '✅', fail: '❌', 'no-data': '❔' } as const;

const time = (iso: string) => `${iso.slice(11, 19)} UTC`;
const cell = (text: string) => text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');

/** One war-room minute: `Time | Stage | Metrics | Decision`. */
export function minuteText(m: Minute): string {
  return `\`${time(m.at)}\` | Stage ${m.stage} · ${m.weight} % | ${m.metrics || '—'} | ${m.decision}`;
}

/** How a stage ended and what its golden signals measured (the stage median each signal was judged on). */
export interface StageResult {
  stage: number;
  weight: number;
  startedAt: number;
  endedAt: number;
  requests: number;
  ended: string;
  signals: { id: string; value: number | null; verdict: keyof typeof MARK }[];
}

export function passedStage(rec: StageRecord, nameOf: NameOf): StageResult {
  const ended = rec.promotedBy === 'hold' ? 'passed' : `promoted early by ${nameOf(rec.promotedBy.user)}`;
  return { ...rec, ended, signals: rec.signals.map((x) => ({ id: x.id, value: x.median, verdict: x.verdict })) };
}

export function rolledBackStage(s: CanaryState, statuses: SignalStatus[], at: number): StageResult | undefined {
  const cur = s.current;
  if (!cur) return undefined;
  return {
    stage: cur.stage,
    weight: cur.weight,
    startedAt: cur.startedAt,
    endedAt: at,
    requests: cur.requests,
    ended: 'rolled back',
    signals: statuses.map((st) => ({ id: st.id, value: st.median ?? null, verdict: st.verdict })),
  };
}

function thresholdText(sig: Signal, baseline: Record<string, number>): string {
  const limit = limitOf(sig, baseline);
  const base = baseline[sig.id];
  const of = typeof sig.threshold === 'number' ? '' : ` (baseline ${base === undefined ? '?' : formatValue(base, sig.unit)} + ${sig.threshold.baselinePlusPercent} %)`;
  return `${SIGN[sig.comparison]} ${limit === undefined ? 'no baseline' : formatValue(limit, sig.unit)}${of}`;
}

function rows(s: CanaryState, r: StageResult) {
  return s.rules.signals.map((sig) => {
    const x = r.signals.find((y) => y.id === sig.id);
    const verdict = x?.verdict ?? 'no-data';
    const value = x?.value === null || x?.value === undefined ? 'no data' : formatValue(x.value, sig.unit);
    return { name: sig.name, value, threshold: thresholdText(sig, s.baseline), verdict };
  });
}

const heading = (s: CanaryState, r: StageResult) => `Stage ${r.stage} of ${s.rules.stages.length} (${r.weight} %) ${r.ended}`;
const span = (r: StageResult) => `${time(new Date(r.startedAt).toISOString())} → ${time(new Date(r.endedAt).toISOString())}, ${r.requests} requests`;

/** The thread post of a stage's result: each golden signal's value against its threshold. */
export function stageText(s: CanaryState, r: StageResult): string {
  const lines = rows(s, r).map((x) => `${MARK[x.verdict]} ${x.name}: ${x.value} (${x.threshold})`);
  return [`*${heading(s, r)}* — ${span(r)}`, ...lines].join('\n');
}

/** The evidence file of a stage's result. */
export function stageEvidence(runId: number, s: CanaryState, r: StageResult): string {
  return [
    `Canary run ${runId} · ${heading(s, r)} · ${span(r)}`,
    '',
    '| signal | stage value | threshold | result |',
    '| --- | --- | --- | --- |',
    ...rows(s, r).map((x) => `| ${cell(x.name)} | ${x.value} | ${cell(x.threshold)} | ${x.verdict.toUpperCase()} |`),
    '',
  ].join('\n');
}

/** One step of the rollback procedure as it finished. */
export function stepText(n: number, of: number, name: string, ok: boolean, detail: string): string {
  return `${ok ? '✅' : '❌'} Rollback step ${n}/${of} *${name}*: ${detail}${ok ? '' : ' — the procedure stops here.'}`;
}

export function healthText(healthy: boolean, detail: string): string {
  return `${healthy ? '✅' : '❌'} Health after the rollback: ${detail}`;
}
