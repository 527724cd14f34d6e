import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config/schema.ts';
import { autoFill, judgeCi, judgeCoverage, planItems, refreshItems } from '../src/domain/gonogo/items.ts';

const cfg = defaultConfig();
const planned = planItems(cfg.gonogo.items);

describe('the required items', () => {
  it('the default ten: nine filled in by the bot, the team’s readiness ticked by the IC', () => {
    expect(planned.map((i) => i.id)).toEqual(cfg.gonogo.items.map((i) => i.id));
    const byRole = planned.flatMap((i) => (i.source === 'role' ? [[i.id, i.role]] : []));
    expect(byRole).toEqual([['team_ready', 'ic']]);
    expect(planned.find((i) => i.id === 'rollback_tested')).toMatchObject({ source: 'auto', from: ['rollback'], state: 'unknown' });
    expect(planned.find((i) => i.id === 'artifacts_docs')).toMatchObject({ source: 'auto', from: ['evidence'] });
    expect(planned.find((i) => i.id === 'db_health')).toMatchObject({ source: 'auto', from: ['pgbouncer', 'prisma', 'sequences', 'bloat'], state: 'unknown' });
    expect(planned.find((i) => i.id === 'team_ready')).toMatchObject({ state: 'missing', title: 'Team ready' });
  });

  it('follows the config: a team’s own item ticked by the role it names', () => {
    expect(planItems([{ id: 'legal_signoff', title: 'Legal sign-off', tickedBy: 'productOwner' }])).toEqual([
      { id: 'legal_signoff', title: 'Legal sign-off', state: 'missing', detail: 'not ticked yet', source: 'role', role: 'productOwner' },
    ]);
  });
});

describe('auto items from the evidence', () => {
  const pass = (summary: string) => ({ outcome: 'pass' as const, summary });
  const byId = (fills: ReturnType<typeof autoFill>) => Object.fromEntries(fills.map((f) => [f.id, f]));

  it('ok when every source passed; a warning is ok and shows', () => {
    const f = byId(autoFill(planned, {
      headers: pass('CSP nonce, COEP, COOP, HSTS'),
      pgbouncer: pass('p'), prisma: pass('q'), sequences: { outcome: 'warn', summary: 'orders_id_seq at 71 %' }, bloat: pass('b'),
    }));
    expect(f.security_headers).toEqual({ id: 'security_headers', state: 'ok', detail: 'CSP nonce, COEP, COOP, HSTS' });
    expect(f.db_health).toEqual({ id: 'db_health', state: 'ok', detail: 'sequences: warn — orders_id_seq at 71 %' });
    expect(byId(autoFill(planned, { pgbouncer: pass('p'), prisma: pass('q'), sequences: pass('s'), bloat: pass('b') })).db_health?.detail).toBe('pgbouncer, prisma, sequences, bloat: pass');
  });

  it('failed when any source failed, unknown when one was skipped or is absent: never a pass', () => {
    const f = byId(autoFill(planned, {
      pgbouncer: { outcome: 'fail', summary: '38/40 in use' }, prisma: { outcome: 'skipped', summary: 'not configured' }, sequences: pass('s'), bloat: pass('b'),
      flags: { outcome: 'skipped', summary: 'no flag service configured' },
    }));
    expect(f.db_health).toEqual({ id: 'db_health', state: 'failed', detail: 'pgbouncer: fail — 38/40 in use' });
    expect(f.feature_flags).toEqual({ id: 'feature_flags', state: 'unknown', detail: 'flags: skipped — no flag service configured' });
    expect(f.monitoring).toEqual({ id: 'monitoring', state: 'unknown', detail: 'prometheus-targets: no evidence' });
    expect(f.rollback_tested).toEqual({ id: 'rollback_tested', state: 'unknown', detail: 'rollback: no evidence' });
    expect(Object.keys(f)).toHaveLength(9);
  });

  it('CI and coverage are judged against the config’s minimum', () => {
    expect(judgeCi({ green: true, said: 'success' })).toEqual({ outcome: 'pass', summary: 'CI says "success"' });
    expect(judgeCi({ green: false, said: 'failure' })).toEqual({ outcome: 'fail', summary: 'CI says "failure", not green' });
    expect(judgeCi(undefined).outcome).toBe('skipped');
    const min = cfg.gonogo.coverageMin;
    expect(min).toBe(95);
    expect(judgeCoverage(95, min)).toEqual({ outcome: 'pass', summary: 'coverage 95 % (minimum 95 %)' });
    expect(judgeCoverage(94.9, min)).toEqual({ outcome: 'fail', summary: 'coverage 94.9 % is below the minimum 95 %' });
    expect(judgeCoverage(undefined, min).outcome).toBe('skipped');
    const f = byId(autoFill(planned, { ci: judgeCi({ green: true, said: 'success' }), coverage: judgeCoverage(94.9, min) }));
    expect(f.ci_green?.state).toBe('ok');
    expect(f.test_coverage?.state).toBe('failed');
  });

  it('refreshing keeps an unchanged item as it was, and stamps a changed one', () => {
    const first = refreshItems(planned, [{ id: 'ci_green', state: 'ok', detail: 'green' }], '2026-11-24T15:00:00.000Z');
    expect(first.find((i) => i.id === 'ci_green')).toMatchObject({ state: 'ok', at: '2026-11-24T15:00:00.000Z' });
    const second = refreshItems(first, [{ id: 'ci_green', state: 'ok', detail: 'green' }], '2026-11-24T15:05:00.000Z');
    expect(second.find((i) => i.id === 'ci_green')).toBe(first.find((i) => i.id === 'ci_green'));
    expect(second.find((i) => i.id === 'team_ready')).toBe(planned.find((i) => i.id === 'team_ready'));
  });
});
