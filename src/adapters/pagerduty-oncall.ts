/**
 * Who is on call, from PagerDuty's REST API through pdjs:
 *
 *   GET ${apiUrl}/oncalls?escalation_policy_ids[]=<id>&include[]=users&time_zone=UTC&limit=100&offset=<n>
 *   Authorization: Token token=<PAGERDUTY_API_TOKEN>     Accept: application/vnd.pagerduty+json;version=2
 *   200 → { oncalls: [{ escalation_policy, escalation_level, user, schedule, start, end }], limit, offset, more, total }
 *
 * Without since/until PagerDuty answers the on-calls of this moment; include[]=users turns each `user` reference
 * into the full user, with its name and email. Pages are followed while `more` is true.
 *
 * pdjs traps (STACK-NOTES): its `requestTimeout` timer aborts nothing and is left running after a failed
 * request, keeping the process alive ~30 s, so it is switched off (0) and the deadline is our own AbortSignal;
 * it retries a 429 three more times (its `retryCount` is ignored) after `retryTimeout` (20 s by default), so
 * that wait is kept short. It resolves a 4xx/5xx with its JSON body and rejects a non-JSON answer with the bare
 * Response: both are read here. The token never appears in a message.
 */
import { api } from '@pagerduty/pdjs';
import { z } from 'zod';
import { RateLimitedError, SourceError } from '../ports/errors.ts';
import type { OnCallDirectory, OnCallLevel, OnCallRoster, OnCallUser } from '../ports/on-call.ts';
import { withoutCredentials } from './http.ts';

export const PAGERDUTY_API_URL = 'https://api.pagerduty.com';

