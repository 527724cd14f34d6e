/** The T-10 micro blast-radius test: where it fires (config `runOfShow.blastRadius`), and its finding. */
import { httpBlastRadius } from '../../adapters/http-blast-radius.ts';
import { redactUrl } from '../../adapters/redact-url.ts';
import type { SparkConfig } from '../../config/schema.ts';
import { failedBurst, judgeBurst, skippedBurst, type BurstThresholds } from '../../domain/run-of-show/blast-radius.ts';
import type { Finding } from '../../domain/preflight/finding.ts';
import type { BlastRadius } from '../../ports/blast-radius.ts';
import type { Source } from '../preflight/check.ts';
import { targetReader } from '../targets.ts';

export interface BurstTarget {
  burst: BlastRadius;
  url: string;
}

const KEY = 'runOfShow.blastRadius.url';

/** The canary URL from the config (or `$NAME` from the environment); missing says what to set. */
export function blastRadiusSource(config: SparkConfig, env: NodeJS.ProcessEnv, make: () => BlastRadius = () => httpBlastRadius()): Source<BurstTarget> {
  const url = config.runOfShow.blastRadius.url;
  if (url === undefined) return { missing: `set ${KEY}` };
  return targetReader(env)(KEY, url, (resolved) => ({ burst: make(), url: resolved }));
}

export const thresholdsOf = (config: SparkConfig): BurstThresholds => ({
  p95Ms: config.runOfShow.blastRadius.thresholds.p95,
  errorRatePercent: config.runOfShow.blastRadius.thresholds.errorRate,
});

/** Fires the burst and judges it; never throws: a burst that cannot run is a fail with the reason. */
export async function blastRadiusFinding(config: SparkConfig, source: Source<BurstTarget>): Promise<{ finding: Finding; url?: string }> {
  const t = thresholdsOf(config);
  if ('missing' in source) return { finding: skippedBurst(source.missing, t) };
  const { duration, concurrency, requestTimeout } = config.runOfShow.blastRadius;
  const url = redactUrl(source.port.url);
  const plan = { url, durationMs: duration, concurrency };
  try {
    const reading = await source.port.burst.fire({ url: source.port.url, durationMs: duration, concurrency, requestTimeoutMs: requestTimeout });
    return { finding: judgeBurst(plan, reading, t), url };
  } catch (err) {
    return { finding: failedBurst(plan, (err as Error).message, t), url };
  }
}
