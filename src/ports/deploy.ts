/** The deploy port: routes traffic between versions and drives the rollback procedure (RITUAL §5). */

/** The steps of the old `rollback.ps1`, in the order they run. */
export const ROLLBACK_STEPS = ['stop', 'checkout', 'rebuild', 'db-compat', 'restart', 'verify-health'] as const;
export type RollbackStepName = (typeof ROLLBACK_STEPS)[number];

export interface StepResult {
  ok: boolean;
  /** one line for the war-room minutes and the evidence file */
  detail: string;
}

export interface DeployTarget {
  /** Routes `weightPercent` % of traffic to `version` (the canary); the rest stays on stable. Idempotent. */
  setWeight(version: string, weightPercent: number): Promise<void>;
  /** version → % of traffic, for every version that has some. */
  weights(): Promise<Record<string, number>>;
  /** The git commit a version was built from; undefined when the target does not know the version. */
  commitOf(version: string): Promise<string | undefined>;
  /** Runs one rollback step from version `from` back to version `to`. A failed step is `ok: false`, not a throw. */
  rollbackStep(step: RollbackStepName, ctx: { from: string; to: string }): Promise<StepResult>;
  health(): Promise<{ healthy: boolean; detail: string }>;
}
