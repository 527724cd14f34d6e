/**
 * The incident domain in virtual time (ms): the escalation timeline, re-pages, the status page and
 * post-mortem reminders, the catch-up after a gap, who may press what, action items, and the state as JSON.
 * The app's durable timer is played by `runClock`: it applies `clock` at every `nextDueAt` up to a moment.
 */
import { describe, expect, it } from 'vitest';
import { configSchema, defaultConfig } from '../src/config/schema.ts';
import { fromAutoRollback, fromFirstNightBreach } from '../src/domain/incident/auto.ts';
import { apply, blocksCanary, isClosed, nextDueAt, openIncident } from '../src/domain/incident/machine.ts';
import { reportMarkdown } from '../src/domain/incident/report.ts';
import { rulesFrom, type Applied, type IncidentEffect, type IncidentEvent, type IncidentRules, type IncidentState, type OpenRequest, type Severity } from '../src/domain/incident/state.ts';
import { incidentView } from '../src/domain/incident/view.ts';

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const T0 = Date.parse('2026-11-24T10:00:00Z');
const at = (ms: number) => new Date(T0 + ms);

const IC = 'U0SPARKIC';
const DEVOPS = 'U0DEVOPS';
const CTO = 'U0CTO';
const PO = 'U0PRODUCT';
const ONCALL = 'U0ONCALL';
const NAMES: Record<string, string> = { [IC]: 'Ayşe Kaya', [DEVOPS]: 'Mehmet Demir', [CTO]: 'Zeynep Arslan', [PO]: 'Can Yıldız', [ONCALL]: 'Deniz Aydın' };
const nameOf = (id: string) => NAMES[id] ?? id;

const RULES: IncidentRules = rulesFrom(defaultConfig());
const ID = 'INC-20261124-1';

/** Deep-frozen, so any mutation by `apply` throws. */
function frozen<T>(v: T): T {
  if (v && typeof v === 'object') {
    Object.freeze(v);
    for (const x of Object.values(v)) frozen(x);
  }
  return v;
}

const manual = (over: Partial<OpenRequest> = {}): OpenRequest => ({
  id: ID,
  summary: '5xx spike on the order API',
  severity: 'SEV2',
  version: 'v1.4.0',
  origin: { kind: 'person', by: PO },
  ...over,
});

function open(req: OpenRequest = manual(), rules: IncidentRules = RULES): Applied {
  const r = openIncident(rules, req, at(0), nameOf);
  return { ...r, state: frozen(r.state) };
}

/** Applies one event at `ms`: the input is never mutated, a refusal returns the very same state, the state stays JSON. */
function step(s: IncidentState, e: IncidentEvent, ms: number): Applied {
  const before = structuredClone(s);
  const r = apply(frozen(s), e, at(ms), nameOf);
  expect(s).toStrictEqual(before);
  if (r.outcome.kind !== 'changed') {
    expect(r.state).toBe(s);
    expect(r.effects).toEqual([]);
  }
  expect(JSON.parse(JSON.stringify(r.state))).toStrictEqual(r.state);
  return { ...r, state: frozen(r.state) };
}

/** Applies events in order (each expected to change the state) and returns the last state. */
function run(s: IncidentState, ms: number, ...events: IncidentEvent[]): IncidentState {
  for (const e of events) {
    const r = step(s, e, ms);
    expect(r.outcome, JSON.stringify(r.outcome)).toEqual({ kind: 'changed' });
    s = r.state;
  }
  return s;
}

interface Fired {
  ms: number;
  effects: IncidentEffect[];
}

/** The durable timer: a `clock` at every `nextDueAt` up to `untilMs` (from T0). */
function runClock(s: IncidentState, untilMs: number): { state: IncidentState; fired: Fired[] } {
  const fired: Fired[] = [];
  for (let due = nextDueAt(s); due && due.getTime() - T0 <= untilMs; due = nextDueAt(s)) {
    const ms = due.getTime() - T0;
    const r = step(s, { type: 'clock' }, ms);
    expect(r.outcome.kind, `clock at ${ms / MIN}m: ${JSON.stringify(r.outcome)}`).toBe('changed');
    fired.push({ ms, effects: r.effects });
    s = r.state;
    if (fired.length > 1000) throw new Error('the clock does not advance');
  }
  return { state: s, fired };
}

type Of<K extends IncidentEffect['type']> = Extract<IncidentEffect, { type: K }>;
const ofType = <K extends IncidentEffect['type']>(effects: readonly IncidentEffect[], type: K): Of<K>[] => effects.filter((e): e is Of<K> => e.type === type);
const allOf = <K extends IncidentEffect['type']>(fired: Fired[], type: K): (Of<K> & { ms: number })[] =>
  fired.flatMap((f) => ofType(f.effects, type).map((e) => ({ ...e, ms: f.ms })));
const mins = (xs: { ms: number }[]) => xs.map((x) => x.ms / MIN);

