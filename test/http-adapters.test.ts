import { createServer, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { httpFlags } from '../src/adapters/http-flags.ts';
import { httpProbe } from '../src/adapters/http-probe.ts';
import { prometheusMetrics } from '../src/adapters/prometheus.ts';
import { RateLimitedError, SourceError } from '../src/ports/errors.ts';
import { freePort } from './support/bot-process.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => (s.closeAllConnections(), s.close(resolve)))));
});

/** A loopback HTTP server answering with `handler`; `seen` records every request. */
async function serve(handler: RequestListener): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): RequestListener => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
};

describe('httpProbe', () => {
  it("returns a good server's security headers, lower-cased, repeated ones joined", async () => {
    const nonce = 'r4nd0mN0nce==';
    const site = await serve((_req, res) => {
      res.setHeader('Content-Security-Policy', `default-src 'self'; script-src 'self' 'nonce-${nonce}'`);
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
      res.setHeader('Set-Cookie', ['a=1; Secure', 'b=2; Secure']);
      res.setHeader('X-Trace', ['one', 'two']);
      res.end('<!doctype html>');
    });
    const { status, headers } = await httpProbe().headers(`${site.url}/`);
    expect(status).toBe(200);
    expect(headers).toMatchObject({
      'content-security-policy': `default-src 'self'; script-src 'self' 'nonce-${nonce}'`,
      'cross-origin-embedder-policy': 'require-corp',
      'cross-origin-opener-policy': 'same-origin',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'set-cookie': 'a=1; Secure, b=2; Secure',
      'x-trace': 'one, two',
    });
    expect(site.seen.map((r) => r.method)).toEqual(['GET']);
  });

  it('returns a redirect as it is, without following it', async () => {
    const site = await serve((req, res) => {
      if (req.url === '/old') res.writeHead(301, { location: '/new' }).end();
      else res.writeHead(200).end('new');
    });
    const { status, headers } = await httpProbe().headers(`${site.url}/old`);
    expect(status).toBe(301);
    expect(headers.location).toBe('/new');
    expect(site.seen.map((r) => r.url)).toEqual(['/old']);
  });

  it('sends credentials in the URL as Basic auth', async () => {
    const site = await serve((_req, res) => res.end());
    await httpProbe().headers(site.url.replace('//', '//probe:s%40cret@'));
    expect(site.seen[0]?.headers.authorization).toBe(`Basic ${Buffer.from('probe:s@cret').toString('base64')}`);
  });

  it('fails with a SourceError naming the URL without its credentials when nothing listens', async () => {
    const port = await freePort();
    const failure = httpProbe().headers(`http://probe:hunter2@127.0.0.1:${port}/login?token=abc`);
    await expect(failure).rejects.toThrow(SourceError);
    await expect(failure).rejects.toThrow(`http://127.0.0.1:${port}/login is unreachable: connect ECONNREFUSED`);
    await expect(failure).rejects.not.toThrow(/hunter2|token=abc/);
  });

  it.each(['ftp://probe:hunter2@example.test/', 'probe:hunter2@nowhere'])('refuses %s with a SourceError that does not repeat it', async (url) => {
    const failure = httpProbe().headers(url);
    await expect(failure).rejects.toThrow(SourceError);
    await expect(failure).rejects.toThrow(/^the probed URL is not an http\(s\) URL/);
    await expect(failure).rejects.not.toThrow(/hunter2/);
  });

  it('gives up after the timeout on a server that never answers', async () => {
    const site = await serve(() => undefined);
    const started = performance.now();
    await expect(httpProbe({ timeoutMs: 300 }).headers(site.url)).rejects.toThrow(`${site.url}/ did not answer within 300 ms`);
    expect(performance.now() - started).toBeLessThan(1500);
  });
});

describe('httpFlags', () => {
  const expected = { 'orders.idempotency-keys-v2': true, 'ui.new-order-ticket': false, 'outbox.dispatcher': 'v2' };

  it.each([
    ['a flat object', expected],
    ['a { flags } envelope', { flags: expected, version: 7 }],
    [
      'an array of { key|name, enabled|value }',
      [
        { key: 'orders.idempotency-keys-v2', enabled: true },
        { name: 'ui.new-order-ticket', enabled: false },
        { key: 'outbox.dispatcher', value: 'v2' },
      ],
    ],
    ['an envelope holding an array', { flags: [{ name: 'orders.idempotency-keys-v2', value: true }, { key: 'ui.new-order-ticket', enabled: false }, { key: 'outbox.dispatcher', value: 'v2' }] }],
  ])('reads %s', async (_shape, body) => {
    const service = await serve(json(200, body));
    expect(await httpFlags(`${service.url}/flags`).flags()).toEqual(expected);
  });

  it('reads a flag that is itself called "flags"', async () => {
    const service = await serve(json(200, { flags: true, other: 'x' }));
    expect(await httpFlags(service.url).flags()).toEqual({ flags: true, other: 'x' });
  });

  it.each([
    [{ 'ui.new-order-ticket': 1 }, '"ui.new-order-ticket" must be true, false or a variant name'],
    [{ flags: { a: { on: true } } }, '"a" must be true, false or a variant name'],
    [[{ key: 'a' }], '[0] needs a "key" (or "name") and an "enabled" (or "value")'],
    [[{ key: 'a', enabled: 'yes' }], '[0].enabled must be true or false'],
    ['on', 'the answer is neither an object of flags nor an array of them'],
  ])('refuses %j with a SourceError saying what is wrong', async (body, why) => {
    const service = await serve(json(200, body));
    const failure = httpFlags(`${service.url}/flags`).flags();
    await expect(failure).rejects.toThrow(SourceError);
    await expect(failure).rejects.toThrow(`the flag service at ${service.url}/flags answered flags in an unknown shape: ${why}`);
  });

  it('fails with a SourceError on a non-2xx answer and on a body that is not JSON', async () => {
    const broken = await serve(json(500, { flags: { a: true } }));
    await expect(httpFlags(`${broken.url}/flags`).flags()).rejects.toThrow(`the flag service at ${broken.url}/flags answered HTTP 500`);
    const html = await serve((_req, res) => res.end('<html>maintenance</html>'));
    await expect(httpFlags(html.url).flags()).rejects.toThrow('did not answer JSON');
  });

  it('sends the token as a bearer token and never puts it in an error message', async () => {
    const token = 'flag-token-7f3a9c';
    const service = await serve((req, res) => {
      if (req.headers.authorization !== `Bearer ${token}`) res.writeHead(401).end(`bad token: ${req.headers.authorization}`);
      else if (req.url === '/broken') res.writeHead(500).end(`token ${token} is fine, the server is not`);
      else res.writeHead(200).end(JSON.stringify({ flags: { a: true } }));
    });
    expect(await httpFlags(service.url, { token }).flags()).toEqual({ a: true });
    expect(service.seen[0]?.headers.authorization).toBe(`Bearer ${token}`);

    const messages: string[] = [];
    for (const source of [httpFlags(service.url, { token: `${token}-wrong` }), httpFlags(`${service.url}/broken`, { token }), httpFlags(`http://127.0.0.1:${await freePort()}`, { token })]) {
      const err = await source.flags().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SourceError);
      messages.push((err as Error).message);
    }
    expect(messages).toEqual([expect.stringContaining('HTTP 401'), expect.stringContaining('HTTP 500'), expect.stringContaining('is unreachable')]);
    for (const m of messages) expect(m).not.toContain(token);
  });
});