export interface PagerdutyOnCallOptions {
  /** PAGERDUTY_API_TOKEN: a REST API key */
  token: string;
  /** the escalation policy whose on-calls are asked for, e.g. PT20YPA */
  escalationPolicyId: string;
  /** PAGERDUTY_API_URL; default https://api.pagerduty.com */
  apiUrl?: string;
  /** the whole lookup, every page and 429 retry included; default 10 s */
  timeoutMs?: number;
  /** pdjs's wait before each of its (three) retries of a 429; default 1 s */
  rateLimitRetryMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RATE_LIMIT_RETRY_MS = 1_000;
/** PagerDuty's classic pagination allows 100 a page; 10 pages is 1000 on-calls for one policy, far beyond any. */
const PAGE_LIMIT = 100;
const MAX_PAGES = 10;

const reference = z.object({ id: z.string().min(1), summary: z.string().nullish(), name: z.string().nullish(), email: z.string().nullish() });
const page = z.object({
  oncalls: z.array(
    z.object({
      escalation_policy: reference.nullish(),
      escalation_level: z.number().int(),
      user: reference.nullish(),
    }),
  ),
  limit: z.number().int().nullish(),
  offset: z.number().int().nullish(),
  more: z.boolean().nullish(),
});

/** What pdjs hands back: a node-fetch Response with the parsed body on `data` (or the bare Response on a non-JSON answer). */
interface PdjsResponse {
  status: number;
  data?: unknown;
  headers: { get(name: string): string | null };
}
const isResponse = (v: unknown): v is PdjsResponse => typeof v === 'object' && v !== null && typeof (v as { status?: unknown }).status === 'number' && 'headers' in v;

export function pagerdutyOnCall(opts: PagerdutyOnCallOptions): OnCallDirectory {
  const { token, escalationPolicyId } = opts;
  if (typeof token !== 'string' || token.trim() === '') throw new Error('PAGERDUTY_API_TOKEN is empty');
  if (/\s/.test(token)) throw new Error('PAGERDUTY_API_TOKEN contains whitespace: it would not survive the Authorization header');
  if (!escalationPolicyId?.trim()) throw new Error('no PagerDuty escalation policy id to look the on-calls up for');
  const { url: base } = withoutCredentials(opts.apiUrl ?? PAGERDUTY_API_URL, 'PAGERDUTY_API_URL');
  const target = new URL(`${base.pathname.replace(/\/+$/, '')}/oncalls`, base);
  const where = `the PagerDuty REST API at ${target.origin}${target.pathname}`;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const retryTimeout = opts.rateLimitRetryMs ?? DEFAULT_RATE_LIMIT_RETRY_MS;
  const redact = (text: string) => text.replaceAll(token, '[redacted]').replace(/\s+/g, ' ').trim().slice(0, 400);

  /** PagerDuty's error body `{ error: { message, code, errors } }` as a short clause. */
  const errorOf = (data: unknown): string => {
    const error = (data as { error?: { message?: unknown; code?: unknown; errors?: unknown } } | undefined)?.error;
    if (!error || typeof error !== 'object') return '';
    const parts = [typeof error.message === 'string' ? error.message : '', typeof error.code === 'number' ? `code ${error.code}` : ''];
    if (Array.isArray(error.errors) && error.errors.length) parts.push(error.errors.map(String).join('; '));
    return redact(parts.filter(Boolean).join(', '));
  };

  const failed = (res: PdjsResponse): Error => {
    const said = errorOf(res.data);
    const http = `HTTP ${res.status}${said ? `: ${said}` : ''}`;
    if (res.status === 401) return new SourceError(`${where} refused the API token (${http}): check PAGERDUTY_API_TOKEN`);
    if (res.status === 403) return new SourceError(`${where} does not let this API token read on-calls (${http}): check PAGERDUTY_API_TOKEN's access`);
    if (res.status === 429) {
      const wait = Number(res.headers.get('retry-after') ?? res.headers.get('ratelimit-reset'));
      return new RateLimitedError(`${where} is rate limiting (${http})`, Number.isFinite(wait) && wait > 0 ? wait * 1000 : undefined);
    }
    return new SourceError(`${where} answered ${http}`);
  };

  async function fetchPage(offset: number, signal: AbortSignal, aborted: Promise<never>): Promise<z.infer<typeof page>> {
    let res: PdjsResponse;
    try {
      const call = api({
        token,
        url: target.toString(),
        method: 'GET',
        queryParameters: {
          'escalation_policy_ids[]': [escalationPolicyId],
          'include[]': ['users'],
          time_zone: 'UTC',
          limit: String(PAGE_LIMIT),
          offset: String(offset),
        },
        requestTimeout: 0,
        retryTimeout,
        signal,
      }) as Promise<unknown>;
      res = (await Promise.race([call, aborted])) as PdjsResponse;
    } catch (err) {
      // pdjs rejects with the bare Response when the body is not JSON.
      if (isResponse(err)) {
        if (err.status >= 200 && err.status < 300) throw new SourceError(`${where} did not answer JSON (HTTP ${err.status})`);
        throw failed({ status: err.status, headers: err.headers });
      }
      if (signal.aborted) throw new SourceError(`${where} did not answer within ${timeoutMs} ms`);
      const e = err as { code?: unknown; message?: unknown };
      const reason = typeof e.code === 'string' ? e.code : typeof e.message === 'string' ? e.message : String(err);
      throw new SourceError(`${where} is unreachable: ${redact(reason)}`);
    }
    if (res.status < 200 || res.status >= 300) throw failed(res);
    const parsed = page.safeParse(res.data);
    if (!parsed.success) throw new SourceError(`${where} answered an on-call list of an unexpected shape: ${redact(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '))}`);
    return parsed.data;
  }

  return {
    async whoIsOnCall(): Promise<OnCallRoster> {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new Error('deadline')), timeoutMs);
      let stop: () => void = () => {};
      const aborted = new Promise<never>((_, reject) => {
        const onAbort = () => reject(new Error('deadline'));
        controller.signal.addEventListener('abort', onAbort, { once: true });
        stop = () => controller.signal.removeEventListener('abort', onAbort);
      });
      aborted.catch(() => {});
      try {
        const entries: z.infer<typeof page>['oncalls'] = [];
        for (let offset = 0, pages = 0; ; pages++) {
          const got = await fetchPage(offset, controller.signal, aborted);
          entries.push(...got.oncalls);
          if (!got.more || got.oncalls.length === 0 || pages + 1 >= MAX_PAGES) break;
          offset = (got.offset ?? offset) + (got.limit ?? got.oncalls.length);
        }
        return roster(escalationPolicyId, entries);
      } finally {
        clearTimeout(timer);
        stop();
      }
    },
  };
}

function roster(policyId: string, entries: z.infer<typeof page>['oncalls']): OnCallRoster {
  const byLevel = new Map<number, Map<string, OnCallUser>>();
  let policyName: string | undefined;
  for (const entry of entries) {
    // PagerDuty filters by policy already; an entry of another policy is not this policy's on-call.
    if (entry.escalation_policy && entry.escalation_policy.id !== policyId) continue;
    policyName ??= entry.escalation_policy?.summary ?? entry.escalation_policy?.name ?? undefined;
    const user = entry.user;
    if (!user) continue;
    const users = byLevel.get(entry.escalation_level) ?? new Map<string, OnCallUser>();
    byLevel.set(entry.escalation_level, users);
    if (users.has(user.id)) continue;
    const person: OnCallUser = { id: user.id, name: user.name ?? user.summary ?? user.id };
    if (user.email) person.email = user.email;
    users.set(user.id, person);
  }
  const levels: OnCallLevel[] = [...byLevel.entries()].sort(([a], [b]) => a - b).map(([level, users]) => ({ level, users: [...users.values()] }));
  return {
    escalationPolicy: policyName === undefined ? { id: policyId } : { id: policyId, name: policyName },
    level1: levels.find((l) => l.level === 1)?.users ?? [],
    levels,
  };
}
