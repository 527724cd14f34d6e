import { parseArgs } from 'node:util';
import { UsageError } from './usage.ts';
import { VERSION } from '../domain/version.ts';


/** `evidence verify <version> [--evidence-dir DIR]` keeps its contract (arguments, exit codes) before it is built. */
export function evidenceVerifyNotYet(args: string[], err: (line: string) => void): number {
  let positionals: string[];
  try {
    ({ positionals } = parseArgs({ args, allowPositionals: true, options: { 'evidence-dir': { type: 'string' } } }));
  } catch (e) {
    throw new UsageError(`evidence verify: ${(e as Error).message}`);
  }
  const [version, ...extra] = positionals;
  if (!version) throw new UsageError('evidence verify: a version is missing, e.g. `npm start -- evidence verify v1.4.0`');
  if (!VERSION.test(version)) throw new UsageError(`evidence verify: "${version}" is not a version: use vMAJOR.MINOR.PATCH, e.g. v1.4.0`);
  if (extra.length) throw new UsageError(`evidence verify: unexpected "${extra.join(' ')}"`);
  err('evidence verify is not available in this build yet; nothing was run.');
  return 1;
}