describe('opening an incident', () => {
  it('pages and mentions the on-call engineer at once (L1), with the incident id as the dedup key', () => {
    const { state, effects, outcome } = open();
    expect(outcome).toEqual({ kind: 'changed' });
    expect(state.status).toBe('open');
    expect(state.level).toBe(0);
    expect(state.paged).toEqual([ONCALL]);
    expect(ofType(effects, 'page')).toEqual([
      { type: 'page', dedupKey: ID, severity: 'error', summary: `[SEV2] ${ID}: 5xx spike on the order API`, level: 'L1', roles: ['onCall'], users: [ONCALL], repeat: false },
    ]);
    const [mention] = ofType(effects, 'mention');
    expect(mention?.users).toEqual([ONCALL]);
    expect(mention?.text).toContain('opened by Can Yıldız');
    expect(mention?.text).toContain('L1: paging the on-call engineer (Deniz Aydın)');
    expect(ofType(effects, 'war-room')).toEqual([]);
    expect(state.timeline.map((e) => e.kind)).toEqual(['opened', 'paged']);
    expect(state.timeline[0]?.by).toBe(PO);
    // the status page reminder and the first re-page are both due 5 minutes in
    expect(nextDueAt(state)?.getTime()).toBe(T0 + 5 * MIN);
  });

  it('reads its re-page and post-mortem cadence from the config', () => {
    const rules = rulesFrom(configSchema.parse({ escalation: { repageEvery: '0m', postMortemRemindBefore: ['36h', '2h'], postMortemOverdueEvery: '12h' } }));
    expect(rules).toMatchObject({ repageEveryMs: 0, postMortemRemindBeforeMs: [36 * HOUR, 2 * HOUR], postMortemOverdueEveryMs: 12 * HOUR });
    // re-paging off: nothing but the status page reminder is due at 5 minutes, and no re-page comes with it
    const opened = openIncident(rules, { id: ID, summary: 'x', severity: 'SEV2', origin: { kind: 'person', by: PO } }, new Date(T0));
    expect(ofType(apply(opened.state, { type: 'clock' }, new Date(T0 + 5 * MIN)).effects, 'page')).toEqual([]);
  });

  it.each<[Severity, string]>([
    ['SEV1', 'critical'],
    ['SEV2', 'error'],
    ['SEV3', 'warning'],
  ])('maps %s to the PagerDuty severity %s', (severity, expected) => {
    const { effects } = open(manual({ severity }));
    expect(ofType(effects, 'page').map((p) => p.severity)).toEqual([expected]);
  });

  it('refuses a request the surface should have refused', () => {
    expect(() => open(manual({ summary: '   ' }))).toThrow(/needs a summary/);
    expect(() => open(manual({ id: '' }))).toThrow(/needs an id/);
    expect(() => open(manual(), { ...RULES, levels: [] })).toThrow(/no escalation levels/);
  });

  it('opens an auto-rollback pre-filled: the trigger, its values, the canary minutes, the version', () => {
    const trigger = { id: 'error_burst', group: 'standard' as const, description: '5xx above 1 % for 2 min', forMs: 2 * MIN, since: T0 - 2 * MIN, heldMs: 2 * MIN, values: [{ comparison: '>' as const, threshold: 1, latest: 2.4, worst: 3.1 }] };
    const minute = { at: new Date(T0 - MIN).toISOString(), stage: 3, weight: 25, metrics: '5xx 2.4% ✗', kind: 'rollback-started' as const, decision: 'Rolling back from stage 3 (25 %)' };
    const req = fromAutoRollback({ id: ID, version: 'v1.4.0', stage: 3, weight: 25, reason: 'trigger error_burst fired', trigger, minutes: [minute] });
    expect(req.summary).toBe('Auto-rollback of v1.4.0 at stage 3 (25 %): trigger error_burst fired (5xx above 1 % for 2 min)');
    expect(req.severity).toBe('SEV2');
    const { state, effects } = open(req);
    expect(state.version).toBe('v1.4.0');
    expect(state.origin).toMatchObject({ kind: 'auto-rollback', trigger: { id: 'error_burst', values: [{ latest: 2.4, worst: 3.1 }] } });
    // only the minute's fields, not the canary's own `kind`
    expect(state.origin.kind === 'auto-rollback' && state.origin.canaryTimeline).toEqual([{ at: minute.at, stage: 3, weight: 25, metrics: '5xx 2.4% ✗', decision: minute.decision }]);
    expect(state.timeline[0]?.by).toBeUndefined();
    expect(state.timeline[0]?.what).toContain('opened automatically');
    expect(ofType(effects, 'page')).toHaveLength(1);
  });

  it('opens a first-night breach pre-filled, without the checks’ trends', () => {
    const check = { id: 'p95', name: 'API p95', unit: 'ms' as const, comparison: '<=' as const, threshold: 180, outcome: 'fail' as const, value: 240, trend: { dir: 'first' as const } };
    const req = fromFirstNightBreach({ id: ID, version: 'v1.4.0', offsetMs: 2 * HOUR, checks: [check], severity: 'SEV1' });
    expect(req.summary).toBe('First-night breach of v1.4.0 at +2h: API p95');
    expect(req.origin).toEqual({ kind: 'first-night-breach', version: 'v1.4.0', offsetMs: 2 * HOUR, checks: [{ id: 'p95', name: 'API p95', unit: 'ms', comparison: '<=', threshold: 180, outcome: 'fail', value: 240 }] });
    expect(ofType(open(req).effects, 'page')[0]?.severity).toBe('critical');
  });
});

