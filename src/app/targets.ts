import type { Source } from './preflight/check.ts';

/**
 * Reads a target the config names: a URL, host or path as it is, or `$NAME` from the environment, so passwords stay
 * out of the file. What is not configured is missing, with the key to set.
 */
export function targetReader(env: NodeJS.ProcessEnv) {
  return <T>(key: string, value: string | undefined, make: (target: string) => T): Source<T> => {
    if (value === undefined) return { missing: `not configured (${key})` };
    if (!value.startsWith('$')) return { port: make(value) };
    const name = value.slice(1);
    const resolved = env[name]?.trim();
    return resolved ? { port: make(resolved) } : { missing: `${key} names $${name}, which is not set` };
  };
}
