import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config/schema.ts';
import { handTickedRollback } from './support/gonogo-config.ts';
import { autoFill, planItems, refreshItems, type SourceResult } from '../src/domain/gonogo/items.ts';
import { roleLabel } from '../src/domain/gonogo/roles.ts';
import {
  blockingReasons,
  currentVote,
  describeBlocker,
  missingVoters,
  nextDueAt,
  reminderDueAt,
  sameBinding,
  staleVote,
  statusOf,
} from '../src/domain/gonogo/rules.ts';
import { apply, openSession, rulesFrom } from '../src/domain/gonogo/session.ts';
import type { Binding, GonogoEvent, GonogoSession } from '../src/domain/gonogo/types.ts';

/** A team that ticks the rollback item by hand (not the default), so role ticks are exercised on two items. */
const cfg = handTickedRollback(defaultConfig());
const MIN = 60_000;
const T0 = Date.parse('2026-11-24T15:00:00Z');
const t = (min: number) => new Date(T0 + min * MIN);

const IC = 'U0SPARKIC';
const APPROVERS: [string, string][] = [['devopsLead', 'U0DEVOPS'], ['cto', 'U0CTO'], ['productOwner', 'U0PRODUCT'], ['securityTeam', 'U0SECURITY'], ['redTeamLead', 'U0REDTEAM']];
const user = (role: string) => APPROVERS.find(([r]) => r === role)![1];
const B1: Binding = { commit: 'a1b2c3d', preflightHash: 'p1' };
const B2: Binding = { commit: 'a1b2c3d', preflightHash: 'p2' };

const planned = planItems(cfg.gonogo.items);
const ALL_PASS: Record<string, SourceResult> = Object.fromEntries(
  ['headers', 'flags', 'pgbouncer', 'prisma', 'sequences', 'bloat', 'prometheus-targets', 'baseline', 'evidence', 'ci', 'coverage'].map((id) => [id, { outcome: 'pass' as const, summary: `${id} fine` }]),
);
const fills = autoFill(planned, ALL_PASS);
const open = () => openSession(rulesFrom(cfg), 'v1.4.0', B1, refreshItems(planned, fills, t(0).toISOString()), t(0));

function at(s: GonogoSession, min: number, ...events: GonogoEvent[]): GonogoSession {
  for (const e of events) {
    const r = apply(s, e, t(min));
    if (r.outcome.kind === 'refused') throw new Error(r.outcome.why);
    s = r.session;
  }
  return s;
}
const go = (role: string): GonogoEvent => ({ type: 'vote', role, user: user(role), choice: 'go' });
const nogo = (role: string, reason: string): GonogoEvent => ({ type: 'vote', role, user: user(role), choice: 'nogo', reason });
const ticks: GonogoEvent[] = [
  { type: 'tick-item', itemId: 'rollback_tested', user: 'U0DEVOPS', ok: true },
  { type: 'tick-item', itemId: 'team_ready', user: IC, ok: true },
];

describe('the rules from the config', () => {
  it('are the default ritual: five approvers, 10 minutes, the reminder at 8', () => {
    const rules = rulesFrom(cfg);
    expect(rules.approvers).toEqual(['devopsLead', 'cto', 'productOwner', 'securityTeam', 'redTeamLead']);
    expect(rules.timeboxMs).toBe(10 * MIN);
    expect(rules.reminderAtMs).toBe(8 * MIN);
    expect(rules.holders.ic).toEqual([IC]);
    expect(rules.holders.cto).toEqual(['U0CTO']);
  });

  it('are a copy: a later change to the config does not reach an open session', () => {
    const c = defaultConfig();
    const rules = rulesFrom(c);
    c.roles.cto!.push('U0INTRUDER');
    c.gonogo.approvers.push('onCall');
    expect(rules.holders.cto).toEqual(['U0CTO']);
    expect(rules.approvers).toHaveLength(5);
  });

  it('name roles the way people say them', () => {
    expect(roleLabel('cto')).toBe('the CTO');
    expect(roleLabel('ic')).toBe('the IC');
    expect(roleLabel('redTeamLead')).toBe('the Red Team Lead');
    expect(roleLabel('qaLead')).toBe('the qaLead');
  });
});