describe('the escalation timeline', () => {
  it('goes L1 → L2 at 15 min → L3 at 30 min with the war room, each level once', () => {
    let s = run(open().state, 1 * MIN, { type: 'acknowledge', by: ONCALL });
    expect(step(s, { type: 'clock' }, 15 * MIN - 1).effects.filter((e) => e.type === 'page')).toEqual([]);
    const { state, fired } = runClock(s, 60 * MIN);
    s = state;
    const pages = allOf(fired, 'page');
    expect(pages.map((p) => [p.ms / MIN, p.level, p.users, p.repeat])).toEqual([
      [15, 'L2', [DEVOPS, CTO], false],
      [30, 'L3', [IC, DEVOPS, CTO], false],
    ]);
    expect(pages.every((p) => p.dedupKey === ID && p.severity === 'error')).toBe(true);
    const mentions = allOf(fired, 'mention');
    expect(mentions.map((m) => [m.ms / MIN, m.level, m.users])).toEqual([
      [15, 'L2', [DEVOPS, CTO]],
      [30, 'L3', [IC, DEVOPS, CTO]],
    ]);
    expect(mentions[0]?.text).toBe(`L2: ${ID} is not mitigated after 15m: paging the DevOps Lead (Mehmet Demir) and the CTO (Zeynep Arslan).`);
    const rooms = allOf(fired, 'war-room');
    expect(rooms).toHaveLength(1);
    expect(rooms[0]).toMatchObject({ ms: 30 * MIN, incidentId: ID, channel: 'war-inc-20261124-1', roles: ['onCall', 'devopsLead', 'cto', 'ic'] });
    expect(rooms[0]?.invite.slice().sort()).toEqual([CTO, DEVOPS, ONCALL, IC].sort());
    expect(rooms[0]?.pin.join('\n')).toMatch(/One decision-maker: the incident commander/);
    expect(s.reached.map((r) => [r.level, (r.at - T0) / MIN, r.via])).toEqual([
      ['L1', 0, 'open'],
      ['L2', 15, 'clock'],
      ['L3', 30, 'clock'],
    ]);
    expect(s.warRoom).toEqual({ at: T0 + 30 * MIN, channel: 'war-inc-20261124-1' });
    // nothing left to escalate: a clock at L3 pages nobody
    expect(ofType(step(s, { type: 'clock' }, 61 * MIN).effects, 'page')).toEqual([]);
  });

  it('mitigation at 20 min stops the clock: no L3, no war room', () => {
    let s = runClock(open().state, 15 * MIN).state;
    expect(s.level).toBe(1);
    s = run(s, 16 * MIN, { type: 'take-command', by: DEVOPS }, { type: 'mitigated', by: DEVOPS, note: 'rolled back to v1.3.9' });
    expect(s.status).toBe('mitigated');
    expect(s.timeline.at(-1)?.what).toBe('Mitigated by Mehmet Demir after 16m: rolled back to v1.3.9. The escalation stops (L3 was due at +30m).');
    const { state, fired } = runClock(s, 3 * HOUR);
    expect(allOf(fired, 'page')).toEqual([]);
    expect(allOf(fired, 'mention')).toEqual([]);
    expect(allOf(fired, 'war-room')).toEqual([]);
    expect(state.level).toBe(1);
    expect(state.warRoom).toBeUndefined();
    // the status page reminder goes on after mitigation
    expect(mins(allOf(fired, 'status-page-reminder')).slice(0, 3)).toEqual([20, 25, 30]);
    expect(incidentView(state, at(31 * MIN), nameOf).levels.map((l) => l.state)).toEqual(['reached', 'reached', 'stopped']);
  });

  it('mitigation without an acknowledgement acknowledges the page too', () => {
    const s = run(open().state, 2 * MIN, { type: 'take-command', by: ONCALL });
    const r = step(s, { type: 'mitigated', by: ONCALL }, 3 * MIN);
    expect(ofType(r.effects, 'pager-acknowledge')).toEqual([{ type: 'pager-acknowledge', dedupKey: ID }]);
    expect(r.state.acknowledged).toEqual({ by: ONCALL, at: T0 + 3 * MIN });
  });

  it('acknowledging stops the re-pages but not the escalation', () => {
    // not acknowledged: the on-call is paged again every 5 minutes, then L2 takes over and is re-paged
    const silent = runClock(open().state, 24 * MIN).fired;
    expect(allOf(silent, 'page').map((p) => [p.ms / MIN, p.level, p.repeat])).toEqual([
      [5, 'L1', true],
      [10, 'L1', true],
      [15, 'L2', false],
      [20, 'L2', true],
    ]);
    expect(allOf(silent, 'page').find((p) => p.ms === 20 * MIN)?.users).toEqual([DEVOPS, CTO]);

    const acked = step(open().state, { type: 'acknowledge', by: ONCALL }, 2 * MIN);
    expect(ofType(acked.effects, 'pager-acknowledge')).toEqual([{ type: 'pager-acknowledge', dedupKey: ID }]);
    expect(acked.state.status).toBe('acknowledged');
    const { fired } = runClock(acked.state, 34 * MIN);
    expect(allOf(fired, 'page').map((p) => [p.ms / MIN, p.level, p.repeat])).toEqual([
      [15, 'L2', false],
      [30, 'L3', false],
    ]);
    expect(step(acked.state, { type: 'acknowledge', by: ONCALL }, 3 * MIN).outcome).toEqual({ kind: 'unchanged', why: `${ID} was already acknowledged by Deniz Aydın at +2m.` });
  });

  it('"Escalate now" jumps one level at once; the clock does not reach it again', () => {
    let s = open().state;
    const r = step(s, { type: 'escalate-now', by: ONCALL, from: 'L1' }, 3 * MIN);
    expect(ofType(r.effects, 'page')).toMatchObject([{ level: 'L2', users: [DEVOPS, CTO], repeat: false }]);
    expect(ofType(r.effects, 'mention')[0]?.text).toBe(`Deniz Aydın escalated ${ID} to L2: paging the DevOps Lead (Mehmet Demir) and the CTO (Zeynep Arslan).`);
    s = r.state;
    expect(s.reached.at(-1)).toEqual({ level: 'L2', dueAt: T0 + 15 * MIN, at: T0 + 3 * MIN, via: 'escalate-now', by: ONCALL });
    // a double press (the same card) escalates once
    expect(step(s, { type: 'escalate-now', by: ONCALL, from: 'L1' }, 3 * MIN + SEC).outcome).toEqual({ kind: 'unchanged', why: `${ID} is already at L2.` });
    s = run(s, 4 * MIN, { type: 'acknowledge', by: DEVOPS });
    const { state, fired } = runClock(s, 40 * MIN);
    expect(allOf(fired, 'page').map((p) => [p.ms / MIN, p.level])).toEqual([[30, 'L3']]);
    const top = step(state, { type: 'escalate-now', by: IC }, 41 * MIN);
    expect(top.outcome).toEqual({ kind: 'refused', why: `${ID} is already at L3, the last escalation level: everyone in the escalation has been paged.` });
  });

  it('"Escalate now" to the war-room level opens the war room once', () => {
    let s = open().state;
    s = run(s, 1 * MIN, { type: 'escalate-now', by: ONCALL });
    const r = step(s, { type: 'escalate-now', by: ONCALL }, 2 * MIN);
    expect(ofType(r.effects, 'war-room')).toHaveLength(1);
    const { fired } = runClock(r.state, 45 * MIN);
    expect(allOf(fired, 'war-room')).toEqual([]);
    expect(allOf(fired, 'page').filter((p) => !p.repeat)).toEqual([]);
  });
  it('asks for the war room once, even when a later level has it too', () => {
    const rules: IncidentRules = {
      ...RULES,
      levels: [...RULES.levels, { level: 'L4', afterMs: 45 * MIN, roles: ['productOwner'], warRoom: true }],
    };
    const { state, fired } = runClock(open(manual(), rules).state, 50 * MIN);
    expect(allOf(fired, 'page').filter((p) => !p.repeat).map((p) => [p.ms / MIN, p.level])).toEqual([[15, 'L2'], [30, 'L3'], [45, 'L4']]);
    expect(mins(allOf(fired, 'war-room'))).toEqual([30]);
    expect(state.timeline.filter((e) => e.kind === 'war-room')).toHaveLength(1);
  });
});

