/**
 * The micro blast-radius test over HTTP: `concurrency` workers send GET requests to the canary, each the moment its
 * previous one finished, until the burst's duration is over; the requests in flight then finish (within their
 * timeout). Every request is timed to its last byte. Redirects are not followed: a 3xx is an answer.
 *
 * `elapsed` is the monotonic clock the burst is timed by (performance.now by default), so a test can drive it.
 */
import type { BlastRadius, BlastRadiusReading } from '../ports/blast-radius.ts';
import { fetchFailure, withoutCredentials } from './http.ts';

export interface HttpBlastRadiusOptions {
  /** ms from some fixed origin, never going back */
  elapsed?: () => number;
  fetch?: typeof fetch;
}

export function httpBlastRadius(opts: HttpBlastRadiusOptions = {}): BlastRadius {
  const elapsed = opts.elapsed ?? (() => performance.now());
  const send = opts.fetch ?? fetch;
  return {
    async fire({ url: target, durationMs, concurrency, requestTimeoutMs }) {
      const { url, authorization } = withoutCredentials(target, 'the canary URL');
      const headers: Record<string, string> = authorization ? { authorization } : {};
      const reading: BlastRadiusReading = { requests: 0, errors: 0, elapsedMs: 0, latenciesMs: [], statuses: {} };
      const count = (key: string) => void (reading.statuses[key] = (reading.statuses[key] ?? 0) + 1);
      const start = elapsed();
      const end = start + durationMs;
      let last = start;

      async function one(): Promise<void> {
        const from = elapsed();
        try {
          const res = await send(url, { redirect: 'manual', headers, signal: AbortSignal.timeout(requestTimeoutMs) });
          await res.arrayBuffer();
          reading.latenciesMs.push(elapsed() - from);
          count(String(res.status));
          if (res.status >= 400) reading.errors++;
        } catch (err) {
          reading.errors++;
          count('failed');
          reading.firstFailure ??= `${url.origin}${url.pathname} ${fetchFailure(err, requestTimeoutMs)}`;
        }
        reading.requests++;
        last = Math.max(last, elapsed());
      }

      const worker = async () => {
        while (elapsed() < end) await one();
      };
      await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
      reading.elapsedMs = last - start;
      return reading;
    },
  };
}