describe('statusOf', () => {
  it('follows the session from open to GO', () => {
    let s = open();
    expect(statusOf(s)).toBe('open');
    s = at(s, 1, ...ticks, go('devopsLead'), go('cto'), go('productOwner'), go('securityTeam'));
    expect(statusOf(s)).toBe('open');
    s = at(s, 2, nogo('redTeamLead', 'idempotency replay gave two fills'));
    expect(statusOf(s)).toBe('standing-no-go');
    s = at(s, 3, go('redTeamLead'));
    expect(statusOf(s)).toBe('ready-to-confirm');
    s = at(s, 4, { type: 'confirm-go', user: IC });
    expect(statusOf(s)).toBe('go');
  });

  it('a standing NO-GO outranks missing items and votes', () => {
    const s = at(openSession(rulesFrom(cfg), 'v1.4.0', B1, planned, t(0)), 1, nogo('cto', 'no'));
    expect(statusOf(s)).toBe('standing-no-go');
  });

  it('is no-go once the IC closes, expired once the timebox runs out', () => {
    expect(statusOf(at(open(), 1, { type: 'close-no-go', user: IC, reason: 'halt' }))).toBe('no-go');
    expect(statusOf(at(open(), 10, { type: 'clock' }))).toBe('expired');
  });
});

describe('votes and bindings', () => {
  it('a binding is the commit, the preflight hash and the red-team hash together', () => {
    expect(sameBinding(B1, { ...B1 })).toBe(true);
    expect(sameBinding(B1, B2)).toBe(false);
    expect(sameBinding(B1, { ...B1, commit: 'other' })).toBe(false);
    expect(sameBinding(B1, { ...B1, redteamHash: 'r1' })).toBe(false);
    expect(sameBinding({ ...B1, redteamHash: 'r1' }, { ...B1, redteamHash: 'r1' })).toBe(true);
  });

  it('a vote is current under its binding and stale under another', () => {
    let s = at(open(), 1, go('cto'));
    expect(currentVote(s, 'cto')?.choice).toBe('go');
    expect(staleVote(s, 'cto')).toBeUndefined();
    s = at(s, 2, { type: 'rebind', binding: B2, refreshedItems: fills });
    expect(currentVote(s, 'cto')).toBeUndefined();
    expect(staleVote(s, 'cto')).toMatchObject({ choice: 'go', binding: B1 });
    expect(staleVote(s, 'devopsLead')).toBeUndefined();
  });

  it('missingVoters keeps the card’s order and counts a stale vote as missing', () => {
    let s = at(open(), 1, go('productOwner'), go('devopsLead'));
    expect(missingVoters(s)).toEqual(['cto', 'securityTeam', 'redTeamLead']);
    s = at(s, 2, { type: 'rebind', binding: B2, refreshedItems: fills }, go('cto'));
    expect(missingVoters(s)).toEqual(['devopsLead', 'productOwner', 'securityTeam', 'redTeamLead']);
  });
});