describe('the status page reminder', () => {
  it('comes at 5, 10, 15 minutes until "Status page updated" is pressed', () => {
    let s = open().state;
    expect(step(s, { type: 'clock' }, 5 * MIN - 1).outcome).toEqual({ kind: 'unchanged', why: 'Nothing is due yet.' });
    const first = runClock(s, 17 * MIN);
    const reminders = allOf(first.fired, 'status-page-reminder');
    expect(reminders.map((r) => [r.ms / MIN, r.n])).toEqual([
      [5, 1],
      [10, 2],
      [15, 3],
    ]);
    expect(reminders[0]?.text).toBe(`The status page of ${ID} has not been updated, 5m into the incident (reminder 1). Press "Status page updated" once it is.`);
    expect(reminders[0]?.users).toEqual([ONCALL]);
    s = run(first.state, 17 * MIN, { type: 'status-page-updated', by: ONCALL, note: 'investigating' });
    expect(s.statusPage).toEqual({ reminders: 3, updates: 1, firstUpdated: { by: ONCALL, at: T0 + 17 * MIN } });
    const after = runClock(s, 2 * HOUR);
    expect(allOf(after.fired, 'status-page-reminder')).toEqual([]);
    // a later update is recorded, and still no reminder
    s = run(after.state, 2 * HOUR, { type: 'status-page-updated', by: IC, note: 'fix deployed' });
    expect(s.statusPage.updates).toBe(2);
    expect(s.statusPage.firstUpdated?.by).toBe(ONCALL);
  });

  it('mentions the commander once there is one', () => {
    const s = run(open().state, 1 * MIN, { type: 'take-command', by: IC });
    const { fired } = runClock(s, 5 * MIN);
    expect(allOf(fired, 'status-page-reminder').map((r) => r.users)).toEqual([[IC]]);
  });
});

