import type { DeployTarget } from '../../ports/deploy.ts';
import { withTimeout } from '../timeout.ts';
import type { CanaryDeps } from './run.ts';

/**
 * One call to the deploy target, or why it did not work. The adapters give up at `deploy.timeout` themselves;
 * the guard only cuts off one that hangs past it.
 */
export async function callDeploy<T>(deps: Pick<CanaryDeps, 'deploy' | 'config'>, call: (d: DeployTarget) => Promise<T>): Promise<{ ok: T } | { failed: string }> {
  if ('missing' in deps.deploy) return { failed: deps.deploy.missing };
  try {
    return { ok: await withTimeout(call(deps.deploy.port), 2 * deps.config.deploy.timeout) };
  } catch (err) {
    return { failed: (err as Error).message };
  }
}
