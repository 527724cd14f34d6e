import { SourceError } from '../ports/errors.ts';

/**
 * An http(s) URL ready for fetch. fetch refuses credentials in a URL: they go in a Basic Authorization header,
 * and never into a message (so neither does `raw`).
 */
export function withoutCredentials(raw: string, what: string): { url: URL; authorization?: string } {
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') throw new SourceError(`${what} is not an http(s) URL${url ? ` (${url.protocol})` : ''}`);
  const userinfo = url.username || url.password ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined;
  url.username = '';
  url.password = '';
  return { url, authorization: userinfo === undefined ? undefined : `Basic ${Buffer.from(userinfo).toString('base64')}` };
}

/** Why a fetch failed, as the end of a sentence naming the server: "… is unreachable: connect ECONNREFUSED …". */
export function fetchFailure(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && err.name === 'TimeoutError') return `did not answer within ${timeoutMs} ms`;
  // undici's "fetch failed" hides the reason in `cause`; an AggregateError (several addresses tried) has only a code.
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  const reason = cause instanceof Error ? cause.message || (cause as NodeJS.ErrnoException).code : String(cause);
  return `is unreachable: ${reason || 'no reason given'}`;
}