describe('blockingReasons', () => {
  it('lists NO-GOs first, then items not ok, then roles without a current vote', () => {
    const redCi = autoFill(planned, { ...ALL_PASS, ci: { outcome: 'fail', summary: 'CI says "failure", not green' } });
    let s = openSession(rulesFrom(cfg), 'v1.4.0', B1, refreshItems(planned, redCi, t(0).toISOString()), t(0));
    s = at(s, 1, go('devopsLead'), nogo('securityTeam', 'HSTS is off'), go('cto'), go('productOwner'));
    const reasons = blockingReasons(s);
    expect(reasons.map((b) => b.kind)).toEqual(['nogo', 'item', 'item', 'item', 'no-vote']);
    const names: Record<string, string> = { U0SECURITY: 'Elif Şahin' };
    expect(reasons.map((b) => describeBlocker(b, (id) => names[id] ?? id))).toEqual([
      'NO-GO from the Security Team (Elif Şahin): HSTS is off',
      '"CI green" is failed: ci: fail — CI says "failure", not green',
      '"Rollback plan tested" is not ticked yet (the DevOps Lead ticks it)',
      '"Team ready" is not ticked yet (the IC ticks it)',
      'the Red Team Lead has not voted',
    ]);
  });

  it('says when a role’s vote is stale', () => {
    const s = at(open(), 1, go('cto'), { type: 'rebind', binding: B2, refreshedItems: fills });
    const stale = blockingReasons(s).find((b) => b.kind === 'no-vote' && b.role === 'cto')!;
    expect(describeBlocker(stale)).toBe("the CTO's vote is stale (cast before the new commit or evidence)");
  });

  it('says which role ticks a missing item, and that an auto item has no evidence yet', () => {
    const s = openSession(rulesFrom(cfg), 'v1.4.0', B1, planned, t(0));
    const rollback = blockingReasons(s).find((b) => b.kind === 'item' && b.item.id === 'rollback_tested')!;
    expect(describeBlocker(rollback)).toBe('"Rollback plan tested" is not ticked yet (the DevOps Lead ticks it)');
    const ci = blockingReasons(s).find((b) => b.kind === 'item' && b.item.id === 'ci_green')!;
    expect(describeBlocker(ci)).toBe('"CI green" is unknown: no evidence yet');
  });

  it('is empty exactly when the IC may confirm GO', () => {
    const s = at(open(), 1, ...ticks, ...APPROVERS.map(([r]) => go(r)));
    expect(blockingReasons(s)).toEqual([]);
    expect(statusOf(s)).toBe('ready-to-confirm');
  });
});

describe('nextDueAt, through the whole life of a session', () => {
  it('reminder at 8, then the deadline, the extended deadline, then nothing once decided', () => {
    let s = open();
    expect(reminderDueAt(s)).toEqual(t(8));
    expect(nextDueAt(s)).toEqual(t(8));
    s = at(s, 2, go('cto'), ...ticks);
    expect(nextDueAt(s)).toEqual(t(8));
    s = at(s, 8, { type: 'clock' });
    expect(s.reminded).toBe(true);
    expect(nextDueAt(s)).toEqual(t(10));
    s = at(s, 9, { type: 'extend', user: IC });
    expect(nextDueAt(s)).toEqual(t(20));
    s = at(s, 10, { type: 'clock' });
    expect(nextDueAt(s)).toEqual(t(20));
    s = at(s, 12, ...APPROVERS.map(([r]) => go(r)));
    expect(nextDueAt(s)).toEqual(t(20));
    s = at(s, 13, { type: 'confirm-go', user: IC });
    expect(nextDueAt(s)).toBeUndefined();
  });

  it('skips the reminder while nobody is missing, and brings it back when a rebind makes votes stale', () => {
    let s = at(open(), 5, ...APPROVERS.map(([r]) => go(r)));
    expect(nextDueAt(s)).toEqual(t(10));
    s = at(s, 8, { type: 'clock' });
    expect(s.reminded).toBe(false);
    s = at(s, 9, { type: 'rebind', binding: B2, refreshedItems: fills });
    // already past: the caller's timer fires at once and the stale roles are reminded
    expect(nextDueAt(s)).toEqual(t(8));
    const r = apply(s, { type: 'clock' }, t(9));
    expect(r.outcome).toMatchObject({ kind: 'reminder', missingRoles: APPROVERS.map(([role]) => role) });
    expect(nextDueAt(r.session)).toEqual(t(10));
  });

  it('a reminder timer that fires late still reminds, once', () => {
    const r = apply(at(open(), 1, go('cto')), { type: 'clock' }, t(9.5));
    expect(r.outcome.kind).toBe('reminder');
    expect(nextDueAt(r.session)).toEqual(t(10));
  });

  it('is nothing after expiry or a NO-GO', () => {
    expect(nextDueAt(at(open(), 10, { type: 'clock' }))).toBeUndefined();
    expect(nextDueAt(at(open(), 3, { type: 'close-no-go', user: IC, reason: 'halt' }))).toBeUndefined();
  });
});
