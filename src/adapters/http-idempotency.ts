/** Item 11's order endpoint: the configured body POSTed once per request, every request in flight at the same time. */
import { SourceError } from '../ports/errors.ts';
import type { IdempotencyTarget } from '../ports/redteam.ts';
import { fetchFailure, withoutCredentials } from './http.ts';

const DEFAULT_TIMEOUT_MS = 10_000;

export function httpIdempotencyTarget(target: string, opts: { keyHeader: string; body: string; timeoutMs?: number }): IdempotencyTarget {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    async burst(requests) {
      const { url, authorization } = withoutCredentials(target, 'the idempotency URL');
      const send = async ({ key }: { key: string }) => {
        const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', [opts.keyHeader]: key };
        if (authorization) headers.authorization = authorization;
        const res = await fetch(url, { method: 'POST', headers, body: opts.body, signal: AbortSignal.timeout(timeoutMs) });
        await res.arrayBuffer();
        return { status: res.status };
      };
      // allSettled, not all: an early failure must not leave the rest of the burst running unseen.
      const settled = await Promise.allSettled(requests.map(send));
      const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
      if (failures.length > 0) {
        throw new SourceError(`${failures.length} of ${requests.length} requests to ${url.origin}${url.pathname} got no answer: it ${fetchFailure(failures[0], timeoutMs)}`);
      }
      return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    },
  };
}
