import { parseArgs } from 'node:util';
import { UsageError } from './usage.ts';

const VERSION = /^v\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

/** `evidence verify` keeps its contract (arguments, exit codes) before it is built. */
export function notYet(what: 'evidence verify', args: string[], err: (line: string) => void): number {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    strict: false,
    options: { inject: { type: 'string', multiple: true }, json: { type: 'boolean' }, 'evidence-dir': { type: 'string' } },
  });
  const [version, ...extra] = positionals;
  if (!version) throw new UsageError(`${what}: a version is missing, e.g. \`npm start -- ${what} v1.4.0\``);
  if (!VERSION.test(version)) throw new UsageError(`${what}: "${version}" is not a version: use vMAJOR.MINOR.PATCH, e.g. v1.4.0`);
  if (extra.length) throw new UsageError(`${what}: unexpected "${extra.join(' ')}"`);
  for (const inject of (values.inject as string[] | undefined) ?? []) {
    if (!/^[a-z0-9_]+@[1-9]\d*$/.test(inject)) throw new UsageError(`${what}: --inject takes SIGNAL@STAGE, e.g. p95@3, got "${inject}"`);
  }
  err(`${what} is not available in this build yet; nothing was run.`);
  return 1;
}
