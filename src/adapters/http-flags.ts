/** The platform's feature flags, read as JSON from an HTTP endpoint. */
import { z } from 'zod';
import { SourceError } from '../ports/errors.ts';
import type { FlagSource } from '../ports/flags.ts';
import { fetchJson } from './http.ts';

const DEFAULT_TIMEOUT_MS = 10_000;
const SHAPES = '{ "flag": true|false|"variant" }, { "flags": { … } } or [{ "key", "enabled" }]';

const flagValue = z.union([z.boolean(), z.string()], { error: 'must be true, false or a variant name' });
const flagMap = z.record(z.string(), flagValue, { error: 'is neither an object of flags nor an array of them' });
const flagList = z
  .array(
    z
      .object(
        {
          key: z.string({ error: 'must be a string' }).optional(),
          name: z.string({ error: 'must be a string' }).optional(),
          enabled: z.boolean({ error: 'must be true or false' }).optional(),
          value: flagValue.optional(),
        },
        { error: 'is not an object' },
      )
      .transform((entry, ctx) => {
        const key = entry.key ?? entry.name;
        const value = entry.value ?? entry.enabled;
        if (key === undefined || value === undefined) {
          ctx.addIssue({ code: 'custom', message: 'needs a "key" (or "name") and an "enabled" (or "value")' });
          return z.NEVER;
        }
        return [key, value] as const;
      }),
  )
  .transform((entries) => Object.fromEntries(entries));

export function httpFlags(target: string, opts: { timeoutMs?: number; token?: string } = {}): FlagSource {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    async flags() {
      const { json: body, where } = await fetchJson(target, 'flag service', { timeoutMs, token: opts.token });
      const flags = unwrap(body);
      const parsed = Array.isArray(flags) ? flagList.safeParse(flags) : flagMap.safeParse(flags);
      if (!parsed.success) throw new SourceError(`${where} answered flags in an unknown shape: ${describe(parsed.error)} (expected ${SHAPES})`);
      return parsed.data;
    },
  };
}

/** `{ "flags": … }` is an envelope when it holds an object or an array; otherwise `flags` is a flag of its own. */
function unwrap(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || !('flags' in body)) return body;
  return typeof body.flags === 'object' && body.flags !== null ? body.flags : body;
}

/** The first few issues, each led by where it is: `"flag.name" must be …`, `[2].enabled must be …`. */
function describe(error: z.ZodError): string {
  const where = (path: PropertyKey[]) =>
    path.length === 0 ? 'the answer' : path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? JSON.stringify(p) : `.${String(p)}`)).join('');
  return error.issues
    .slice(0, 3)
    .map((issue) => `${where(issue.path)} ${issue.message}`)
    .join('; ');
}
