/** Probes a URL with one GET and reports the status and headers as the server sent them: redirects are not followed. */
import { SourceError } from '../ports/errors.ts';
import type { HttpProbe } from '../ports/http-probe.ts';
import { fetchFailure, withoutCredentials } from './http.ts';

const DEFAULT_TIMEOUT_MS = 10_000;

export function httpProbe(opts: { timeoutMs?: number } = {}): HttpProbe {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    async headers(target) {
      const { url, authorization } = withoutCredentials(target, 'the probed URL');
      let res: Response;
      try {
        res = await fetch(url, {
          redirect: 'manual',
          headers: authorization ? { authorization } : {},
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        throw new SourceError(`${url.origin}${url.pathname} ${fetchFailure(err, timeoutMs)}`, { cause: err });
      }
      await res.body?.cancel();
      const headers: Record<string, string> = {};
      // Headers already joins most repeated fields; set-cookie comes one entry per cookie.
      res.headers.forEach((value, name) => {
        headers[name] = Object.hasOwn(headers, name) ? `${headers[name]}, ${value}` : value;
      });
      return { status: res.status, headers };
    },
  };
}
