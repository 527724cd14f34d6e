/**
 * What the preflight checks read, healthy and on loopback: the platform's own PostgreSQL database (a scratch one,
 * its migrations applied, sequences and tables in order), pgBouncer in front of it, a web server with the security
 * headers and the feature flags, an SNTP server in step with this clock, and the CI and coverage documents.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { startSntpServer } from '../../fakes/sntp-server.ts';
import { scratchDatabase } from '../../support/db.ts';
import { startPgBouncer } from '../../support/pgbouncer.ts';

const HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self' 'nonce-e2e0nonce'; report-uri /api/csp-report",
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-opener-policy': 'same-origin',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
};
export const FLAGS = { 'orders.idempotency-keys-v2': true, 'risk.pre-trade-checks-v3': true, 'outbox.dispatcher': 'v2' };
export const EXPECTED_MIGRATIONS = 2;

export interface PreflightTargets {
  /** the platform database, directly (the bot's preflight.targetDatabase) */
  targetDbUrl: string;
  pgbouncerAdminUrl: string;
  webUrl: string;
  ntpServer: string;
  ciFile: string;
  coverageFile: string;
  close(): Promise<void>;
}

async function seedHealthy(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`CREATE TABLE "_prisma_migrations" (id varchar(36) PRIMARY KEY, checksum varchar(64) NOT NULL, finished_at timestamptz,
      migration_name varchar(255) NOT NULL, logs text, rolled_back_at timestamptz, started_at timestamptz NOT NULL DEFAULT now(), applied_steps_count int NOT NULL DEFAULT 1)`);
    await c.query(`INSERT INTO _prisma_migrations (id, checksum, migration_name, finished_at) VALUES
      ('1', 'x', '20250912101500_init', now()), ('2', 'x', '20251020143000_orders', now())`);
    await c.query('CREATE TABLE orders (id bigserial PRIMARY KEY, note text)');
    await c.query("INSERT INTO orders (note) SELECT 'o' || g FROM generate_series(1, 100) g");
  } finally {
    await c.end();
  }
}

export async function startPreflightTargets(server: string, dir: string): Promise<PreflightTargets> {
  const target = await scratchDatabase(server);
  await seedHealthy(target.url);
  const [bouncer, ntp] = await Promise.all([startPgBouncer({ postgresUrl: server, poolSize: 10 }), startSntpServer({ offsetMs: 0 })]);
  // pgBouncer lists a pool once a client has used it.
  const held = new pg.Client({ connectionString: bouncer.url(new URL(target.url).pathname.slice(1)) });
  await held.connect();
  await held.query('SELECT 1');
  const web = createServer((req, res) => {
    if (req.url === '/flags') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ flags: FLAGS }));
    else res.writeHead(200, HEADERS).end('<html></html>');
  });
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  const ciFile = join(dir, 'ci.json');
  const coverageFile = join(dir, 'coverage.json');
  writeFileSync(ciFile, JSON.stringify({ status: 'success' }));
  writeFileSync(coverageFile, JSON.stringify({ total: 96.4 }));
  return {
    targetDbUrl: target.url,
    pgbouncerAdminUrl: bouncer.adminUrl,
    webUrl: `http://127.0.0.1:${(web.address() as AddressInfo).port}/`,
    ntpServer: ntp.address,
    ciFile,
    coverageFile,
    async close() {
      await held.end().catch(() => undefined);
      await Promise.all([bouncer.stop(), ntp.close(), new Promise((r) => (web.closeAllConnections(), web.close(r)))]);
      await target.drop();
    },
  };
}
