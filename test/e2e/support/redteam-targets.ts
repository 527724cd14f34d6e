/**
 * What the red team's automated items 11–15 attack, healthy and on loopback: the platform's order endpoint (one
 * execution per idempotency key, every replay a 409), its rounding service (exact decimals, half to even), its CSP
 * report endpoint (a few reports a second, the rest 429), an outbox in the platform database whose dispatcher runs
 * well under a second behind its producer, and the previous and this release's SBOMs, every change under an allowed
 * licence.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Decimal } from 'decimal.js';
import pg from 'pg';

const sbomFixture = (name: string) => fileURLToPath(new URL(`../../fixtures/sbom/${name}.cdx.json`, import.meta.url));

export const REPORTS_PER_SECOND = 20;

export interface RedteamTargets {
  ordersUrl: string;
  roundingUrl: string;
  cspReportUrl: string;
  sbom: { previous: string; current: string };
  /** what the endpoints saw: order requests and executions, CSP reports taken and turned away */
  seen: { orderRequests: number; ordersExecuted: number; reportsTaken: number; reportsLimited: number };
  close(): Promise<void>;
}

/** Dispatched rows over the last twenty minutes, each 0–900 ms after it was produced, and a few not sent yet. */
async function seedOutbox(databaseUrl: string): Promise<void> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    await c.query(`CREATE TABLE outbox_events (id bigserial PRIMARY KEY, topic text NOT NULL, payload jsonb NOT NULL,
      created_at timestamptz NOT NULL, dispatched_at timestamptz)`);
    await c.query(`INSERT INTO outbox_events (topic, payload, created_at, dispatched_at)
      SELECT 'orders.filled', jsonb_build_object('order', g), now() - g * interval '20 seconds',
             now() - g * interval '20 seconds' + (g % 7) * interval '150 milliseconds'
      FROM generate_series(1, 60) g`);
    await c.query(`INSERT INTO outbox_events (topic, payload, created_at) SELECT 'orders.placed', jsonb_build_object('order', g), now() FROM generate_series(61, 63) g`);
  } finally {
    await c.end();
  }
}

const json = (res: ServerResponse, status: number, body: unknown) => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

function parse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

export async function startRedteamTargets(databaseUrl: string): Promise<RedteamTargets> {
  await seedOutbox(databaseUrl);
  const seen = { orderRequests: 0, ordersExecuted: 0, reportsTaken: 0, reportsLimited: 0 };
  const orders = new Map<string, number>();
  let window = { startedAt: 0, reports: 0 };

  const routes: Record<string, (req: IncomingMessage, res: ServerResponse, body: string) => void> = {
    '/api/orders': (req, res, body) => {
      seen.orderRequests++;
      const key = req.headers['idempotency-key'];
      const order = parse(body) as { symbol?: unknown } | undefined;
      if (typeof key !== 'string' || !key || typeof order?.symbol !== 'string') return json(res, 400, { error: 'an order and its Idempotency-Key' });
      // Looked up and stored in one synchronous step: two requests with one key cannot both find it new.
      const existing = orders.get(key);
      if (existing !== undefined) return json(res, 409, { error: 'replay', order: existing });
      const id = ++seen.ordersExecuted;
      orders.set(key, id);
      json(res, 201, { order: id });
    },
    '/api/rounding': (_req, res, body) => {
      const samples = (parse(body) as { samples?: { value: string; scale: number }[] } | undefined)?.samples;
      if (!Array.isArray(samples)) return json(res, 400, { error: 'expected { "samples": [...] }' });
      json(res, 200, { results: samples.map(({ value, scale }) => new Decimal(value).toDecimalPlaces(scale, Decimal.ROUND_HALF_EVEN).toFixed(scale)) });
    },
    '/api/csp-report': (_req, res) => {
      const now = Date.now();
      if (now - window.startedAt >= 1_000) window = { startedAt: now, reports: 0 };
      if (++window.reports > REPORTS_PER_SECOND) {
        seen.reportsLimited++;
        return void res.writeHead(429, { 'retry-after': '1' }).end();
      }
      seen.reportsTaken++;
      res.writeHead(204).end();
    },
  };

  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const route = req.method === 'POST' ? routes[new URL(req.url ?? '/', 'http://platform').pathname] : undefined;
    if (route) route(req, res, body);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    ordersUrl: `${base}/api/orders`,
    roundingUrl: `${base}/api/rounding`,
    cspReportUrl: `${base}/api/csp-report`,
    sbom: { previous: sbomFixture('previous'), current: sbomFixture('current-mit') },
    seen,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
