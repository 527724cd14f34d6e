/**
 * Incidents the bot opens by itself arrive pre-filled: an auto-rollback (the trigger, its values, the canary's
 * minutes) and a first-night breach (the checks that failed). Both default to SEV2; the caller may say
 * otherwise.
 */
import { formatDurationShort } from '../canary/format.ts';
import type { FiredTrigger } from '../canary/triggers.ts';
import type { BreachedCheck, CanaryMinute, OpenRequest, Severity } from './state.ts';

export const DEFAULT_AUTO_SEVERITY: Severity = 'SEV2';

export interface AutoRollbackFacts {
  /** the incident id the app chose (PagerDuty's dedup key) */
  id: string;
  version: string;
  stage: number;
  weight: number;
  /** the rollback's one-sentence reason */
  reason: string;
  trigger?: FiredTrigger;
  /** the canary's minutes (the canary's `Minute`s fit; only these fields are kept) */
  minutes: readonly CanaryMinute[];
  severity?: Severity;
}

export function fromAutoRollback(f: AutoRollbackFacts): OpenRequest {
  const what = f.trigger ? `trigger ${f.trigger.id} fired (${f.trigger.description})` : f.reason;
  return {
    id: f.id,
    summary: `Auto-rollback of ${f.version} at stage ${f.stage} (${f.weight} %): ${what}`,
    severity: f.severity ?? DEFAULT_AUTO_SEVERITY,
    version: f.version,
    origin: {
      kind: 'auto-rollback',
      version: f.version,
      stage: f.stage,
      weight: f.weight,
      reason: f.reason,
      ...(f.trigger ? { trigger: f.trigger } : {}),
      canaryTimeline: f.minutes.map((m) => ({ at: m.at, stage: m.stage, weight: m.weight, metrics: m.metrics, decision: m.decision })),
    },
  };
}

export interface FirstNightBreachFacts {
  id: string;
  version: string;
  /** the snapshot's offset from the release, in ms */
  offsetMs: number;
  /** the checks that failed or had no data */
  checks: readonly BreachedCheck[];
  severity?: Severity;
}

export function fromFirstNightBreach(f: FirstNightBreachFacts): OpenRequest {
  const names = f.checks.map((c) => c.name).join(', ') || 'no check named';
  return {
    id: f.id,
    summary: `First-night breach of ${f.version} at +${formatDurationShort(f.offsetMs)}: ${names}`,
    severity: f.severity ?? DEFAULT_AUTO_SEVERITY,
    version: f.version,
    origin: {
      kind: 'first-night-breach',
      version: f.version,
      offsetMs: f.offsetMs,
      checks: f.checks.map((c) => {
        const { trend: _trend, ...check } = c as BreachedCheck & { trend?: unknown };
        return check;
      }),
    },
  };
}