describe('the catch-up after a gap', () => {
  it('a clock 40 minutes late reaches L3 once, with one page, one mention, one war room and one reminder', () => {
    const s = open().state;
    const r = step(s, { type: 'clock' }, 40 * MIN);
    const kinds = r.effects.map((e) => e.type).sort();
    expect(kinds).toEqual(['card', 'mention', 'page', 'status-page-reminder', 'war-room']);
    const [page] = ofType(r.effects, 'page');
    expect(page).toMatchObject({ level: 'L3', users: [DEVOPS, CTO, IC], roles: ['devopsLead', 'cto', 'ic'], repeat: false });
    expect(ofType(r.effects, 'mention')[0]?.text).toContain('L2 was due at +15m, L3 was due at +30m; reached at +40m, after a gap');
    expect(ofType(r.effects, 'status-page-reminder')[0]?.n).toBe(1);
    expect(r.state.reached.map((x) => [x.level, (x.dueAt - T0) / MIN, (x.at - T0) / MIN])).toEqual([
      ['L1', 0, 0],
      ['L2', 15, 40],
      ['L3', 30, 40],
    ]);
    // the same clock again: nothing; the next slot is 45 (no burst of missed reminders)
    expect(step(r.state, { type: 'clock' }, 40 * MIN).outcome.kind).toBe('unchanged');
    expect(nextDueAt(r.state)?.getTime()).toBe(T0 + 45 * MIN);
    const next = step(r.state, { type: 'clock' }, 45 * MIN);
    expect(ofType(next.effects, 'page')).toMatchObject([{ level: 'L3', repeat: true }]);
    expect(ofType(next.effects, 'status-page-reminder').map((x) => x.n)).toEqual([2]);
    expect(ofType(next.effects, 'war-room')).toEqual([]);
  });
});

