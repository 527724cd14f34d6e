import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config/schema.ts';
import { handTickedRollback } from './support/gonogo-config.ts';
import { autoFill, planItems, refreshItems, type SourceResult } from '../src/domain/gonogo/items.ts';
import { blockingReasons, missingVoters, nextDueAt, statusOf } from '../src/domain/gonogo/rules.ts';
import { apply, openSession, rulesFrom } from '../src/domain/gonogo/session.ts';
import type { Applied, Binding, GonogoEvent, GonogoRules, GonogoSession } from '../src/domain/gonogo/types.ts';

/** A team that ticks the rollback item by hand (not the default), so role ticks are exercised on two items. */
const cfg = handTickedRollback(defaultConfig());
const MIN = 60_000;
const T0 = Date.parse('2026-11-24T15:00:00Z');
const t = (min: number) => new Date(T0 + min * MIN);
const iso = (min: number) => t(min).toISOString();

const IC = 'U0SPARKIC';
const DEVOPS = 'U0DEVOPS';
const CTO = 'U0CTO';
const PO = 'U0PRODUCT';
const SEC = 'U0SECURITY';
const RED = 'U0REDTEAM';
const APPROVERS: [string, string][] = [['devopsLead', DEVOPS], ['cto', CTO], ['productOwner', PO], ['securityTeam', SEC], ['redTeamLead', RED]];
const NAMES: Record<string, string> = { [IC]: 'Ayşe Kaya', [DEVOPS]: 'Mehmet Demir', [CTO]: 'Zeynep Arslan', [PO]: 'Can Yıldız', [SEC]: 'Elif Şahin', [RED]: 'Burak Çelik' };
const nameOf = (id: string) => NAMES[id] ?? id;

const B1: Binding = { commit: 'a1b2c3d', preflightHash: 'p1' };
const B2: Binding = { commit: 'a1b2c3d', preflightHash: 'p2' };

const PREFLIGHT_IDS = ['headers', 'flags', 'pgbouncer', 'prisma', 'sequences', 'bloat', 'prometheus-targets', 'baseline'];
const evidence = (over: Record<string, SourceResult> = {}): Record<string, SourceResult> => ({
  ...Object.fromEntries(PREFLIGHT_IDS.map((id) => [id, { outcome: 'pass' as const, summary: `${id} fine` }])),
  evidence: { outcome: 'pass', summary: '11 files, intact' },
  ci: { outcome: 'pass', summary: 'CI says "success"' },
  coverage: { outcome: 'pass', summary: 'coverage 96.4 % (minimum 95 %)' },
  ...over,
});
const planned = planItems(cfg.gonogo.items);
const fills = (over: Record<string, SourceResult> = {}) => autoFill(planned, evidence(over));
const ROLE_TICKS: [string, string][] = [['rollback_tested', DEVOPS], ['team_ready', IC]];

/** Deep-frozen, so any mutation by `apply` throws. */
function frozen<T>(v: T): T {
  if (v && typeof v === 'object') {
    Object.freeze(v);
    for (const x of Object.values(v)) frozen(x);
  }
  return v;
}

const open = (rules: GonogoRules = rulesFrom(cfg), items = refreshItems(planned, fills(), iso(0))) => frozen(openSession(rules, 'v1.4.0', B1, items, t(0)));
const openBare = () => frozen(openSession(rulesFrom(cfg), 'v1.4.0', B1, planned, t(0)));

/** Applies one event at minute `min`, checks the stored status and that nothing was mutated. */
function step(s: GonogoSession, e: GonogoEvent, min: number): Applied {
  const before = structuredClone(s);
  const r = apply(frozen(s), e, t(min), nameOf);
  expect(s).toEqual(before);
  expect(r.session.status).toBe(statusOf(r.session));
  if (r.outcome.kind === 'refused') expect(r.session).toBe(s);
  return { session: frozen(r.session), outcome: r.outcome };
}
/** Applies events in order (all expected not to be refused) and returns the last session. */
function run(s: GonogoSession, events: GonogoEvent[], min = 1): GonogoSession {
  for (const e of events) {
    const r = step(s, e, min);
    expect(r.outcome.kind, JSON.stringify(r.outcome)).not.toBe('refused');
    s = r.session;
  }
  return s;
}
const voteGo = (role: string, user: string): GonogoEvent => ({ type: 'vote', role, user, choice: 'go' });
const allGo = APPROVERS.map(([role, user]) => voteGo(role, user));
const allTicks: GonogoEvent[] = ROLE_TICKS.map(([itemId, user]) => ({ type: 'tick-item', itemId, user, ok: true }));
const ready = () => run(open(), [...allTicks, ...allGo]);

