/** The metrics port (Flagger's `RunQuery`/`IsOnline`): fetches numbers; `domain/` judges them. */
export { NoDataError, RateLimitedError, SourceError } from './errors.ts';

export interface MetricsSource {
  /**
   * An instant query evaluated at `at`, answered with exactly one scalar.
   * No samples (or NaN) → `NoDataError`; several series, unreachable, timeout, bad query → `SourceError`;
   * throttled → `RateLimitedError` (a `SourceError`).
   */
  query(promql: string, at: Date): Promise<number>;
  /** Whether the source answers at all: asked before a canary starts and by preflight and /readyz. */
  isOnline(): Promise<boolean>;
}