describe('resolving', () => {
  function resolved(): { state: IncidentState; effects: IncidentEffect[] } {
    let s = run(open().state, 1 * MIN, { type: 'acknowledge', by: ONCALL }, { type: 'take-command', by: IC });
    s = runClock(s, 15 * MIN).state;
    s = run(s, 20 * MIN, { type: 'mitigated', by: IC, note: 'rolled back' }, { type: 'status-page-updated', by: IC });
    const r = step(s, { type: 'resolve', by: IC, note: 'v1.3.9 healthy for 20 min' }, 40 * MIN);
    expect(r.outcome).toEqual({ kind: 'changed' });
    return r;
  }

  it('resolves the page with the same dedup key and hands out the report draft from the timeline', () => {
    const { state, effects } = resolved();
    expect(state.status).toBe('resolved');
    expect(ofType(effects, 'pager-resolve')).toEqual([{ type: 'pager-resolve', dedupKey: ID }]);
    const [draft] = ofType(effects, 'report-draft');
    const report = draft?.report;
    expect(report).toMatchObject({
      id: ID,
      severity: 'SEV2',
      version: 'v1.4.0',
      commander: IC,
      timeToAcknowledgeMs: 1 * MIN,
      timeToMitigateMs: 20 * MIN,
      timeToResolveMs: 40 * MIN,
      highestLevel: 'L2',
      postMortemDueAt: T0 + 40 * MIN + 48 * HOUR,
      statusPage: { reminders: 3, updates: 1 },
    });
    expect(report?.timeline).toEqual(state.timeline);
    expect(report?.timeline.map((e) => e.kind)).toEqual([
      'opened', 'paged', 'acknowledged', 'command', 'status-page-reminder', 'status-page-reminder', 'escalated', 'status-page-reminder', 'mitigated', 'status-page-updated', 'resolved',
    ]);
    const md = reportMarkdown(report!, nameOf);
    expect(md).toContain(`# Incident report (draft): ${ID} — 5xx spike on the order API`);
    expect(md).toContain('- Resolved: +40m by Ayşe Kaya — v1.3.9 healthy for 20 min');
    expect(md).toContain('| Ayşe Kaya | Mitigated by Ayşe Kaya after 20m: rolled back. The escalation stops (L3 was due at +30m). |');
    expect(state.timeline.at(-1)?.what).toBe(`Resolved by Ayşe Kaya after 40m: v1.3.9 healthy for 20 min. The post-mortem is due ${new Date(T0 + 40 * MIN + 48 * HOUR).toISOString()} (in 2d).`);
    expect(step(state, { type: 'resolve', by: IC }, 41 * MIN).outcome.kind).toBe('unchanged');
  });

  it('reminds of the post-mortem at 24 h, at the due time, then daily until it is done', () => {
    const r = resolved();
    const resolvedAt = 40 * MIN;
    const { state, fired } = runClock(r.state, resolvedAt + 5 * 24 * HOUR);
    const reminders = allOf(fired, 'post-mortem-reminder');
    expect(reminders.map((x) => (x.ms - resolvedAt) / HOUR)).toEqual([24, 48, 72, 96, 120]);
    expect(reminders.map((x) => x.overdue)).toEqual([false, true, true, true, true]);
    expect(reminders[0]?.text).toBe(`The post-mortem of ${ID} is due in 1d (${new Date(T0 + resolvedAt + 48 * HOUR).toISOString()}). No action item is open.`);
    expect(reminders[1]?.text).toMatch(/is due now/);
    expect(reminders[0]?.users).toEqual([IC]);
    // nothing else after the resolve: no pages, no status page reminders
    expect(fired.flatMap((f) => f.effects.map((e) => e.type)).filter((t) => t !== 'post-mortem-reminder' && t !== 'card')).toEqual([]);
    const done = run(state, resolvedAt + 121 * HOUR, { type: 'post-mortem-done', by: IC, link: 'https://wiki/pm/42' });
    expect(nextDueAt(done)).toBeUndefined();
    expect(runClock(done, resolvedAt + 30 * 24 * HOUR).fired).toEqual([]);
  });

  it('sends one post-mortem reminder after a gap, and the next one at its slot', () => {
    const r = resolved();
    const resolvedAt = 40 * MIN;
    const late = step(r.state, { type: 'clock' }, resolvedAt + 100 * HOUR);
    expect(ofType(late.effects, 'post-mortem-reminder').map((x) => [x.n, x.overdue])).toEqual([[1, true]]);
    expect(nextDueAt(late.state)?.getTime()).toBe(T0 + resolvedAt + 120 * HOUR);
  });

  it('stops the status page reminders and the pages at the resolve, even without a status page update', () => {
    const s = run(open().state, 1 * MIN, { type: 'take-command', by: ONCALL }, { type: 'resolve', by: ONCALL });
    expect(s.statusPage.nextReminderAt).toBeUndefined();
    const { fired } = runClock(s, 3 * 24 * HOUR + 1 * MIN);
    expect(fired.flatMap((f) => f.effects.map((e) => e.type)).filter((t) => t !== 'post-mortem-reminder' && t !== 'card')).toEqual([]);
    expect(mins(fired)).toEqual([24 * 60 + 1, 48 * 60 + 1, 72 * 60 + 1]);
  });

  it('no longer blocks a canary once resolved', () => {
    const s = open().state;
    expect(blocksCanary(s)).toBe(true);
    expect(blocksCanary(run(s, 1 * MIN, { type: 'take-command', by: IC }, { type: 'mitigated', by: IC }))).toBe(true);
    expect(blocksCanary(resolved().state)).toBe(false);
    expect(blocksCanary(open(manual({ version: undefined })).state)).toBe(false);
  });
});

