import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../src/adapters/system-clock.ts';
import { runPreflight, type PreflightResult } from '../src/app/preflight/run.ts';
import { configuredSources } from '../src/app/preflight/sources.ts';
import { validateConfig } from '../src/config/load.ts';
import { evidenceKeyFrom } from '../src/evidence/key.ts';
import { verifyEvidence } from '../src/evidence/verify.ts';
import type { Db } from '../src/store/db.ts';
import { startPlatformExporter, type PlatformExporter } from './fakes/platform-exporter.ts';
import { startSntpServer, type FakeSntpServer } from './fakes/sntp-server.ts';
import { openTestDb, scratchDatabase } from './support/db.ts';
import { startPgBouncer, type RunningPgBouncer } from './support/pgbouncer.ts';
import { startPrometheus, type TestPrometheus } from './support/prometheus.ts';
import { seedTarget } from './support/target-seed.ts';

const SERVER = process.env.TEST_DATABASE_URL!;
const key = evidenceKeyFrom('preflight-real-test');

const GOOD_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self' 'nonce-r4nd0m'; report-uri /api/csp-report",
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-opener-policy': 'same-origin',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
};
const FLAGS = { flags: { 'orders.idempotency-keys-v2': true, 'outbox.dispatcher': 'v2' } };

function serve(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server })));
}

describe('preflight against real PostgreSQL, pgBouncer, Prometheus and loopback web, flags and NTP', () => {
  let db: Db;
  let evidenceDir: string;
  let target: Awaited<ReturnType<typeof scratchDatabase>>;
  let bouncer: RunningPgBouncer;
  let exporter: PlatformExporter;
  let prometheus: TestPrometheus;
  let ntp: FakeSntpServer;
  let web: { url: string; server: Server };
  let held: pg.Client;
  let result: PreflightResult;

  beforeAll(async () => {
    [db, target, exporter, ntp, evidenceDir] = await Promise.all([
      openTestDb(),
      scratchDatabase(SERVER),
      startPlatformExporter(),
      startSntpServer({ offsetMs: 1500 }),
      mkdtemp(join(tmpdir(), 'spark-preflight-real-')),
    ]);
    exporter.setValue('stable', 142);
    web = await serve((req, res) => {
      if (req.url === '/flags') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(FLAGS));
      else res.writeHead(200, GOOD_HEADERS).end('<html></html>');
    });
    await seedTarget(target.url);
    [bouncer, prometheus] = await Promise.all([startPgBouncer({ postgresUrl: SERVER, poolSize: 10 }), startPrometheus({ targets: [{ job: 'platform', url: exporter.url }] })]);
    // pgBouncer lists a pool once a client has used it.
    held = new pg.Client({ connectionString: bouncer.url(new URL(target.url).pathname.slice(1)) });
    await held.connect();
    await held.query('SELECT 1');
    await prometheus.waitForUp('platform');

    const valid = validateConfig({
      signals: [{ id: 'api_p95', name: 'API p95', query: 'spark_test_value{track="{{track}}"}', unit: 'ms', comparison: '<=', threshold: 200 }],
      triggers: [],
      firstNight: { checks: [] },
      preflight: {
        targetDatabase: '$SPARK_TEST_TARGET_DB',
        timeDrift: { ntpServer: ntp.address },
        pgbouncer: { adminUrl: bouncer.adminUrl },
        prisma: { expectedMigrations: 2 },
        headers: { url: web.url },
        flags: { url: `${web.url}flags`, expected: { 'orders.idempotency-keys-v2': true, 'outbox.dispatcher': 'v2' } },
        prometheus: { expectedJobs: ['platform'] },
      },
    });
    if (!valid.ok) throw new Error(valid.problems.join('\n'));
    const sources = configuredSources(valid.config, { SPARK_TEST_TARGET_DB: target.url }, prometheus.url);
    // The deploy adapter comes with the canary; here a stand-in says which version is stable.
    sources.deploy = {
      port: { weights: async () => ({ 'v1.3.2': 100 }), commitOf: async () => '3f2c9e1a', setWeight: async () => undefined, rollbackStep: async () => ({ ok: true, detail: '' }), health: async () => ({ healthy: true, detail: '' }) },
    };
    result = (await runPreflight(
      { db, clock: systemClock, log: pino({ level: 'silent' }), config: valid.config, host: 'ci', evidence: { dir: evidenceDir, key }, sources, wake: () => undefined },
      { version: 'v1.4.0', actor: 'U0SPARKIC', channel: '#spark-deploys' },
    ))!;
    if ('port' in sources.targetDb) await (sources.targetDb.port as unknown as { close(): Promise<void> }).close();
  }, 60_000);

  afterAll(async () => {
    await held?.end();
    await Promise.all([prometheus?.stop(), bouncer?.stop(), exporter?.close(), ntp?.close(), new Promise((r) => web?.server.close(r))]);
    await Promise.all([target?.drop(), db?.close(), rm(evidenceDir, { recursive: true, force: true })]);
  });

  const finding = (i: number) => result.findings[i - 1]!;

  it('sees each fault seeded in the target database', () => {
    expect(finding(4)).toMatchObject({ outcome: 'fail', summary: '20261110103000_order_idempotency_v2 never finished: ERROR: column "idempotency_key" contains null values' });
    expect(finding(6).outcome).toBe('fail');
    expect(finding(6).summary).toContain('orders_id_seq (orders.id) is at 40, behind max 100');
    expect(finding(10).outcome).toBe('fail');
    expect(finding(10).summary).toBe('order_events: 40 % dead tuples (4000 of 10000)');
  });

  it('judges the clocks, pgBouncer, headers, flags, targets and baseline it was pointed at', () => {
    expect(finding(1)).toMatchObject({ outcome: 'pass', summary: 'U0SPARKIC · v1.4.0 @ 3f2c9e1a · sealed' });
    expect(finding(2).outcome).toBe('warn');
    expect(finding(2).summary).toMatch(/^the NTP server is 1\.[45]\d\d s ahead of the bot/);
    expect(finding(3).outcome).toBe('pass');
    expect(finding(3).lines.join('\n')).toMatch(/spark_test_\w+: 1\/10 server connections in use/);
    expect(finding(5).outcome).toBe('pass');
    expect(finding(7)).toMatchObject({ outcome: 'pass', summary: '2 flags as expected' });
    expect(finding(8)).toMatchObject({ outcome: 'pass', summary: '1 jobs, 1 targets up' });
    expect(finding(9)).toMatchObject({ outcome: 'pass', data: { stableVersion: 'v1.3.2', baseline: { api_p95: 142 } } });
    expect(result.verdict.verdict).toBe('not-ready');
  });

  it('seals evidence that verifies', async () => {
    const report = await verifyEvidence(db, { dir: evidenceDir, key }, 'v1.4.0');
    expect(report).toMatchObject({ files: 11, problems: [] });
  });
});