describe('opening a GO/NO-GO', () => {
  it('starts open with the ten items, no votes, a 10-minute deadline and the reminder due at 8 minutes', () => {
    const s = openBare();
    expect(s.status).toBe('open');
    expect(s.items).toHaveLength(10);
    expect(s.items.filter((i) => i.source === 'auto').every((i) => i.state === 'unknown')).toBe(true);
    expect(s.items.filter((i) => i.source === 'role').every((i) => i.state === 'missing')).toBe(true);
    expect(s.votes).toEqual({});
    expect(s.deadline).toBe(iso(10));
    expect(s.extended).toBe(false);
    expect(s.reminded).toBe(false);
    expect(s.decision).toBeUndefined();
    expect(nextDueAt(s)).toEqual(t(8));
    expect(missingVoters(s)).toEqual(['devopsLead', 'cto', 'productOwner', 'securityTeam', 'redTeamLead']);
  });

  it('survives a JSON round trip unchanged (it is stored as it is)', () => {
    const s = ready();
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('refuses to open on rules the config checks should have caught', () => {
    const rules = rulesFrom(cfg);
    expect(() => openSession({ ...rules, reminderAtMs: rules.timeboxMs }, 'v1.4.0', B1, planned, t(0))).toThrow(/reminder/);
    expect(() => openSession({ ...rules, holders: { ...rules.holders, cto: [] } }, 'v1.4.0', B1, planned, t(0))).toThrow(/nobody holds the "cto" role/);
    expect(() => openSession({ ...rules, holders: { ...rules.holders, ic: [] } }, 'v1.4.0', B1, planned, t(0))).toThrow(/"ic"/);
    expect(() => openSession(rules, 'v1.4.0', B1, [...planned, planned[0]!], t(0))).toThrow(/listed twice/);
    expect(() => openSession(rules, 'v1.4.0', B1, [], t(0))).toThrow(/no items/);
  });
});

describe('the GO path', () => {
  it('goes GO with 10/10 items, all five roles’ GO and the IC’s confirmation', () => {
    let s = run(open(), allTicks);
    expect(s.items.every((i) => i.state === 'ok')).toBe(true);
    s = run(s, allGo.slice(0, 4));
    expect(s.status).toBe('open');
    s = run(s, allGo.slice(4));
    expect(s.status).toBe('ready-to-confirm');
    expect(blockingReasons(s)).toEqual([]);
    const r = step(s, { type: 'confirm-go', user: IC }, 3);
    expect(r.outcome).toEqual({ kind: 'decided', decision: { kind: 'go', at: iso(3), by: IC, binding: B1, blockers: [] } });
    expect(r.session.status).toBe('go');
    expect(r.session.decision?.kind).toBe('go');
    expect(nextDueAt(r.session)).toBeUndefined();
  });

  it('refuses GO while an item is not ok, and names it', () => {
    const s = run(open(), [...allTicks.slice(1), ...allGo]);
    expect(s.status).toBe('open');
    const r = step(s, { type: 'confirm-go', user: IC }, 2);
    expect(r.outcome).toEqual({
      kind: 'refused',
      why: 'GO cannot be confirmed yet: "Rollback plan tested" is not ticked yet (the DevOps Lead ticks it).',
    });
  });

  it('refuses GO while one role has not voted, and names it', () => {
    const s = run(open(), [...allTicks, ...allGo.slice(0, 4)]);
    const r = step(s, { type: 'confirm-go', user: IC }, 2);
    expect(r.outcome).toEqual({ kind: 'refused', why: 'GO cannot be confirmed yet: the Red Team Lead has not voted.' });
  });

  it('refuses GO while an auto item failed or is unknown', () => {
    const s = run(open(undefined, refreshItems(planned, fills({ coverage: { outcome: 'fail', summary: 'coverage 93 % is below the minimum 95 %' } }), iso(0))), [...allTicks, ...allGo]);
    expect(s.status).toBe('open');
    const r = step(s, { type: 'confirm-go', user: IC }, 2);
    expect(r.outcome.kind).toBe('refused');
    expect(r.outcome.kind === 'refused' && r.outcome.why).toContain('"Test coverage at or above the minimum" is failed: coverage: fail — coverage 93 % is below the minimum 95 %');
    const bare = run(openBare(), [...allTicks, ...allGo]);
    expect(bare.status).toBe('open');
    expect(blockingReasons(bare).filter((b) => b.kind === 'item')).toHaveLength(8);
  });

  it('lets only the IC confirm GO, even when every approver said GO', () => {
    const s = ready();
    for (const [, user] of APPROVERS) {
      expect(step(s, { type: 'confirm-go', user }, 2).outcome).toEqual({ kind: 'refused', why: 'Only the IC (Ayşe Kaya) can confirm GO.' });
    }
    expect(step(s, { type: 'confirm-go', user: 'U0STRANGER' }, 2).outcome.kind).toBe('refused');
  });

  it('a double click on Confirm GO changes nothing the second time', () => {
    const first = step(ready(), { type: 'confirm-go', user: IC }, 2).session;
    const again = step(first, { type: 'confirm-go', user: IC }, 2);
    expect(again.outcome.kind).toBe('unchanged');
    expect(again.session).toBe(first);
  });
});

describe('NO-GO', () => {
  it('a NO-GO with a reason stands, is listed with its reason first, and blocks the confirmation', () => {
    let s = run(open(), [...allTicks, ...allGo.slice(0, 4)]);
    s = run(s, [{ type: 'vote', role: 'redTeamLead', user: RED, choice: 'nogo', reason: '  sequence fix is not deployed  ' }]);
    expect(s.status).toBe('standing-no-go');
    expect(s.votes.redTeamLead?.reason).toBe('sequence fix is not deployed');
    expect(blockingReasons(s)).toEqual([{ kind: 'nogo', role: 'redTeamLead', user: RED, reason: 'sequence fix is not deployed' }]);
    const r = step(s, { type: 'confirm-go', user: IC }, 2);
    expect(r.outcome).toEqual({ kind: 'refused', why: 'GO cannot be confirmed yet: NO-GO from the Red Team Lead (Burak Çelik): sequence fix is not deployed.' });
  });

  it('a NO-GO without a reason is refused and changes nothing', () => {
    const s = open();
    for (const reason of [undefined, '', '   \n\t']) {
      const r = step(s, { type: 'vote', role: 'cto', user: CTO, choice: 'nogo', ...(reason === undefined ? {} : { reason }) }, 1);
      expect(r.outcome).toEqual({ kind: 'refused', why: 'A NO-GO needs a reason.' });
      expect(r.session).toBe(s);
    }
  });

  it('a GO may carry a note; an empty note is dropped', () => {
    const s = run(open(), [{ type: 'vote', role: 'cto', user: CTO, choice: 'go', reason: ' watched the canary plan ' }, { type: 'vote', role: 'devopsLead', user: DEVOPS, choice: 'go', reason: '  ' }]);
    expect(s.votes.cto?.reason).toBe('watched the canary plan');
    expect(s.votes.devopsLead).not.toHaveProperty('reason');
  });

  it('the IC closes as NO-GO with a reason, recording what stood at that moment', () => {
    const s = run(open(), [{ type: 'vote', role: 'securityTeam', user: SEC, choice: 'nogo', reason: 'CSP report endpoint down' }]);
    const r = step(s, { type: 'close-no-go', user: IC, reason: ' security said no ' }, 4);
    expect(r.outcome.kind).toBe('decided');
    const d = r.session.decision!;
    expect(d).toMatchObject({ kind: 'no-go', at: iso(4), by: IC, reason: 'security said no', binding: B1 });
    expect(d.blockers[0]).toEqual({ kind: 'nogo', role: 'securityTeam', user: SEC, reason: 'CSP report endpoint down' });
    expect(r.session.status).toBe('no-go');
    expect(nextDueAt(r.session)).toBeUndefined();
  });

  it('the IC may close as NO-GO at any moment of the open session, even one ready to confirm', () => {
    for (const s of [openBare(), ready()]) {
      const r = step(s, { type: 'close-no-go', user: IC, reason: 'BIST circuit breaker tripped' }, 5);
      expect(r.session.status).toBe('no-go');
    }
    expect(step(ready(), { type: 'close-no-go', user: IC, reason: 'market halted' }, 5).session.decision?.blockers).toEqual([]);
  });

  it('closing as NO-GO needs the IC and a reason; a repeat changes nothing', () => {
    const s = open();
    expect(step(s, { type: 'close-no-go', user: CTO, reason: 'no' }, 1).outcome).toEqual({ kind: 'refused', why: 'Only the IC (Ayşe Kaya) can close the GO/NO-GO as NO-GO.' });
    expect(step(s, { type: 'close-no-go', user: IC, reason: '  ' }, 1).outcome).toEqual({ kind: 'refused', why: 'Closing as NO-GO needs a reason.' });
    const closed = step(s, { type: 'close-no-go', user: IC, reason: 'not today' }, 1).session;
    expect(step(closed, { type: 'close-no-go', user: IC, reason: ' not today ' }, 1).outcome.kind).toBe('unchanged');
    expect(step(closed, { type: 'close-no-go', user: IC, reason: 'other words' }, 1).outcome.kind).toBe('refused');
    expect(step(closed, { type: 'confirm-go', user: IC }, 1).outcome).toEqual({
      kind: 'refused',
      why: 'The GO/NO-GO for v1.4.0 is already decided: NO-GO, closed by Ayşe Kaya: not today.',
    });
  });
});

describe('votes', () => {
  it('a voter may change their vote until the decision, and the last one counts', () => {
    let s = run(open(), [...allTicks, ...allGo]);
    expect(s.status).toBe('ready-to-confirm');
    s = run(s, [{ type: 'vote', role: 'cto', user: CTO, choice: 'nogo', reason: 'risk limits untested' }], 2);
    expect(s.status).toBe('standing-no-go');
    expect(s.votes.cto).toMatchObject({ choice: 'nogo', at: iso(2) });
    s = run(s, [voteGo('cto', CTO)], 3);
    expect(s.status).toBe('ready-to-confirm');
    expect(s.votes.cto).toEqual({ role: 'cto', user: CTO, choice: 'go', at: iso(3), binding: B1 });
  });

  it('no vote is taken after the decision', () => {
    const s = step(ready(), { type: 'confirm-go', user: IC }, 2).session;
    const r = step(s, { type: 'vote', role: 'cto', user: CTO, choice: 'nogo', reason: 'too late?' }, 3);
    expect(r.outcome).toEqual({ kind: 'refused', why: 'The GO/NO-GO for v1.4.0 is already decided: GO, confirmed by Ayşe Kaya.' });
    expect(step(s, { type: 'tick-item', itemId: 'team_ready', user: IC, ok: false, note: 'x' }, 3).outcome.kind).toBe('refused');
    expect(step(s, { type: 'extend', user: IC }, 3).outcome.kind).toBe('refused');
  });

  it('someone who does not hold the role is refused, and nothing changes', () => {
    const s = run(open(), [voteGo('cto', CTO)]);
    const r = step(s, { type: 'vote', role: 'cto', user: DEVOPS, choice: 'nogo', reason: 'I disagree' }, 2);
    expect(r.outcome).toEqual({ kind: 'refused', why: 'Only the CTO (Zeynep Arslan) can vote for the CTO.' });
    expect(step(s, voteGo('securityTeam', 'U0STRANGER'), 2).outcome).toEqual({ kind: 'refused', why: 'Only the Security Team (Elif Şahin) can vote for the Security Team.' });
    expect(step(s, voteGo('cto', IC), 2).outcome.kind).toBe('refused');
  });

  it('a role that does not approve has no vote, not even the IC’s', () => {
    const s = open();
    expect(step(s, voteGo('ic', IC), 1).outcome).toEqual({
      kind: 'refused',
      why: 'The IC is not one of the GO/NO-GO approvers (the DevOps Lead, the CTO, the Product Owner, the Security Team, the Red Team Lead).',
    });
    expect(step(s, voteGo('onCall', 'U0ONCALL'), 1).outcome.kind).toBe('refused');
    expect(step(s, voteGo('nosuchrole', CTO), 1).outcome.kind).toBe('refused');
  });

  it('a person holding two roles votes for each separately', () => {
    const base = rulesFrom(cfg);
    const rules = { ...base, holders: { ...base.holders, devopsLead: [DEVOPS, CTO] } };
    let s = run(open(rules), [voteGo('cto', CTO)]);
    expect(missingVoters(s)).toContain('devopsLead');
    expect(missingVoters(s)).not.toContain('cto');
    s = run(s, [{ type: 'vote', role: 'devopsLead', user: CTO, choice: 'nogo', reason: 'pgBouncer pool too small' }]);
    expect(s.votes.cto?.choice).toBe('go');
    expect(s.votes.devopsLead).toMatchObject({ user: CTO, choice: 'nogo' });
    // the other holder of the role may replace that vote
    s = run(s, [voteGo('devopsLead', DEVOPS)]);
    expect(s.votes.devopsLead).toMatchObject({ user: DEVOPS, choice: 'go' });
    expect(step(s, voteGo('productOwner', CTO), 1).outcome.kind).toBe('refused');
  });

  it('the same vote applied twice changes nothing the second time and says so', () => {
    const once = step(open(), { type: 'vote', role: 'cto', user: CTO, choice: 'nogo', reason: 'drift' }, 1).session;
    const twice = step(once, { type: 'vote', role: 'cto', user: CTO, choice: 'nogo', reason: ' drift ' }, 1.1);
    expect(twice.outcome).toEqual({ kind: 'unchanged', why: 'Your NO-GO for the CTO is already counted.' });
    expect(twice.session).toBe(once);
    const go = step(once, voteGo('cto', CTO), 1.2);
    expect(go.outcome.kind).toBe('changed');
    expect(step(go.session, voteGo('cto', CTO), 1.3).outcome).toEqual({ kind: 'unchanged', why: 'Your GO for the CTO is already counted.' });
    // a different reason is a new vote
    expect(step(once, { type: 'vote', role: 'cto', user: CTO, choice: 'nogo', reason: 'clock drift' }, 1.4).outcome.kind).toBe('changed');
  });

  it('a hundred identical clicks leave the session as one click did', () => {
    const first = step(open(), voteGo('cto', CTO), 1).session;
    let s = first;
    for (let i = 0; i < 100; i++) {
      const r = apply(s, voteGo('cto', CTO), t(1), nameOf);
      expect(r.outcome.kind).toBe('unchanged');
      s = r.session;
    }
    expect(s).toBe(first);
  });
});

describe('items ticked by a role', () => {
  it('only the item’s role may tick it; the bot’s items cannot be ticked by hand', () => {
    const s = open();
    expect(step(s, { type: 'tick-item', itemId: 'rollback_tested', user: CTO, ok: true }, 1).outcome).toEqual({
      kind: 'refused',
      why: 'Only the DevOps Lead (Mehmet Demir) can tick "Rollback plan tested".',
    });
    expect(step(s, { type: 'tick-item', itemId: 'team_ready', user: DEVOPS, ok: true }, 1).outcome).toEqual({
      kind: 'refused',
      why: 'Only the IC (Ayşe Kaya) can tick "Team ready".',
    });
    expect(step(s, { type: 'tick-item', itemId: 'ci_green', user: IC, ok: true }, 1).outcome).toEqual({
      kind: 'refused',
      why: '"CI green" is filled in by the bot from the evidence (ci); it cannot be ticked by hand.',
    });
    expect(step(s, { type: 'tick-item', itemId: 'nope', user: IC, ok: true }, 1).outcome).toEqual({ kind: 'refused', why: 'There is no item "nope" in this GO/NO-GO.' });
  });

  it('ticks record who and when; not ok needs a note and blocks GO', () => {
    let s = run(open(), [{ type: 'tick-item', itemId: 'rollback_tested', user: DEVOPS, ok: true, note: ' drill on staging ' }], 2);
    expect(s.items.find((i) => i.id === 'rollback_tested')).toMatchObject({ state: 'ok', detail: 'drill on staging', by: DEVOPS, at: iso(2) });
    expect(step(s, { type: 'tick-item', itemId: 'rollback_tested', user: DEVOPS, ok: false }, 3).outcome).toEqual({
      kind: 'refused',
      why: 'Marking "Rollback plan tested" as not ok needs a note.',
    });
    s = run(s, [...allTicks.filter((e) => e.type === 'tick-item' && e.itemId !== 'rollback_tested'), ...allGo], 3);
    s = run(s, [{ type: 'tick-item', itemId: 'rollback_tested', user: DEVOPS, ok: false, note: 'rollback broke the schema' }], 4);
    expect(s.status).toBe('open');
    expect(blockingReasons(s)).toEqual([{ kind: 'item', item: expect.objectContaining({ id: 'rollback_tested', state: 'failed', detail: 'rollback broke the schema' }) }]);
  });

  it('the same tick twice changes nothing the second time', () => {
    const e: GonogoEvent = { type: 'tick-item', itemId: 'team_ready', user: IC, ok: true };
    const once = step(open(), e, 1).session;
    const twice = step(once, e, 1.5);
    expect(twice.outcome).toEqual({ kind: 'unchanged', why: '"Team ready" is already ok.' });
    expect(twice.session).toBe(once);
  });
});

describe('a new binding (a new preflight run or a new commit)', () => {
  it('makes every earlier vote stale: shown, not counted, to be cast again; items are refreshed, ticks kept', () => {
    let s = ready();
    const r = step(s, { type: 'rebind', binding: B2, refreshedItems: fills({ bloat: { outcome: 'fail', summary: 'orders has 31 % dead tuples' } }) }, 5);
    expect(r.outcome).toEqual({ kind: 'changed' });
    s = r.session;
    expect(s.binding).toEqual(B2);
    expect(s.status).toBe('open');
    expect(Object.keys(s.votes)).toHaveLength(5);
    expect(missingVoters(s)).toEqual(APPROVERS.map(([role]) => role));
    expect(blockingReasons(s)).toContainEqual({ kind: 'no-vote', role: 'cto', stale: expect.objectContaining({ choice: 'go', binding: B1 }) });
    expect(s.items.find((i) => i.id === 'db_health')).toMatchObject({ state: 'failed', detail: 'bloat: fail — orders has 31 % dead tuples', at: iso(5) });
    expect(s.items.filter((i) => i.source === 'role').every((i) => i.state === 'ok')).toBe(true);
    expect(step(s, { type: 'confirm-go', user: IC }, 6).outcome.kind).toBe('refused');

    s = run(s, [{ type: 'rebind', binding: B2, refreshedItems: fills() }, ...allGo], 7);
    expect(s.votes.cto).toMatchObject({ binding: B2, at: iso(7) });
    expect(s.status).toBe('ready-to-confirm');
    expect(step(s, { type: 'confirm-go', user: IC }, 8).session.decision?.binding).toEqual(B2);
  });

  it('a recast of the same choice after a rebind is a new vote, not a repeat', () => {
    const s = run(open(), [voteGo('cto', CTO), { type: 'rebind', binding: B2, refreshedItems: fills() }]);
    expect(step(s, voteGo('cto', CTO), 2).outcome).toEqual({ kind: 'changed' });
  });

  it('a stale NO-GO no longer stands, but the role still has no GO', () => {
    const s = run(open(), [...allTicks, ...allGo.slice(0, 4), { type: 'vote', role: 'redTeamLead', user: RED, choice: 'nogo', reason: 'replay gave two fills' }]);
    expect(s.status).toBe('standing-no-go');
    const after = run(s, [{ type: 'rebind', binding: { ...B1, commit: 'f00dbab' }, refreshedItems: fills() }]);
    expect(after.status).toBe('open');
    expect(missingVoters(after)).toHaveLength(5);
  });

  it('a new red-team evidence hash is a new binding too', () => {
    const s = run(open(), [voteGo('cto', CTO), { type: 'rebind', binding: { ...B1, redteamHash: 'r1' }, refreshedItems: fills() }]);
    expect(missingVoters(s)).toContain('cto');
  });

  it('the same binding delivered twice changes nothing', () => {
    const s = ready();
    const r = step(s, { type: 'rebind', binding: { ...B1 }, refreshedItems: fills() }, 3);
    expect(r.outcome).toEqual({ kind: 'unchanged', why: 'The session is already bound to this commit and evidence.' });
    expect(r.session).toBe(s);
  });

  it('an auto item the refresh leaves out becomes unknown, never a pass', () => {
    const s = run(open(), [{ type: 'rebind', binding: B2, refreshedItems: fills().filter((f) => f.id !== 'monitoring') }]);
    expect(s.items.find((i) => i.id === 'monitoring')).toMatchObject({ state: 'unknown', detail: 'not refreshed for the new evidence' });
  });

  it('a refresh naming a role item or an unknown item is a caller’s mistake', () => {
    const s = open();
    expect(() => apply(s, { type: 'rebind', binding: B2, refreshedItems: [{ id: 'team_ready', state: 'ok', detail: '' }] }, t(1))).toThrow(/ticked by ic/);
    expect(() => apply(s, { type: 'rebind', binding: B2, refreshedItems: [{ id: 'x', state: 'ok', detail: '' }] }, t(1))).toThrow(/no item "x"/);
  });

  it('does not reopen a decided session', () => {
    const s = step(ready(), { type: 'confirm-go', user: IC }, 2).session;
    const r = step(s, { type: 'rebind', binding: B2, refreshedItems: fills() }, 3);
    expect(r.outcome.kind).toBe('unchanged');
    expect(r.session).toBe(s);
  });
});

describe('the timebox', () => {
  it('reminds the roles still missing a current vote at 8 minutes, once', () => {
    const s = run(open(), [voteGo('cto', CTO), voteGo('devopsLead', DEVOPS), { type: 'vote', role: 'securityTeam', user: SEC, choice: 'nogo', reason: 'HSTS missing' }]);
    expect(step(s, { type: 'clock' }, 8 - 1 / MIN).outcome).toEqual({ kind: 'unchanged', why: 'Nothing is due yet.' });
    const r = step(s, { type: 'clock' }, 8);
    expect(r.outcome).toEqual({ kind: 'reminder', missingRoles: ['productOwner', 'redTeamLead'], users: [PO, RED] });
    expect(r.session.reminded).toBe(true);
    const again = step(r.session, { type: 'clock' }, 8);
    expect(again.outcome.kind).toBe('unchanged');
    expect(again.session).toBe(r.session);
    expect(step(r.session, { type: 'clock' }, 9).outcome.kind).toBe('unchanged');
  });

  it('reminds a role whose vote went stale', () => {
    const s = run(open(), [...allGo.slice(0, 4), { type: 'rebind', binding: B2, refreshedItems: fills() }, voteGo('cto', CTO)]);
    expect(step(s, { type: 'clock' }, 8).outcome).toMatchObject({ kind: 'reminder', missingRoles: ['devopsLead', 'productOwner', 'securityTeam', 'redTeamLead'] });
  });

  it('sends no reminder when everyone has a current vote', () => {
    const s = run(open(), allGo);
    const r = step(s, { type: 'clock' }, 8);
    expect(r.outcome).toEqual({ kind: 'unchanged', why: 'No reminder needed: every approver has a current vote.' });
    expect(r.session.reminded).toBe(false);
  });

  it('expires at 10 minutes without a decision: NO-GO (expired)', () => {
    const s = step(run(open(), [...allTicks, ...allGo.slice(0, 3)]), { type: 'clock' }, 8).session;
    expect(step(s, { type: 'clock' }, 10 - 1 / MIN).outcome.kind).toBe('unchanged');
    const r = step(s, { type: 'clock' }, 10);
    expect(r.outcome.kind).toBe('decided');
    expect(r.session.status).toBe('expired');
    expect(r.session.decision).toMatchObject({ kind: 'expired', at: iso(10), binding: B1 });
    expect(r.session.decision).not.toHaveProperty('by');
    expect(r.session.decision?.blockers.map((b) => b.kind)).toEqual(['no-vote', 'no-vote']);
    expect(step(r.session, voteGo('securityTeam', SEC), 11).outcome).toEqual({
      kind: 'refused',
      why: 'The GO/NO-GO for v1.4.0 is already decided: NO-GO (expired), the timebox ran out without a decision.',
    });
    expect(step(r.session, { type: 'clock' }, 11).outcome.kind).toBe('unchanged');
  });

  it('a late timer expires it at the deadline, not at the moment the timer ran', () => {
    const r = step(open(), { type: 'clock' }, 14);
    expect(r.session.decision?.at).toBe(iso(10));
  });

  it('an action arriving after the deadline expires the session instead, and the person is told', () => {
    const s = run(open(), [...allTicks, ...allGo]);
    for (const e of [{ type: 'confirm-go', user: IC }, voteGo('cto', CTO), { type: 'extend', user: IC }] as GonogoEvent[]) {
      const r = step(s, e, 10);
      expect(r.outcome).toEqual({
        kind: 'decided',
        decision: { kind: 'expired', at: iso(10), binding: B1, blockers: [] },
        dropped: 'The GO/NO-GO for v1.4.0 ran out of time before this arrived: it closed as NO-GO (expired), and nothing was recorded.',
      });
      expect(r.session.status).toBe('expired');
    }
  });

  it('the IC may extend once, by one more timebox, before expiry', () => {
    let s = open();
    const r = step(s, { type: 'extend', user: IC }, 9);
    expect(r.outcome).toEqual({ kind: 'changed' });
    s = r.session;
    expect(s).toMatchObject({ extended: true, deadline: iso(20) });
    expect(step(s, { type: 'extend', user: IC }, 9.5).outcome).toEqual({
      kind: 'refused',
      why: 'The GO/NO-GO was already extended once; it cannot be extended again.',
    });
    expect(step(s, { type: 'clock' }, 10).outcome.kind).not.toBe('decided');
    s = run(s, allGo, 12);
    expect(step(s, { type: 'clock' }, 20).session.status).toBe('expired');
  });

  it('only the IC may extend', () => {
    const s = open();
    expect(step(s, { type: 'extend', user: CTO }, 5).outcome).toEqual({ kind: 'refused', why: 'Only the IC (Ayşe Kaya) can extend the GO/NO-GO.' });
  });

  it('no extension at or after the deadline', () => {
    const s = open();
    expect(step(s, { type: 'extend', user: IC }, 10).session.status).toBe('expired');
    const expired = step(s, { type: 'clock' }, 10).session;
    expect(step(expired, { type: 'extend', user: IC }, 10.5).outcome.kind).toBe('refused');
  });
});

describe('refusals', () => {
  it('never change the session, at any point of its life', () => {
    const sessions = [open(), ready(), step(ready(), { type: 'confirm-go', user: IC }, 2).session, step(open(), { type: 'clock' }, 10).session];
    const refusedEvents: GonogoEvent[] = [
      { type: 'vote', role: 'cto', user: 'U0STRANGER', choice: 'go' },
      { type: 'vote', role: 'cto', user: CTO, choice: 'nogo', reason: ' ' },
      { type: 'vote', role: 'onCall', user: 'U0ONCALL', choice: 'go' },
      { type: 'tick-item', itemId: 'ci_green', user: IC, ok: true },
      { type: 'tick-item', itemId: 'team_ready', user: CTO, ok: true },
      { type: 'confirm-go', user: CTO },
      { type: 'close-no-go', user: CTO, reason: 'no' },
      { type: 'close-no-go', user: IC, reason: '' },
      { type: 'extend', user: DEVOPS },
    ];
    for (const s of sessions) {
      for (const e of refusedEvents) {
        const r = step(s, e, 5);
        expect(r.outcome.kind, `${s.status} ${JSON.stringify(e)}`).toBe('refused');
        expect(r.session).toBe(s);
      }
    }
  });

  it('use the names the caller gives, or the Slack id when none is given', () => {
    const r = apply(open(), voteGo('cto', DEVOPS), t(1));
    expect(r.outcome).toEqual({ kind: 'refused', why: 'Only the CTO (U0CTO) can vote for the CTO.' });
    const two = rulesFrom(cfg);
    const s = open({ ...two, holders: { ...two.holders, cto: [CTO, 'U0CTO2'] } });
    expect(apply(s, voteGo('cto', DEVOPS), t(1), nameOf).outcome).toEqual({ kind: 'refused', why: 'Only the CTO (Zeynep Arslan or U0CTO2) can vote for the CTO.' });
  });
});
