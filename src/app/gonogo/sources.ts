import { releaseFacts } from '../../adapters/release-facts.ts';
import type { SparkConfig } from '../../config/schema.ts';
import type { ReleaseFacts } from '../../ports/release-facts.ts';
import { targetReader } from '../targets.ts';

/** CI status and coverage where the config points (`gonogo.ci`, `gonogo.coverage`; `$NAME` from the environment). */
export function configuredReleaseFacts(config: SparkConfig, env: NodeJS.ProcessEnv): ReleaseFacts {
  const from = targetReader(env);
  const where = (key: string, value: string | undefined) => (value === undefined ? undefined : from(key, value, (t) => t));
  return releaseFacts({ ci: where('gonogo.ci', config.gonogo.ci), coverage: where('gonogo.coverage', config.gonogo.coverage) }, config.preflight.checkTimeout);
}
