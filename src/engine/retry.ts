/** How often a timer or an outbox row is tried before it is parked, and how long to wait between tries. */
export interface RetryPolicy {
  maxAttempts: number;
  firstDelayMs: number;
  maxDelayMs: number;
  /** How long a claimed timer or row belongs to one worker before another may take it over (a crashed replica). */
  leaseMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 10, firstDelayMs: 1_000, maxDelayMs: 5 * 60_000, leaseMs: 60_000 };

/** Exponential backoff: 1 s, 2 s, 4 s … capped. `attempts` counts the tries made so far. */
export function backoffMs(policy: RetryPolicy, attempts: number): number {
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.max(0, attempts - 1));
}
