/** Fault injection `SIGNAL@STAGE`: from that stage on, the canary's signal goes bad. */
import { defaultConfig, type Signal, type Stage } from '../config/schema.ts';

export interface Fault {
  /** a signal id of the config (aliases are resolved by `parseFault`/`resolveSignal`) */
  signal: string;
  /** 1-based stage from which the canary track degrades */
  fromStage: number;
}

/** Short names for the default ritual's golden signals. */
export const SIGNAL_ALIASES: Readonly<Record<string, string>> = {
  p95: 'api_p95',
  '5xx': 'error_rate_5xx',
  ws: 'ws_staleness_p95',
  risk: 'risk_block_rate',
  idemp: 'idempotency_conflicts',
  csp: 'csp_violations',
  eventloop: 'event_loop_lag_p95',
  gc: 'gc_pause_avg',
};

type Result<T> = { ok: true; value: T } | { ok: false; error: string };

/** A signal id or alias → the config's signal id, or an error naming what would have worked. */
export function resolveSignal(name: string, signals: readonly Pick<Signal, 'id'>[]): Result<string> {
  const ids = signals.map((s) => s.id);
  const id = ids.includes(name) ? name : SIGNAL_ALIASES[name];
  if (id !== undefined && ids.includes(id)) return { ok: true, value: id };
  const aliases = Object.entries(SIGNAL_ALIASES)
    .filter(([, to]) => ids.includes(to))
    .map(([alias]) => alias);
  const hint = aliases.length ? ` (or an alias: ${aliases.join(', ')})` : '';
  return { ok: false, error: `unknown signal "${name}": use one of ${ids.join(', ')}${hint}` };
}

/** Parses `p95@3`; the signal and the stage must exist in `config` (the built-in ritual when not given). */
export function parseFault(
  text: string,
  config: { signals: readonly Pick<Signal, 'id'>[]; stages: readonly Stage[] } = defaultConfig(),
): { ok: true; fault: Fault } | { ok: false; error: string } {
  const m = /^\s*([^@\s]+)@([^@\s]*)\s*$/.exec(text);
  if (!m) return { ok: false, error: `expected SIGNAL@STAGE like p95@3, got "${text}"` };
  const signal = resolveSignal(m[1] ?? '', config.signals);
  if (!signal.ok) return signal;
  const n = config.stages.length;
  const stageText = m[2] ?? '';
  const stage = /^\d+$/.test(stageText) ? Number(stageText) : NaN;
  if (!(stage >= 1 && stage <= n)) {
    return { ok: false, error: `stage must be a whole number from 1 to ${n}, got "${stageText}" in "${text}"` };
  }
  return { ok: true, fault: { signal: signal.value, fromStage: stage } };
}

/** The stage a canary weight stands at: the count of stages whose weight it has reached (0 before stage 1). */
export function stageAt(weightPercent: number, stages: readonly Stage[]): number {
  return stages.filter((s) => weightPercent >= s.weight).length;
}
