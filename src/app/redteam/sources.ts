import { cyclonedxSbom } from '../../adapters/cyclonedx-sbom.ts';
import { httpCspReport } from '../../adapters/http-csp-report.ts';
import { httpIdempotencyTarget } from '../../adapters/http-idempotency.ts';
import { httpRounding } from '../../adapters/http-rounding.ts';
import { pgOutboxClock } from '../../adapters/pg-outbox-clock.ts';
import type { SparkConfig } from '../../config/schema.ts';
import type { SbomSource } from '../../ports/redteam.ts';
import { createSimRedteam } from '../../sim/redteam.ts';
import type { Source } from '../preflight/check.ts';
import { targetReader } from '../targets.ts';
import type { RedteamSources } from './check.ts';

/** The simulated platform answers every item (console mode and rehearsals). */
export function simulatedRedteamSources(): RedteamSources {
  const sim = createSimRedteam();
  return {
    idempotency: { port: sim.idempotency },
    rounding: { port: sim.rounding },
    outboxClock: { port: sim.outboxClock },
    cspReport: { port: sim.cspReport },
    sbom: { port: sim.sbom },
  };
}

/**
 * The real platform, as the config and environment point at it; a `$NAME` target is read from the environment.
 * What is not configured is missing, with the key to set.
 */
export function configuredRedteamSources(config: SparkConfig, env: NodeJS.ProcessEnv): RedteamSources {
  const r = config.redteam;
  const from = targetReader(env);
  const previous = from('redteam.sbom.previous', r.sbom.previous, (location) => location);
  const current = from('redteam.sbom.current', r.sbom.current, (location) => location);
  const sbom: Source<SbomSource> =
    'missing' in previous ? previous : 'missing' in current ? current : { port: cyclonedxSbom({ previous: previous.port, current: current.port }) };
  return {
    idempotency: from('redteam.idempotency.url', r.idempotency.url, (url) => httpIdempotencyTarget(url, { keyHeader: r.idempotency.keyHeader, body: r.idempotency.body })),
    rounding: from('redteam.decimal.url', r.decimal.url, (url) => httpRounding(url)),
    outboxClock: from('redteam.outboxSkew.database', r.outboxSkew.database, (url) => pgOutboxClock(url, { query: r.outboxSkew.query })),
    cspReport: from('redteam.cspFlood.url', r.cspFlood.url, (url) => httpCspReport(url)),
    sbom,
  };
}
