/**
 * Who is on call: the people an escalation policy pages now, by escalation level (level 1 is paged first).
 * Failures are the data-source errors of `./errors.ts`: `RateLimitedError` when throttled, `SourceError`
 * otherwise (unreachable, timed out, a refused token, an answer of the wrong shape).
 */
export { RateLimitedError, SourceError } from './errors.ts';

export interface OnCallUser {
  /** PagerDuty user id, e.g. PXPGF42 */
  id: string;
  name: string;
  /** known when the directory tells it (PagerDuty does with include[]=users) */
  email?: string;
}

export interface OnCallLevel {
  /** 1, 2, 3 … */
  level: number;
  /** everyone on call at that level now, each once, in the directory's order */
  users: OnCallUser[];
}

export interface OnCallRoster {
  escalationPolicy: { id: string; name?: string };
  /** the people paged first; empty when nobody is on call at level 1 (say so: it is a gap, not a detail) */
  level1: OnCallUser[];
  /** every level with someone on call, lowest first */
  levels: OnCallLevel[];
}

export interface OnCallDirectory {
  /** Who is on call now for the configured escalation policy. */
  whoIsOnCall(): Promise<OnCallRoster>;
}
