import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Decimal } from 'decimal.js';
import { afterEach, describe, expect, it } from 'vitest';
import { httpRounding } from '../src/adapters/http-rounding.ts';
import { runRedteamCheck, type RedteamCheck } from '../src/app/redteam/check.ts';
import { cspFloodCheck } from '../src/app/redteam/checks/csp-flood.ts';
import { decimalCheck } from '../src/app/redteam/checks/decimal.ts';
import { idempotencyCheck } from '../src/app/redteam/checks/idempotency.ts';
import { configuredRedteamSources } from '../src/app/redteam/sources.ts';
import { configSchema, type SparkConfigInput } from '../src/config/schema.ts';
import { SourceError } from '../src/ports/errors.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => (s.closeAllConnections(), s.close(resolve)))));
});

/** A loopback HTTP server; `handler` gets each request with its whole body. */
async function serve(handler: Handler): Promise<string> {
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    await handler(req, res, body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Runs one check against the real adapters, wired from the config as the bot wires them. */
function run(check: RedteamCheck, redteam: SparkConfigInput['redteam']) {
  const config = configSchema.parse({ redteam });
  return runRedteamCheck(check, { version: 'v1.4.0', now: () => new Date(), config, sources: configuredRedteamSources(config, {}) });
}

/** Resolves once `n` calls to `arrive` have happened: a server that holds its answers until a whole burst is in. */
function latch(n: number) {
  let arrived = 0;
  let open!: () => void;
  const all = new Promise<void>((resolve) => (open = resolve));
  return {
    all,
    arrive: () => {
      if (++arrived === n) open();
      return arrived;
    },
  };
}

const ORDER = '{"symbol":"THYAO","side":"buy","quantity":"10","price":"312.25"}';

describe('item 11 against an order endpoint', () => {
  it('passes an endpoint where the first key wins and every other request is a 409', async () => {
    const executed = new Set<string>();
    const seen: { key: string; body: string; type: string | undefined }[] = [];
    const burst = latch(100);
    const url = await serve(async (req, res, body) => {
      const key = String(req.headers['idempotency-key']);
      seen.push({ key, body, type: req.headers['content-type'] });
      // Decided on arrival, in one synchronous step: the check and the insert cannot interleave.
      const first = !executed.has(key);
      executed.add(key);
      burst.arrive();
      // Answers only once all 100 are in: a burst sent one by one would never finish.
      await burst.all;
      res.writeHead(first ? 201 : 409).end();
    });
    const f = await run(idempotencyCheck, { idempotency: { url: `${url}/api/orders` } });
    expect(f.outcome).toBe('pass');
    expect(f.lines).toEqual(['ok    executed once: 1× 201, 99× 409 from 100 requests', 'ok    99 replays answered 409']);
    expect(new Set(seen.map((s) => s.key)).size).toBe(1);
    expect(seen.every((s) => s.body === ORDER && s.type === 'application/json')).toBe(true);
  });

  it('fails an endpoint that checks, then inserts after a wait: two requests slip in and execute', async () => {
    const committed = new Set<string>();
    const slowInsert = latch(2);
    const url = await serve(async (req, res) => {
      const key = String(req.headers['x-order-key']);
      const exists = committed.has(key);
      // The insert lands only once the second request is in, so both see no row yet.
      slowInsert.arrive();
      if (exists) return void res.writeHead(409).end();
      await slowInsert.all;
      committed.add(key);
      res.writeHead(201).end();
    });
    const f = await run(idempotencyCheck, { idempotency: { url, keyHeader: 'X-Order-Key' } });
    expect(f.outcome).toBe('fail');
    expect(f.summary).toBe('executed 2 times: 2× 201, 98× 409 from 100 requests');
    expect(f.data).toEqual({ statuses: { 201: 2, 409: 98 } });
  });

  it('fails with the reason when requests get no answer', async () => {
    const url = await serve((req) => void req.socket.destroy());
    const f = await run(idempotencyCheck, { idempotency: { url, requests: 10 } });
    expect(f.outcome).toBe('fail');
    expect(f.summary).toMatch(new RegExp(`^10 of 10 requests to ${url}/ got no answer: it is unreachable: `));
  });
});

describe('item 14 against a CSP report endpoint', () => {
  const reportsTo = (handler: (arrival: number, req: IncomingMessage, res: ServerResponse) => void) => {
    let arrivals = 0;
    const bodies: unknown[] = [];
    const url = serve((req, res, body) => {
      bodies.push(req.headers['content-type'] === 'application/csp-report' ? JSON.parse(body) : undefined);
      handler(++arrivals, req, res);
    });
    return { url, bodies };
  };

  it('passes an endpoint that rate-limits after 50 reports and still answers', async () => {
    const endpoint = reportsTo((n, _req, res) => void res.writeHead(n <= 50 ? 204 : 429).end());
    const f = await run(cspFloodCheck, { cspFlood: { url: `${await endpoint.url}/api/csp-report` } });
    expect(f.outcome).toBe('pass');
    expect(f.lines).toEqual(['ok    200 reports: 50× 204, 150× 429; 150 rate-limited (429)', 'ok    answered again right after the flood']);
    expect(endpoint.bodies).toHaveLength(201);
    expect(endpoint.bodies[0]).toMatchObject({ 'csp-report': { 'violated-directive': 'script-src-elem', 'blocked-uri': 'inline', disposition: 'enforce' } });
  });

  it('fails an endpoint that takes every report', async () => {
    const endpoint = reportsTo((_n, _req, res) => void res.writeHead(204).end());
    const f = await run(cspFloodCheck, { cspFlood: { url: await endpoint.url } });
    expect(f.outcome).toBe('fail');
    expect(f.lines).toEqual(['FAIL  200 reports: 200× 204; none rate-limited (429)', 'ok    answered again right after the flood']);
  });

  it('fails an endpoint that falls over: 5xx, then closed connections, and nothing after', async () => {
    const endpoint = reportsTo((n, req, res) => {
      if (n <= 30) res.writeHead(204).end();
      else if (n <= 115) res.writeHead(503).end();
      else req.socket.destroy();
    });
    const f = await run(cspFloodCheck, { cspFlood: { url: await endpoint.url } });
    expect(f.outcome).toBe('fail');
    expect(f.lines).toEqual([
      'FAIL  200 reports: 30× 204, 85× 503, 85 without an answer; none rate-limited (429)',
      'FAIL  85 reports answered 5xx',
      'FAIL  85 reports got no answer (connection refused, closed or timed out)',
      'FAIL  did not answer right after the flood',
    ]);
    expect(f.data).toEqual({ statuses: { 204: 30, 503: 85 }, errors: 85, upAfter: false });
  });
});

describe('item 12 against a rounding endpoint', () => {
  const rounding = (mode: Decimal.Rounding) => {
    const requests: unknown[] = [];
    const url = serve((_req, res, body) => {
      const { samples } = JSON.parse(body) as { samples: { value: string; scale: number }[] };
      requests.push(samples);
      const results = samples.map(({ value, scale }) => new Decimal(value).toDecimalPlaces(scale, mode).toFixed(scale));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results }));
    });
    return { url, requests };
  };

  it('fails a platform that rounds half up, naming value, expected and got', async () => {
    const halfUp = rounding(Decimal.ROUND_HALF_UP);
    const f = await run(decimalCheck, { decimal: { url: await halfUp.url } });
    expect(f.outcome).toBe('fail');
    expect(f.lines.filter((l) => l.startsWith('FAIL'))).toEqual(['FAIL  312.245 at scale 2: expected 312.24, got 312.25', 'FAIL  0.125 at scale 2: expected 0.12, got 0.13']);
    expect(f.data).toEqual({ samples: 7, drift: 2 });
  });

  it('passes a platform that rounds half to even, and sends the samples as decimal text', async () => {
    const halfEven = rounding(Decimal.ROUND_HALF_EVEN);
    const f = await run(decimalCheck, { decimal: { url: await halfEven.url } });
    expect(f).toMatchObject({ outcome: 'pass', summary: '7 samples round half to even' });
    expect(f.lines).toContain('ok    -45.675 at scale 2 → -45.68');
    expect(halfEven.requests[0]).toContainEqual({ value: '0.1000000000000000055511151231257827', scale: 4 });
  });

  it('refuses an answer that breaks the contract', async () => {
    const numbers = await serve((_req, res) => void res.writeHead(200).end('{"results":[312.24]}'));
    await expect(httpRounding(numbers).round([{ value: '312.245', scale: 2 }])).rejects.toThrow(
      new SourceError(`the rounding service at ${numbers}/ answered without { "results": ["<decimal text>", …] }`),
    );
    const short = await serve((_req, res) => void res.writeHead(200).end('{"results":["1"]}'));
    await expect(httpRounding(short).round([{ value: '1', scale: 0 }, { value: '2', scale: 0 }])).rejects.toThrow('answered 1 results for 2 samples');
    const down = await serve((_req, res) => void res.writeHead(502).end());
    await expect(httpRounding(down).round([{ value: '1', scale: 0 }])).rejects.toThrow(`the rounding service at ${down}/ answered HTTP 502`);
  });
});
