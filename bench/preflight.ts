// Wall time of /spark preflight against real services on loopback: PostgreSQL (the machine's), pgBouncer and
// Prometheus (Debian packages), and loopback web, flags and SNTP servers.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { systemClock } from '../src/adapters/system-clock.ts';
import { runPreflight } from '../src/app/preflight/run.ts';
import { configuredSources } from '../src/app/preflight/sources.ts';
import { validateConfig } from '../src/config/load.ts';
import { evidenceKeyFrom } from '../src/evidence/key.ts';
import { startPlatformExporter } from '../test/fakes/platform-exporter.ts';
import { startSntpServer } from '../test/fakes/sntp-server.ts';
import { openTestDb, scratchDatabase } from '../test/support/db.ts';
import { startPgBouncer } from '../test/support/pgbouncer.ts';
import { startPrometheus } from '../test/support/prometheus.ts';
import { seedTarget } from '../test/support/target-seed.ts';

const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function benchPreflight(runs = 5) {
  process.env.TEST_DATABASE_URL ??= SERVER;
  const [db, target, exporter, ntp, evidenceDir] = await Promise.all([
    openTestDb(),
    scratchDatabase(SERVER),
    startPlatformExporter(),
    startSntpServer({ offsetMs: 40 }),
    mkdtemp(join(tmpdir(), 'spark-bench-preflight-')),
  ]);
  exporter.setValue('stable', 142);
  const web = createServer((req, res) =>
    req.url === '/flags'
      ? res.writeHead(200, { 'content-type': 'application/json' }).end('{"orders.idempotency-keys-v2": true}')
      : res.writeHead(200, { 'content-security-policy': "script-src 'nonce-x'; report-uri /r", 'cross-origin-embedder-policy': 'require-corp', 'cross-origin-opener-policy': 'same-origin', 'strict-transport-security': 'max-age=63072000' }).end(),
  );
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  const webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}/`;
  await seedTarget(target.url);
  const [bouncer, prometheus] = await Promise.all([startPgBouncer({ postgresUrl: SERVER, poolSize: 10 }), startPrometheus({ targets: [{ job: 'platform', url: exporter.url }] })]);
  const held = new pg.Client({ connectionString: bouncer.url(new URL(target.url).pathname.slice(1)) });
  await held.connect();
  await held.query('SELECT 1');
  await prometheus.waitForUp('platform');
  try {
    const valid = validateConfig({
      signals: [{ id: 'api_p95', name: 'API p95', query: 'spark_test_value{track="{{track}}"}', unit: 'ms', comparison: '<=', threshold: 200 }],
      triggers: [],
      firstNight: { checks: [] },
      preflight: {
        targetDatabase: target.url,
        timeDrift: { ntpServer: ntp.address },
        pgbouncer: { adminUrl: bouncer.adminUrl },
        headers: { url: webUrl },
        flags: { url: `${webUrl}flags`, expected: { 'orders.idempotency-keys-v2': true } },
        prometheus: { expectedJobs: ['platform'] },
      },
    });
    if (!valid.ok) throw new Error(valid.problems.join('\n'));
    const sources = configuredSources(valid.config, {}, prometheus.url);
    sources.deploy = {
      port: { weights: async () => ({ 'v1.3.2': 100 }), commitOf: async () => '3f2c9e1a', setWeight: async () => undefined, rollbackStep: async () => ({ ok: true, detail: '' }), health: async () => ({ healthy: true, detail: '' }) },
    };
    const deps = { db, clock: systemClock, log: pino({ level: 'silent' }), config: valid.config, host: 'bench', evidence: { dir: evidenceDir, key: evidenceKeyFrom('bench') }, sources, wake: () => undefined };
    const wall: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await runPreflight(deps, { version: 'v1.4.0', actor: 'U0BENCH', channel: '#spark-deploys' });
      wall.push(performance.now() - t0);
    }
    if ('port' in sources.targetDb) await (sources.targetDb.port as unknown as { close(): Promise<void> }).close();
    const sorted = [...wall].sort((a, b) => a - b);
    const ms = (v: number) => Math.round(v);
    return { runs, firstMs: ms(wall[0]!), p50Ms: ms(sorted[Math.floor(runs / 2)]!), maxMs: ms(sorted.at(-1)!), budgetMs: valid.config.preflight.budget };
  } finally {
    await held.end();
    await Promise.all([prometheus.stop(), bouncer.stop(), exporter.close(), ntp.close(), new Promise((r) => web.close(r))]);
    await Promise.all([target.drop(), db.close(), rm(evidenceDir, { recursive: true, force: true })]);
  }
}
