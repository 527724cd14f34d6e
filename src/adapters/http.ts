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

/**
 * One JSON request to a service: the parsed answer, or a SourceError that names `what` at its URL (never its
 * credentials): unreachable, timed out, a non-2xx answer, or a body that is not JSON. `where` is for the
 * caller's own messages about the answer's shape.
 */
export async function fetchJson(
  target: string,
  what: string,
  opts: { timeoutMs: number; body?: unknown; token?: string },
): Promise<{ json: unknown; where: string }> {
  const { url, authorization } = withoutCredentials(target, `the ${what} URL`);
  const where = `the ${what} at ${url.origin}${url.pathname}`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  else if (authorization) headers.authorization = authorization;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  let text: string;
  try {
    const init = opts.body === undefined ? {} : { method: 'POST', body: JSON.stringify(opts.body) };
    res = await fetch(url, { ...init, headers, signal: AbortSignal.timeout(opts.timeoutMs) });
    text = await res.text();
  } catch (err) {
    throw new SourceError(`${where} ${fetchFailure(err, opts.timeoutMs)}`, { cause: err });
  }
  if (!res.ok) throw new SourceError(`${where} answered HTTP ${res.status}`);
  try {
    return { json: JSON.parse(text), where };
  } catch {
    throw new SourceError(`${where} did not answer JSON`);
  }
}
