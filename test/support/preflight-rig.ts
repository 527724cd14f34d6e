/**
 * Everything a preflight reads, for real and on loopback: a seeded target database on the machine's PostgreSQL,
 * pgBouncer in front of it, Prometheus scraping a metrics exporter, and web, flags and SNTP servers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { systemClock } from '../../src/adapters/system-clock.ts';
import type { PreflightDeps } from '../../src/app/preflight/run.ts';
import { configuredSources } from '../../src/app/preflight/sources.ts';
import { validateConfig } from '../../src/config/load.ts';
import { evidenceKeyFrom } from '../../src/evidence/key.ts';
import { startPlatformExporter } from '../fakes/platform-exporter.ts';
import { startSntpServer } from '../fakes/sntp-server.ts';
import { openTestDb, scratchDatabase } from './db.ts';
import { startPgBouncer } from './pgbouncer.ts';
import { startPrometheus } from './prometheus.ts';
import { seedTarget } from './target-seed.ts';

const HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self' 'nonce-r4nd0m'; report-uri /api/csp-report",
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-opener-policy': 'same-origin',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
};
const FLAGS = { 'orders.idempotency-keys-v2': true, 'outbox.dispatcher': 'v2' };

export interface PreflightRig {
  deps: PreflightDeps;
  stop(): Promise<void>;
}

/** `server`: the PostgreSQL the bot's own scratch database and the seeded target live on. `ntpOffsetMs`: the NTP server's lead. */
export async function startPreflightRig(server: string, opts: { ntpOffsetMs: number; stableValue: number }): Promise<PreflightRig> {
  const [db, target, exporter, ntp, evidenceDir] = await Promise.all([
    openTestDb(),
    scratchDatabase(server),
    startPlatformExporter(),
    startSntpServer({ offsetMs: opts.ntpOffsetMs }),
    mkdtemp(join(tmpdir(), 'spark-preflight-rig-')),
  ]);
  exporter.setValue('stable', opts.stableValue);
  const web = createServer((req, res) => {
    if (req.url === '/flags') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ flags: FLAGS }));
    else res.writeHead(200, HEADERS).end('<html></html>');
  });
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  const webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}/`;
  await seedTarget(target.url);
  const [bouncer, prometheus] = await Promise.all([startPgBouncer({ postgresUrl: server, poolSize: 10 }), startPrometheus({ targets: [{ job: 'platform', url: exporter.url }] })]);
  // pgBouncer lists a pool once a client has used it.
  const held = new pg.Client({ connectionString: bouncer.url(new URL(target.url).pathname.slice(1)) });
  await held.connect();
  await held.query('SELECT 1');
  await prometheus.waitForUp('platform');

  const valid = validateConfig({
    signals: [{ id: 'api_p95', name: 'API p95', query: 'spark_test_value{track="{{track}}"}', unit: 'ms', comparison: '<=', threshold: 200 }],
    triggers: [],
    firstNight: { checks: [] },
    preflight: {
      targetDatabase: '$SPARK_TARGET_DB',
      timeDrift: { ntpServer: ntp.address },
      pgbouncer: { adminUrl: bouncer.adminUrl },
      prisma: { expectedMigrations: 2 },
      headers: { url: webUrl },
      flags: { url: `${webUrl}flags`, expected: FLAGS },
      prometheus: { expectedJobs: ['platform'] },
    },
  });
  if (!valid.ok) throw new Error(valid.problems.join('\n'));
  const sources = configuredSources(valid.config, { SPARK_TARGET_DB: target.url }, prometheus.url);
  // The deploy adapter comes with the canary; here a stand-in says which version is stable.
  sources.deploy = {
    port: { weights: async () => ({ 'v1.3.2': 100 }), commitOf: async () => '3f2c9e1a', setWeight: async () => undefined, rollbackStep: async () => ({ ok: true, detail: '' }), health: async () => ({ healthy: true, detail: '' }) },
  };
  const deps: PreflightDeps = { db, clock: systemClock, log: pino({ level: 'silent' }), config: valid.config, host: 'ci', evidence: { dir: evidenceDir, key: evidenceKeyFrom('preflight-rig') }, sources, wake: () => undefined };
  return {
    deps,
    async stop() {
      if ('port' in sources.targetDb) await (sources.targetDb.port as unknown as { close(): Promise<void> }).close();
      await held.end();
      await Promise.all([prometheus.stop(), bouncer.stop(), exporter.close(), ntp.close(), new Promise((r) => web.close(r))]);
      await Promise.all([target.drop(), db.close(), rm(evidenceDir, { recursive: true, force: true })]);
    },
  };
}