describe('who may press what', () => {
  it('refuses the wrong person with a sentence naming who can', () => {
    const s = open().state;
    const cases: [IncidentEvent, string][] = [
      [{ type: 'acknowledge', by: PO }, `Only someone paged for it (Deniz Aydın) or the IC (Ayşe Kaya) can acknowledge ${ID}. Nobody has taken command yet.`],
      [{ type: 'take-command', by: CTO }, `Only the IC (Ayşe Kaya) or the DevOps Lead (Mehmet Demir) or the on-call engineer (Deniz Aydın) can take command of ${ID}.`],
      [{ type: 'mitigated', by: ONCALL }, `Only the IC (Ayşe Kaya) can mark ${ID} mitigated. Nobody has taken command yet.`],
      [{ type: 'resolve', by: ONCALL }, `Only the IC (Ayşe Kaya) can resolve ${ID}. Nobody has taken command yet.`],
      [{ type: 'escalate-now', by: PO }, `Only someone paged for it (Deniz Aydın) or the IC (Ayşe Kaya) or the DevOps Lead (Mehmet Demir) or the on-call engineer (Deniz Aydın) can escalate ${ID}. Nobody has taken command yet.`],
      [{ type: 'status-page-updated', by: CTO }, `Only someone paged for it (Deniz Aydın) or the IC (Ayşe Kaya) can mark the status page of ${ID} updated. Nobody has taken command yet.`],
      [{ type: 'post-mortem-done', by: IC }, `${ID} is not resolved yet: the post-mortem comes after the resolve.`],
    ];
    for (const [e, why] of cases) expect(step(s, e, 1 * MIN).outcome, e.type).toEqual({ kind: 'refused', why });
  });

  it('lets the commander resolve, and names them when someone else tries', () => {
    const s = run(open().state, 1 * MIN, { type: 'take-command', by: ONCALL });
    expect(step(s, { type: 'resolve', by: DEVOPS }, 2 * MIN).outcome).toEqual({ kind: 'refused', why: `Only the incident commander (Deniz Aydın) or the IC (Ayşe Kaya) can resolve ${ID}.` });
    expect(step(s, { type: 'resolve', by: ONCALL }, 2 * MIN).state.status).toBe('resolved');
    expect(step(s, { type: 'resolve', by: IC }, 2 * MIN).state.status).toBe('resolved');
  });

  it('lets the paged acknowledge, hands command over in the timeline, and refuses buttons of a resolved incident', () => {
    let s = runClock(open().state, 15 * MIN).state;
    expect(step(s, { type: 'acknowledge', by: CTO }, 16 * MIN).state.acknowledged?.by).toBe(CTO);
    s = run(s, 16 * MIN, { type: 'take-command', by: ONCALL }, { type: 'take-command', by: DEVOPS });
    expect(s.timeline.at(-1)?.what).toBe('Mehmet Demir took command from Deniz Aydın.');
    expect(step(s, { type: 'take-command', by: DEVOPS }, 17 * MIN).outcome).toEqual({ kind: 'unchanged', why: `You are already the commander of ${ID}.` });
    s = run(s, 18 * MIN, { type: 'resolve', by: DEVOPS });
    expect(step(s, { type: 'escalate-now', by: DEVOPS }, 19 * MIN).outcome).toEqual({ kind: 'refused', why: `${ID} is resolved: there is nobody left to escalate to.` });
    expect(step(s, { type: 'acknowledge', by: ONCALL }, 19 * MIN).outcome.kind).toBe('refused');
    expect(step(s, { type: 'mitigated', by: DEVOPS }, 19 * MIN).outcome).toEqual({ kind: 'refused', why: `${ID} is already resolved.` });
  });
});

describe('action items', () => {
  it('are added, listed and marked done by their owner, the commander or the IC', () => {
    let s = run(open().state, 1 * MIN, { type: 'take-command', by: IC }, { type: 'mitigated', by: IC }, { type: 'resolve', by: IC });
    s = run(s, 2 * MIN, { type: 'add-action', by: PO, text: ' Alert on 5xx at 0.5 % ', owner: DEVOPS }, { type: 'add-action', by: CTO, text: 'Load-test the order API' });
    expect(s.actions).toEqual([
      { id: 'A1', text: 'Alert on 5xx at 0.5 %', owner: DEVOPS, added: { by: PO, at: T0 + 2 * MIN } },
      { id: 'A2', text: 'Load-test the order API', added: { by: CTO, at: T0 + 2 * MIN } },
    ]);
    expect(step(s, { type: 'add-action', by: PO, text: '  ' }, 3 * MIN).outcome).toEqual({ kind: 'refused', why: 'An action item needs a text: what is to be done.' });
    expect(step(s, { type: 'done-action', by: CTO, id: 'A1' }, 3 * MIN).outcome).toEqual({ kind: 'refused', why: 'Only its owner (Mehmet Demir) or the incident commander (Ayşe Kaya) or the IC (Ayşe Kaya) can mark action item A1 done.' });
    expect(step(s, { type: 'done-action', by: DEVOPS, id: 'A9' }, 3 * MIN).outcome).toEqual({ kind: 'refused', why: `There is no action item "A9" on ${ID} (it has A1, A2).` });
    s = run(s, 3 * MIN, { type: 'done-action', by: DEVOPS, id: 'a1' });
    expect(s.actions[0]?.done).toEqual({ by: DEVOPS, at: T0 + 3 * MIN });
    expect(step(s, { type: 'done-action', by: IC, id: 'A1' }, 4 * MIN).outcome).toEqual({ kind: 'unchanged', why: 'Action item A1 was already marked done by Mehmet Demir.' });
    const view = incidentView(s, at(4 * MIN), nameOf);
    expect(view.actions.open.map((a) => a.id)).toEqual(['A2']);
    expect(view.actions.done.map((a) => a.id)).toEqual(['A1']);
    s = run(s, 5 * MIN, { type: 'post-mortem-done', by: IC });
    expect(isClosed(s)).toBe(false);
    s = run(s, 6 * MIN, { type: 'done-action', by: IC, id: 'A2' });
    expect(isClosed(s)).toBe(true);
    expect(incidentView(s, at(6 * MIN), nameOf).headline).toBe('Resolved after 1m; closed.');
  });
});

