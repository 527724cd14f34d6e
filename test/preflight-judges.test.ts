import { describe, expect, it } from 'vitest';
import { stableVersionOf } from '../src/app/preflight/checks/baseline.ts';
import { judgeConnections, judgeTables } from '../src/app/preflight/checks/bloat.ts';
import { judgeFlags } from '../src/app/preflight/checks/flags.ts';
import { judgeHeaders } from '../src/app/preflight/checks/headers.ts';
import { judgePools } from '../src/app/preflight/checks/pgbouncer.ts';
import { judgeMigrations } from '../src/app/preflight/checks/prisma.ts';
import { judgeTargets } from '../src/app/preflight/checks/prometheus-targets.ts';
import { judgeSequences } from '../src/app/preflight/checks/sequences.ts';
import { judgeDrift } from '../src/app/preflight/checks/time-drift.ts';
import { PREFLIGHT_CHECKS } from '../src/app/preflight/checks.ts';
import { PREFLIGHT_CHECK_IDS } from '../src/config/schema.ts';
import { findingOf, verdictOf } from '../src/domain/preflight/finding.ts';
import type { PoolRow } from '../src/ports/pgbouncer.ts';

const outcomes = (parts: { outcome: string }[]) => parts.map((p) => p.outcome);
const pool = (p: Partial<PoolRow>): PoolRow => ({
  database: 'spark', user: 'app', cl_active: 10, cl_waiting: 0, sv_active: 4, sv_idle: 4, sv_used: 0, maxwait: 0, pool_mode: 'transaction', pool_size: 40, ...p,
});
const NOW = new Date('2026-11-24T18:00:00Z');

describe('a preflight run’s verdict', () => {
  it('has one module per check the config can name', () => {
    expect(PREFLIGHT_CHECKS.map((c) => c.id)).toEqual([...PREFLIGHT_CHECK_IDS]);
  });

  it('is ready only when every check passed; a skipped check makes it incomplete, a fail not ready', () => {
    expect(verdictOf(['pass', 'pass']).verdict).toBe('ready');
    expect(verdictOf(['pass', 'warn']).verdict).toBe('ready-with-warnings');
    expect(verdictOf(['pass', 'warn', 'skipped']).verdict).toBe('incomplete');
    expect(verdictOf(['skipped', 'fail']).verdict).toBe('not-ready');
    expect(verdictOf(['pass', 'fail', 'warn', 'skipped']).counts).toEqual({ pass: 1, fail: 1, warn: 1, skipped: 1 });
  });

  it('summarises a finding by what is worst in it', () => {
    const f = findingOf([{ outcome: 'pass', line: 'a fine' }, { outcome: 'fail', line: 'b broken' }, { outcome: 'warn', line: 'c odd' }], 'all fine');
    expect(f).toMatchObject({ outcome: 'fail', summary: 'b broken' });
    expect(f.lines).toEqual(['ok    a fine', 'FAIL  b broken', 'WARN  c odd']);
    expect(findingOf([{ outcome: 'pass', line: 'x' }], 'all fine').summary).toBe('all fine');
  });
});