describe('prometheusMetrics, against a loopback fake for what a real Prometheus will not do', () => {
  const at = new Date(1_790_000_000_123);
  const one = { status: 'success', data: { resultType: 'vector', result: [{ metric: { job: 'spark' }, value: [1_790_000_000.123, '0.042'] }] } };

  it('posts the query and the time in unix seconds, under a base URL with or without its trailing slash', async () => {
    const fake = await serve(json(200, one));
    expect(await prometheusMetrics(`${fake.url}/prom`).query('rate(x[5m])', at)).toBe(0.042);
    expect(await prometheusMetrics(`${fake.url}/prom/`).query('rate(x[5m])', at)).toBe(0.042);
    expect(fake.seen.map((r) => [r.method, r.url])).toEqual([
      ['POST', '/prom/api/v1/query'],
      ['POST', '/prom/api/v1/query'],
    ]);
    expect(Object.fromEntries(new URLSearchParams(fake.seen[0]!.body))).toEqual({ query: 'rate(x[5m])', time: '1790000000.123' });
  });

  it('reads a scalar, and +Inf as Infinity', async () => {
    const scalar = await serve(json(200, { status: 'success', data: { resultType: 'scalar', result: [1_790_000_000, '+Inf'] } }));
    expect(await prometheusMetrics(scalar.url).query('1/0', at)).toBe(Infinity);
  });

  it('maps HTTP 429 with Retry-After to a RateLimitedError carrying the delay', async () => {
    const fake = await serve(json(429, { status: 'error', errorType: 'too_many_requests', error: 'slow down' }, { 'retry-after': '7' }));
    const err = await prometheusMetrics(fake.url).query('up', at).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(err).toBeInstanceOf(SourceError);
    expect(err).toMatchObject({ retryAfterMs: 7000, message: `Prometheus at ${fake.url} is throttling requests (HTTP 429)` });
  });

  it('maps HTTP 503 with a Retry-After date to a RateLimitedError', async () => {
    const fake = await serve(json(503, {}, { 'retry-after': new Date(Date.now() + 30_000).toUTCString() }));
    const err = await prometheusMetrics(fake.url).query('up', at).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBeGreaterThan(28_000);
    expect((err as RateLimitedError).retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it('maps HTTP 503 without Retry-After (a query timeout) to a plain SourceError', async () => {
    const fake = await serve(json(503, { status: 'error', errorType: 'timeout', error: 'query timed out in expression evaluation' }));
    const err = await prometheusMetrics(fake.url).query('up', at).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect(err).not.toBeInstanceOf(RateLimitedError);
    expect((err as Error).message).toBe(`Prometheus at ${fake.url} answered an error (timeout): query timed out in expression evaluation`);
  });

  it('is online only while /-/ready answers 200 (a starting Prometheus answers 503)', async () => {
    let ready = false;
    const fake = await serve((_req, res) => res.writeHead(ready ? 200 : 503).end());
    const source = prometheusMetrics(fake.url);
    expect(await source.isOnline()).toBe(false);
    ready = true;
    expect(await source.isOnline()).toBe(true);
    expect(fake.seen.map((r) => r.url)).toEqual(['/-/ready', '/-/ready']);
  });

  it('fails a query, not the wiring, on a base URL that is not http(s); isOnline stays false', async () => {
    const misconfigured = prometheusMetrics('prometheus.internal:9090');
    await expect(misconfigured.query('up', at)).rejects.toThrow(new SourceError('the Prometheus URL is not an http(s) URL (prometheus.internal:)'));
    expect(await misconfigured.isOnline()).toBe(false);
  });

  it('fails with a SourceError on an answer that is not the API', async () => {
    const proxy = await serve((_req, res) => res.writeHead(502).end('<html>Bad Gateway</html>'));
    await expect(prometheusMetrics(proxy.url).query('up', at)).rejects.toThrow(`Prometheus at ${proxy.url} answered HTTP 502 without an API response`);
  });
});
