import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../src/adapters/virtual-clock.ts';
import type { PreflightSources } from '../src/app/preflight/check.ts';
import { runPreflight, type PreflightDeps } from '../src/app/preflight/run.ts';
import { simulatedSources } from '../src/app/preflight/sources.ts';
import { closeInterruptedRuns } from '../src/app/preflight/interrupted.ts';
import { insertRun, latestRuns } from '../src/app/preflight/store.ts';
import { validateConfig } from '../src/config/load.ts';
import { defaultConfig, type SparkConfig } from '../src/config/schema.ts';
import { evidenceKeyFrom } from '../src/evidence/key.ts';
import { verifyEvidence } from '../src/evidence/verify.ts';
import { createSimPlatform } from '../src/sim/platform.ts';
import type { Db } from '../src/store/db.ts';
import { openTestDb } from './support/db.ts';

const T0 = new Date('2026-11-24T17:30:00Z');
const key = evidenceKeyFrom('preflight-run-test');

describe('a preflight run', () => {
  let db: Db;
  let dir: string;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'spark-preflight-'));
    await db.query('TRUNCATE preflight_run, outbox, inbound_delivery, evidence_file, audit_log CASCADE');
    return () => rm(dir, { recursive: true, force: true });
  });

  function deps(over: { config?: SparkConfig; sources?: (s: PreflightSources) => PreflightSources } = {}): PreflightDeps {
    const clock = new VirtualClock(T0);
    const config = over.config ?? defaultConfig();
    const sim = simulatedSources(createSimPlatform({ config, clock }));
    return { db, clock, log: pino({ level: 'silent' }), config, host: 'test-host', evidence: { dir, key }, sources: over.sources ? over.sources(sim) : sim, wake: () => undefined };
  }
  const request = { version: 'v1.4.0', actor: 'U0SPARKIC', channel: '#spark-deploys' };
  const outbox = () => db.query<{ kind: string; text: string }>(`SELECT kind, payload->'card'->>'text' AS text FROM outbox ORDER BY id`);

  it('posts one card, updates it as each check finishes, then lists the evidence in its thread', async () => {
    const result = await runPreflight(deps(), request);
    expect(result?.findings.map((f) => f.outcome)).toEqual(['pass', 'pass', 'pass', 'warn', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass']);
    const rows = await outbox();
    expect(rows.map((r) => r.kind)).toEqual(['slack.post', ...Array(11).fill('slack.update'), 'slack.post']);
    expect(rows[0]!.text).toBe('Preflight v1.4.0 running: 0 of 10 checks done');
    expect(rows.slice(1, 11).map((r) => r.text)).toEqual(Array.from({ length: 10 }, (_, i) => `Preflight v1.4.0 running: ${i + 1} of 10 checks done`));
    expect(rows[11]!.text).toBe('Preflight v1.4.0: ready with warnings (9 pass · 1 warn · 0 fail · 0 skipped)');
    expect(rows[12]!.text).toContain('11 files');
    expect((await verifyEvidence(db, { dir, key }, 'v1.4.0')).problems).toEqual([]);
  });

  it('skips a check that has no source, with the reason, and is then incomplete, never ready', async () => {
    const result = await runPreflight(deps({ sources: (s) => ({ ...s, pgbouncer: { missing: 'not configured (preflight.pgbouncer.adminUrl)' } }) }), request);
    expect(result?.findings[2]).toMatchObject({ outcome: 'skipped', summary: 'not configured (preflight.pgbouncer.adminUrl)' });
    expect(result?.verdict.verdict).toBe('incomplete');
  });

  it('fails a check that hangs at its own timeout, and the other checks still finish', async () => {
    const valid = validateConfig({ preflight: { checkTimeout: '200ms', prisma: { expectedMigrations: 8 } } });
    if (!valid.ok) throw new Error(valid.problems.join('\n'));
    const hanging = { probe: { headers: () => new Promise<never>(() => undefined) }, url: 'https://spark.example/' };
    const result = await runPreflight(deps({ config: valid.config, sources: (s) => ({ ...s, headers: { port: hanging } }) }), request);
    expect(result?.findings[4]).toMatchObject({ outcome: 'fail', summary: 'timed out after 0.2 s' });
    expect(result?.findings.filter((f) => f.outcome === 'pass')).toHaveLength(9);
    expect(result?.verdict.verdict).toBe('not-ready');
  });

  it('an unreachable source is a fail with its error, not a pass', async () => {
    const down = { targets: async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:9')) };
    const result = await runPreflight(deps({ sources: (s) => ({ ...s, targets: { port: down } }) }), request);
    expect(result?.findings[7]).toMatchObject({ outcome: 'fail', summary: 'connect ECONNREFUSED 127.0.0.1:9' });
  });

  it('runs once for a repeated delivery, and a new command makes a new run shown as the latest', async () => {
    const d = deps();
    expect(await runPreflight(d, { ...request, deliveryId: 'cmd-1' })).toBeDefined();
    expect(await runPreflight(d, { ...request, deliveryId: 'cmd-1' })).toBeUndefined();
    const second = await runPreflight(d, { ...request, deliveryId: 'cmd-2' });
    const latest = await latestRuns(db, 5);
    expect(latest).toHaveLength(1);
    expect(latest[0]).toMatchObject({ runId: second!.runId, version: 'v1.4.0', verdict: 'ready-with-warnings', counts: { pass: 9, warn: 1 } });
  });

  it('stores the baseline it measured for the canary to compare with', async () => {
    const result = await runPreflight(deps(), request);
    const [row] = await db.query<{ data: { stableVersion: string; baseline: Record<string, number> } }>(
      `SELECT data FROM preflight_check WHERE run_id = $1 AND check_id = 'baseline'`,
      [result!.runId],
    );
    expect(row?.data.stableVersion).toBe('v1.3.2');
    expect(Object.keys(row!.data.baseline).sort()).toEqual(defaultConfig().signals.map((s) => s.id).sort());
    expect(row!.data.baseline.api_p95).toBeGreaterThan(100);
    expect(row!.data.baseline.api_p95).toBeLessThan(200);
  });

  it('closes a run a stopped bot left unfinished as interrupted, and says so on its card', async () => {
    const budget = defaultConfig().preflight.budget;
    const stale = await db.transaction((tx) => insertRun(tx, { ...request, at: new Date(T0.getTime() - 3 * budget) }));
    const fresh = await db.transaction((tx) => insertRun(tx, { ...request, version: 'v1.4.1', at: new Date(T0.getTime() - 1000) }));
    expect(await closeInterruptedRuns(db, key, T0, budget)).toBe(1);
    const runs = await db.query<{ id: number; verdict: string | null }>('SELECT id, verdict FROM preflight_run ORDER BY id');
    expect(runs).toEqual([{ id: stale, verdict: 'interrupted' }, { id: fresh, verdict: null }]);
    expect((await outbox()).map((r) => r.text)).toEqual(['Preflight v1.4.0 interrupted after 0 of 10 checks']);
    expect(await closeInterruptedRuns(db, key, T0, budget)).toBe(0);
  });
});
