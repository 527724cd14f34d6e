/**
 * What the canary card shows, as plain data: the renderers in `chat/` turn it into Block Kit or terminal
 * text. Derived from the state at a moment; nothing here is stored.
 */
import { formatDurationShort } from './format.ts';
import { signalStatuses, triggerWindows } from './machine.ts';
import type { SignalStatus } from './signals.ts';
import { isActive, type CanaryState, type CanaryStatus, type Override, type RollbackRecord } from './state.ts';
import type { TriggerWindow } from './triggers.ts';

export interface CanaryView {
  version: string;
  status: CanaryStatus;
  stages: { stage: number; weight: number; holdMs: number; state: 'passed' | 'current' | 'pending' }[];
  /** the current stage, while the canary is walking */
  stage?: number;
  weight?: number;
  holdEndsAt?: number;
  /** until the hold ends; 0 once it has ended */
  holdRemainingMs?: number;
  paused?: { by: string; at: number; reason?: string };
  requests?: { seen: number; min: number };
  signals: SignalStatus[];
  /** triggers whose condition is holding (a breach building), most advanced first */
  building: TriggerWindow[];
  /** triggers that cannot see right now (no data or failing queries) */
  blind: string[];
  /** one sentence saying where the canary stands; for holding-no-data it names the signals without data */
  headline: string;
  rollback?: RollbackRecord;
  releasedAt?: number;
  override?: Override;
  startedBy?: string;
}

export function canaryView(s: CanaryState, now: Date): CanaryView {
  const t = now.getTime();
  const cur = s.current;
  const walking = isActive(s.phase) && cur !== undefined;
  const passed = new Set(s.completed.map((c) => c.stage));
  const stages = s.rules.stages.map((st, i) => {
    const n = i + 1;
    const state = passed.has(n) ? ('passed' as const) : walking && cur.stage === n ? ('current' as const) : ('pending' as const);
    return { stage: n, weight: st.weight, holdMs: st.hold, state };
  });
  const signals = s.phase === 'ready' ? [] : signalStatuses(s, walking ? t : (s.lastTickAt ?? t));
  const windows = walking ? triggerWindows(s, t) : [];
  const building = windows.filter((w) => w.holding).sort((a, b) => b.heldMs / b.forMs - a.heldMs / a.forMs);
  const blind = windows.filter((w) => w.blind).map((w) => w.id);
  return {
    version: s.version,
    status: s.status,
    stages,
    ...(walking
      ? {
          stage: cur.stage,
          weight: cur.weight,
          holdEndsAt: cur.holdEndsAt,
          holdRemainingMs: Math.max(0, cur.holdEndsAt - t),
          requests: { seen: cur.requests, min: s.rules.minRequestsPerStage },
        }
      : {}),
    ...(s.paused && walking ? { paused: s.paused } : {}),
    signals,
    building,
    blind,
    headline: headline(s, t, signals),
    ...(s.rollback ? { rollback: s.rollback } : {}),
    ...(s.releasedAt !== undefined ? { releasedAt: s.releasedAt } : {}),
    ...(s.override ? { override: s.override } : {}),
    ...(s.startedBy !== undefined ? { startedBy: s.startedBy } : {}),
  };
}

function headline(s: CanaryState, t: number, signals: SignalStatus[]): string {
  const cur = s.current;
  const of = `of ${s.rules.stages.length}`;
  switch (s.status) {
    case 'ready':
      return `Canary of ${s.version} is ready to start.`;
    case 'running':
      return cur ? `Stage ${cur.stage} ${of} at ${cur.weight} %: ${formatDurationShort(Math.max(0, cur.holdEndsAt - t))} left of the hold.` : '';
    case 'paused':
      return cur ? `Paused at stage ${cur.stage} ${of} (${cur.weight} %): no promotion; analysis and auto-rollback go on.` : '';
    case 'holding-no-data': {
      const missing = signals.filter((x) => x.verdict === 'no-data').map((x) => x.name);
      return cur
        ? `Stage ${cur.stage} ${of} held, inconclusive: no data for ${missing.join(', ') || 'a signal'}. It rolls back after ${formatDurationShort(s.rules.noDataLimitMs)} without data.`
        : '';
    }
    case 'extending':
      return cur ? `Stage ${cur.stage} ${of} extended: ${cur.requests} of ${s.rules.minRequestsPerStage} requests seen.` : '';
    case 'rolling-back':
      return `Rolling back: ${s.rollback?.reason ?? ''}`;
    case 'rolled-back':
      return `Rolled back from stage ${s.rollback?.stage ?? '?'}: ${s.rollback?.reason ?? ''}`;
    case 'rollback-failed':
      return `The rollback failed${s.rollback?.detail ? `: ${s.rollback.detail}` : ''}. Start it again.`;
    case 'released':
      return `${s.version} is released: every stage passed.`;
  }
}