describe('the card', () => {
  it('shows the status, level, commander and the timers', () => {
    let s = open().state;
    let v = incidentView(s, at(3 * MIN), nameOf);
    expect(v).toMatchObject({
      status: 'open',
      severity: 'SEV2',
      pageSeverity: 'error',
      level: 'L1',
      openedBy: PO,
      elapsedMs: 3 * MIN,
      blocksCanary: true,
      timers: { nextEscalation: { level: 'L2', at: T0 + 15 * MIN, inMs: 12 * MIN }, repageAt: T0 + 5 * MIN, statusPageReminderAt: T0 + 5 * MIN },
      buttons: ['acknowledge', 'escalate-now', 'take-command', 'mitigated', 'resolve', 'status-page-updated'],
      headline: 'SEV2 at L1, not acknowledged; L2 in 12m; nobody in command.',
    });
    expect(v.commander).toBeUndefined();
    expect(v.levels.map((l) => l.state)).toEqual(['reached', 'next', 'pending']);
    s = run(s, 4 * MIN, { type: 'acknowledge', by: ONCALL }, { type: 'take-command', by: ONCALL });
    v = incidentView(s, at(4 * MIN), nameOf);
    expect(v.timers.repageAt).toBeUndefined();
    expect(v.commander).toEqual({ user: ONCALL, since: T0 + 4 * MIN });
    expect(v.headline).toBe('SEV2 at L1, acknowledged by Deniz Aydın; L2 in 11m unless mitigated; commander Deniz Aydın.');
    expect(v.buttons).not.toContain('acknowledge');
  });
});

describe('the state as data', () => {
  /** A whole incident: auto-opened, escalated to the war room, commanded, actions, resolved, post-mortem. */
  const script: [number, IncidentEvent][] = [
    [5 * MIN, { type: 'clock' }],
    [6 * MIN, { type: 'acknowledge', by: ONCALL }],
    [15 * MIN, { type: 'clock' }],
    [16 * MIN, { type: 'escalate-now', by: DEVOPS, from: 'L2' }],
    [17 * MIN, { type: 'take-command', by: IC }],
    [18 * MIN, { type: 'note', by: CTO, text: 'customers see rejected orders' }],
    [19 * MIN, { type: 'add-action', by: IC, text: 'Tighten the 5xx trigger', owner: DEVOPS }],
    [22 * MIN, { type: 'status-page-updated', by: IC }],
    [25 * MIN, { type: 'mitigated', by: IC }],
    [50 * MIN, { type: 'resolve', by: IC }],
    [50 * MIN + 24 * HOUR, { type: 'clock' }],
    [50 * MIN + 30 * HOUR, { type: 'done-action', by: DEVOPS, id: 'A1' }],
    [50 * MIN + 40 * HOUR, { type: 'post-mortem-done', by: IC, link: 'https://wiki/pm' }],
  ];
  const autoReq = () =>
    fromAutoRollback({
      id: ID, version: 'v1.4.0', stage: 2, weight: 5, reason: 'trigger error_burst fired',
      trigger: { id: 'error_burst', group: 'standard', description: '5xx above 1 %', forMs: 2 * MIN, since: T0, heldMs: 2 * MIN, values: [{ comparison: '>', threshold: 1, latest: 2, worst: 2 }] },
      minutes: [],
    });

  it('survives a JSON round trip at every step, and a restored state goes on exactly like the original', () => {
    let s = open(autoReq()).state;
    for (const [ms, e] of script) {
      const restored = frozen(JSON.parse(JSON.stringify(s)) as IncidentState);
      expect(restored).toStrictEqual(s);
      const a = step(s, e, ms);
      const b = step(restored, e, ms);
      expect(a.outcome, `${e.type} at ${ms}`).toEqual({ kind: 'changed' });
      expect(b).toStrictEqual(a);
      s = a.state;
    }
    expect(s.warRoom?.channel).toBe('war-inc-20261124-1');
    expect(isClosed(s)).toBe(true);
    expect(nextDueAt(s)).toBeUndefined();
  });

  it('never mutates a deep-frozen state, whatever is applied', () => {
    // `step` deep-freezes the input and compares it with a copy taken before; a mutation throws or differs
    let s = open(autoReq()).state;
    const snapshots: string[] = [];
    for (const [ms, e] of script) {
      snapshots.push(JSON.stringify(s));
      const prev = s;
      s = step(s, e, ms).state;
      expect(JSON.stringify(prev)).toBe(snapshots.at(-1));
      expect(s).not.toBe(prev);
    }
    expect(Object.isFrozen(s.timeline)).toBe(true);
  });
});
