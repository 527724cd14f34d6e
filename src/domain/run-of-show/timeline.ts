/**
 * The run of show of RITUAL §7: the T-minus countdown to T-0, as steps due at fixed offsets before it. The offsets
 * are real durations: T-30 is thirty minutes before T-0 even when the clocks change in between (the local times
 * shown then jump with them).
 */
import type { RunOfShowConfig } from '../../config/schema.ts';
import { formatDurationShort } from '../canary/format.ts';

export const STEPS = ['change-freeze', 'war-room', 'preflight', 'blast-radius', 'red-team', 'green-button', 'start-canary'] as const;
export type StepId = (typeof STEPS)[number];

export const STEP_TITLE: Record<StepId, string> = {
  'change-freeze': 'Change freeze',
  'war-room': 'War room opens',
  preflight: 'Preflight',
  'blast-radius': 'Micro blast-radius test',
  'red-team': 'Red team',
  'green-button': 'Green button',
  'start-canary': 'Start canary',
};

export interface PlannedStep {
  id: StepId;
  /** how long before T-0 */
  offsetMs: number;
  /** epoch ms */
  dueAt: number;
}

/** The steps' offsets as the config gives them; the blast-radius test runs with the preflight. */
export function offsetsOf(o: RunOfShowConfig['offsets']): Record<StepId, number> {
  return {
    'change-freeze': o.changeFreeze,
    'war-room': o.warRoom,
    preflight: o.preflight,
    'blast-radius': o.preflight,
    'red-team': o.redTeam,
    'green-button': o.greenButton,
    'start-canary': 0,
  };
}

/** Every step of a countdown to `t0`, in the order they run (steps due together keep the ritual's order). */
export function timeline(t0: Date, offsets: RunOfShowConfig['offsets']): PlannedStep[] {
  const by = offsetsOf(offsets);
  return STEPS.map((id) => ({ id, offsetMs: by[id], dueAt: t0.getTime() - by[id] }));
}

/** How far ahead a run of show must be scheduled: its first step, the change freeze, must still lie ahead. */
export const leadOf = (offsets: RunOfShowConfig['offsets']): number => offsets.changeFreeze;

/** `T-30`, `T-2`, `T-0`; `T-1m30s` for an offset that is not whole minutes. */
export function tMinus(offsetMs: number): string {
  if (offsetMs === 0) return 'T-0';
  return offsetMs % 60_000 === 0 ? `T-${offsetMs / 60_000}` : `T-${formatDurationShort(offsetMs)}`;
}
