import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPreflight, type PreflightResult } from '../src/app/preflight/run.ts';
import { verifyEvidence } from '../src/evidence/verify.ts';
import { startPreflightRig, type PreflightRig } from './support/preflight-rig.ts';

describe('preflight against real PostgreSQL, pgBouncer, Prometheus and loopback web, flags and NTP', () => {
  let rig: PreflightRig;
  let result: PreflightResult;

  beforeAll(async () => {
    rig = await startPreflightRig(process.env.TEST_DATABASE_URL!, { ntpOffsetMs: 1500, stableValue: 142 });
    result = (await runPreflight(rig.deps, { version: 'v1.4.0', actor: 'U0SPARKIC', channel: '#spark-deploys' }))!;
  }, 60_000);
  afterAll(() => rig?.stop());

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
    const report = await verifyEvidence(rig.deps.db, rig.deps.evidence, 'v1.4.0');
    expect(report).toMatchObject({ files: 11, problems: [] });
  });
});