describe('the checks judge what they saw', () => {
  it('time drift: the producers’ ±3 s tolerance, either way', () => {
    expect(judgeDrift('ntp', 180, 1000, 3000).outcome).toBe('pass');
    expect(judgeDrift('ntp', -1500, 1000, 3000)).toEqual({ outcome: 'warn', line: 'ntp is 1.500 s behind the bot (tolerance ±3 s)' });
    expect(judgeDrift('ntp', 3001, 1000, 3000).outcome).toBe('fail');
    expect(judgeDrift('ntp', -4000, 1000, 3000).outcome).toBe('fail');
  });

  it('pgBouncer: fails at 90 % of a pool or any client waiting, per database', () => {
    expect(outcomes(judgePools([pool({ sv_active: 20 }), pool({ user: 'b', sv_active: 10 })], 75, 90))).toEqual(['warn']);
    expect(outcomes(judgePools([pool({ sv_active: 36 })], 75, 90))).toEqual(['fail']);
    const waiting = judgePools([pool({ sv_active: 2, cl_waiting: 3, maxwait: 4 })], 75, 90);
    expect(waiting).toEqual([{ outcome: 'fail', line: 'spark: 2/40 server connections in use (5 %), 3 clients waiting (longest 4 s)' }]);
    expect(outcomes(judgePools([pool({}), pool({ database: 'ro', pool_size: 10, sv_active: 1 })], 75, 90))).toEqual(['pass', 'pass']);
  });

  it('Prisma: an unfinished or rolled-back migration fails, and so does a count other than expected', () => {
    const done = { finishedAt: NOW, rolledBackAt: null, logs: null };
    const rows = [{ name: '001_init', ...done }, { name: '002_orders', ...done }];
    expect(outcomes(judgeMigrations(rows, 2))).toEqual(['pass']);
    expect(judgeMigrations(rows, 3).at(-1)).toEqual({ outcome: 'fail', line: '2 applied, this release expects 3' });
    expect(judgeMigrations(rows, undefined).at(-1)?.outcome).toBe('warn');
    const bad = judgeMigrations([...rows, { name: '003_x', finishedAt: null, rolledBackAt: null, logs: 'ERROR: column exists\nmore' }, { name: '004_y', ...done, rolledBackAt: NOW }], 2);
    expect(bad.map((p) => p.line)).toEqual([
      '003_x never finished: ERROR: column exists',
      `004_y was rolled back at ${NOW.toISOString()}`,
      '2 applied, as expected',
    ]);
  });

  it('headers: nonce CSP with reports, COEP, COOP and a long HSTS; a redirect is not the page', () => {
    const good = {
      'content-security-policy': "default-src 'self'; script-src 'self' 'nonce-abc123'; report-uri /csp",
      'cross-origin-embedder-policy': 'require-corp',
      'cross-origin-opener-policy': 'same-origin',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
    };
    expect(outcomes(judgeHeaders({ status: 200, headers: good }, 31_536_000)).every((o) => o === 'pass')).toBe(true);
    const weak = judgeHeaders(
      { status: 200, headers: { ...good, 'content-security-policy': "script-src 'self' 'unsafe-inline'", 'strict-transport-security': 'max-age=600', 'cross-origin-embedder-policy': '' } },
      31_536_000,
    );
    expect(weak.filter((p) => p.outcome === 'fail').map((p) => p.line)).toEqual([
      'CSP script-src has no nonce',
      'CSP has no report-uri or report-to',
      'no Cross-Origin-Embedder-Policy',
      'HSTS max-age 600 is below 31536000',
    ]);
    expect(judgeHeaders({ status: 301, headers: { location: 'https://x/login' } }, 1)[0]?.line).toBe('answered 301 to https://x/login: point preflight.headers.url at the page itself');
  });

  it('sequences: behind its column fails (the after-restore mistake), near its max warns then fails', () => {
    const seq = (lastValue: number | null, maxValue: number, columnMax: number | null) => ({ name: 's', lastValue, maxValue, feeds: { table: 'orders', column: 'id' }, columnMax });
    expect(outcomes(judgeSequences([seq(100, 1000, 100)], 0.75, 0.9))).toEqual(['pass']);
    expect(outcomes(judgeSequences([seq(99, 1000, 100)], 0.75, 0.9))).toEqual(['fail']);
    expect(outcomes(judgeSequences([seq(null, 1000, 5)], 0.75, 0.9))).toEqual(['fail']);
    expect(outcomes(judgeSequences([seq(800, 1000, 800), seq(950, 1000, null)], 0.75, 0.9))).toEqual(['warn', 'fail']);
  });

  it('flags: a missing or different flag fails; extra flags do not matter', () => {
    expect(judgeFlags({ a: true, b: 'v2', c: false }, { a: true, b: 'v1', z: true })).toEqual([
      { outcome: 'pass', line: 'a = true' },
      { outcome: 'fail', line: 'b = "v1", expected "v2"' },
      { outcome: 'fail', line: 'c: missing, expected false' },
    ]);
  });

  it('Prometheus targets: every expected job scraped and up', () => {
    const t = (job: string, health: 'up' | 'down', lastError = '') => ({ job, instance: `${job}:1`, health, lastError });
    expect(outcomes(judgeTargets([t('spark', 'up'), t('node', 'up')], ['spark', 'node']))).toEqual(['pass', 'pass']);
    expect(judgeTargets([t('spark', 'down', 'connection refused')], ['spark', 'node']).map((p) => p.line)).toEqual([
      'spark: 1/1 down (spark:1: connection refused)',
      'node: not scraped at all',
    ]);
    expect(outcomes(judgeTargets([t('spark', 'up'), t('other', 'down')], ['spark']))).toEqual(['pass', 'warn']);
  });

  it('baseline: measured on the version taking most traffic that is not being released', () => {
    expect(stableVersionOf({ 'v1.3.2': 100 }, 'v1.4.0')).toBe('v1.3.2');
    expect(stableVersionOf({ 'v1.3.2': 95, 'v1.4.0': 5 }, 'v1.4.0')).toBe('v1.3.2');
    expect(stableVersionOf({ 'v1.4.0': 100 }, 'v1.4.0')).toBeUndefined();
  });

  it('bloat: dead tuples per judged table, autovacuum age, connection creep', () => {
    const rules = { deadTupleWarnPercent: 10, deadTupleFailPercent: 20, minTuples: 1000, autovacuumMaxAge: 86_400_000, connectionCreepPercent: 25 };
    const table = (name: string, live: number, dead: number, hoursAgo: number | null) => ({
      table: name, liveTuples: live, deadTuples: dead, lastAutovacuum: hoursAgo === null ? null : new Date(NOW.getTime() - hoursAgo * 3_600_000),
    });
    const parts = judgeTables([table('orders', 9000, 1000, 1), table('bloated', 7000, 3000, null), table('tiny', 10, 90, null), table('old', 5000, 10, 30)], rules, NOW);
    expect(parts).toEqual([
      { outcome: 'warn', line: 'orders: 10 % dead tuples (1000 of 10000)' },
      { outcome: 'fail', line: 'bloated: 30 % dead tuples (3000 of 10000)' },
      { outcome: 'warn', line: 'bloated: never autovacuumed' },
      { outcome: 'pass', line: 'old: 0.2 % dead tuples (10 of 5010)' },
      { outcome: 'warn', line: 'old: last autovacuum 30 h ago' },
    ]);
    expect(judgeConnections(40, undefined, 25).outcome).toBe('pass');
    expect(judgeConnections(60, 40, 25)).toEqual({ outcome: 'warn', line: '60 connections, 40 at the previous preflight (+50 %)' });
    expect(judgeConnections(45, 40, 25).outcome).toBe('pass');
  });
});
