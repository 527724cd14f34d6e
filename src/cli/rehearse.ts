import { parseArgs } from 'node:util';
import type { Writable } from 'node:stream';
import type { SparkConfig } from '../config/schema.ts';
import { rehearseDemo } from '../rehearse/demo.ts';
import { parseFault } from '../sim/faults.ts';
import { UsageError } from './usage.ts';
import { firstFit } from '../app/freeze.ts';
import { formatTime } from '../domain/freeze.ts';
import { leadOf } from '../domain/run-of-show/timeline.ts';

/** The run of show counts down before the canary starts: its lead, and a minute to reach a whole minute. */
const rehearsalLeadMs = (config: SparkConfig) => leadOf(config.runOfShow.offsets) + 60_000;
import { VERSION } from '../domain/version.ts';


/** `rehearse <version> [--inject SIGNAL@STAGE]… [--json] [--evidence-dir DIR]`: exit 0 released, 3 rolled back, 1 failure. */
export async function rehearse(args: string[], config: SparkConfig, out: Writable, err: (line: string) => void, now: Date): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { inject: { type: 'string', multiple: true }, json: { type: 'boolean' }, 'evidence-dir': { type: 'string' } } });
  } catch (e) {
    throw new UsageError(`rehearse: ${(e as Error).message}`);
  }
  const [version, ...extra] = parsed.positionals;
  if (!version) throw new UsageError('rehearse: a version is missing, e.g. `npm start -- rehearse v1.4.0`');
  if (!VERSION.test(version)) throw new UsageError(`rehearse: "${version}" is not a version: use vMAJOR.MINOR.PATCH, e.g. v1.4.0`);
  if (extra.length) throw new UsageError(`rehearse: unexpected "${extra.join(' ')}"`);
  const faults = (parsed.values.inject ?? []).map((inject) => {
    const fault = parseFault(inject, config);
    if (!fault.ok) throw new UsageError(`rehearse: --inject ${inject}: ${fault.error}`);
    return fault.fault;
  });
  // The canary starts after the run of show's countdown: the rehearsal begins where it may start.
  const start = firstFit(config, now, rehearsalLeadMs(config)) ?? now;
  if (start > now) out.write(`The freeze windows would refuse a canary now; the rehearsal starts at ${formatTime(start, config.freeze.timezone)} (virtual time).\n`);
  const summary = await rehearseDemo(version, config, out, start, parsed.values['evidence-dir'], faults);
  if (parsed.values.json) out.write(`${JSON.stringify(summary)}\n`);
  if (summary.outcome === 'not-started') err(`rehearse: the canary of ${version} did not start; nothing was released.`);
  return summary.outcome === 'released' ? 0 : summary.outcome === 'rolled-back' ? 3 : 1;
}
