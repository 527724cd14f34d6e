/**
 * Incidents end to end in virtual time: the use cases, their durable timers and the outbox in one engine, paging
 * the loopback fake of PagerDuty's Events API v2 through the real adapter (every event checked against the
 * documented fields by the fake) and asking its REST API who is on call.
 */
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pagerdutyEvents } from '../src/adapters/pagerduty-events.ts';
import { pagerdutyOnCall } from '../src/adapters/pagerduty-oncall.ts';
import { VirtualClock } from '../src/adapters/virtual-clock.ts';
import { cardOf } from '../src/app/incident/effects.ts';
import { readIncident } from '../src/app/incident/record.ts';
import { actOnIncident, declareIncident, restoreIncidents, whereOf, type IncidentDeps } from '../src/app/incident/run.ts';
import { toBlockKit } from '../src/chat/blockkit.ts';
import { blockKitProblems } from './fakes/block-kit-limits.ts';
import { incidentTimers } from '../src/app/incident/timers.ts';
import { namesFrom } from '../src/app/ritual.ts';
import { configSchema } from '../src/config/schema.ts';
import { createEngine } from '../src/engine/engine.ts';
import { evidenceKeyFrom } from '../src/evidence/key.ts';
import { verifyEvidence } from '../src/evidence/verify.ts';
import type { Db } from '../src/store/db.ts';
import { recordingChat } from './fakes/recording-chat.ts';
import { FAKE_PD_ROUTING_KEY, FAKE_PD_TOKEN, startFakePagerDuty, type FakePagerDuty } from './fakes/pagerduty.ts';
import { openTestDb } from './support/db.ts';
import { tempDir } from './support/temp.ts';

const T0 = new Date('2026-11-24T18:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const IC = 'U0SPARKIC';
const ONCALL = 'U0ONCALL';
const DEVOPS = 'U0DEVOPS';
const CTO = 'U0CTO';
const CHANNEL = 'C0INCIDENTS';

const config = configSchema.parse({
  channels: { incidents: CHANNEL },
  people: { [IC]: 'Ayşe Kaya (IC)', [ONCALL]: 'Alice Oncall (On-call)', [DEVOPS]: 'Mehmet Demir (DevOps Lead)', [CTO]: 'Zeynep Arslan (CTO)' },
  roles: { ic: [IC], onCall: [ONCALL], devopsLead: [DEVOPS], cto: [CTO], productOwner: ['U0PRODUCT'], securityTeam: ['U0SECURITY'], redTeamLead: ['U0REDTEAM'] },
  escalation: { pagerdutyEscalationPolicy: 'PSPARK1', pagingFallbackAfter: '2m' },
});
const log = pino({ level: 'silent' });
const nameOf = namesFrom(config);

describe('incidents paged through PagerDuty, escalated in virtual time', () => {
  let db: Db;
  let pd: FakePagerDuty;
  let evidence: { dir: string; key: ReturnType<typeof evidenceKeyFrom> };
  beforeAll(async () => {
    db = await openTestDb();
    pd = await startFakePagerDuty();
    evidence = { dir: tempDir('spark-incident-'), key: evidenceKeyFrom('incident') };
  });
  afterAll(async () => {
    await pd.close();
    await db.close();
  });
  beforeEach(async () => {
    pd.reset();
    // each case starts with no incident open and the outbox empty
    await db.query(`UPDATE incident SET status = 'resolved', closed = true`);
    await db.query(`DELETE FROM outbox`);
    await db.query(`DELETE FROM timer`);
  });

  function boot(clock: VirtualClock, worker = 'w') {
    const rec = recordingChat();
    let engine: ReturnType<typeof createEngine> | undefined;
    const deps: IncidentDeps = {
      db, clock, log, config, evidence, nameOf, wake: () => engine?.wake(),
      onCall: pagerdutyOnCall({ token: FAKE_PD_TOKEN, escalationPolicyId: 'PSPARK1', apiUrl: pd.url }),
    };
    engine = createEngine({
      db, clock, chat: rec.chat, log, worker, alertChannel: CHANNEL,
      pager: pagerdutyEvents({ routingKey: FAKE_PD_ROUTING_KEY, eventsUrl: pd.url }),
      handlers: incidentTimers(deps),
    });
    const at = (ms: number) => engine!.fastForward(clock, new Date(T0.getTime() + ms));
    return { rec, deps, engine, at };
  }

  async function declare(r: ReturnType<typeof boot>, version = 'v1.4.0', severity: 'SEV1' | 'SEV2' | 'SEV3' = 'SEV1') {
    const said = await declareIncident(r.deps, { summary: 'order API 5xx at 4 %', severity, version, actor: IC });
    const [row] = await db.query<{ seq: number }>('SELECT seq FROM incident ORDER BY seq DESC LIMIT 1');
    return { said, seq: Number(row!.seq), id: `INC-${row!.seq}` };
  }

  const thread = (r: ReturnType<typeof boot>) => r.rec.posts().filter((p) => p.threadTs !== undefined).map((p) => p.text);
  const triggers = (id: string) => pd.events.filter((e) => e.event_action === 'trigger' && e.dedup_key === id);

  it('opens with one card, pages the first level (dedup key = incident id, SEV1 → critical) and names the PagerDuty on-call', async () => {
    const clock = new VirtualClock(T0);
    const r = boot(clock);
    const inc = await declare(r);
    expect(inc.said).toContain(`${inc.id} is open in ${CHANNEL}`);
    await r.at(1000);

    const cards = r.rec.posts().filter((p) => p.threadTs === undefined);
    expect(cards).toHaveLength(1);
    expect(cards[0]!.text).toContain(`${inc.id} (SEV1, open)`);
    expect(triggers(inc.id)).toHaveLength(1);
    const fake = pd.incident(inc.id)!;
    expect(fake).toMatchObject({ status: 'triggered', severity: 'critical' });
    expect(fake.summary).toContain('order API 5xx at 4 %');
    // everything the bot sent passed the fake's check of the documented Events v2 fields
    expect(pd.requestsTo('events').every((q) => q.status === 202)).toBe(true);
    expect(thread(r).some((t) => t.includes(`<@${ONCALL}>`) && t.includes('L1'))).toBe(true);
    expect(thread(r).some((t) => t.includes('On call now in PagerDuty (Spark release, level 1)') && t.includes(`<@${ONCALL}> (Alice Oncall)`))).toBe(true);
  });

  it('escalates L1 → L2 → L3 with re-pages, mentions, the war room and status page reminders when nobody acts', async () => {
    const clock = new VirtualClock(T0);
    const r = boot(clock);
    const inc = await declare(r);
    await r.at(14 * MIN);
    expect(triggers(inc.id)).toHaveLength(3); // at 0, a re-page at +5 and +10
    expect(thread(r).filter((t) => t.includes('status page') && t.includes('reminder'))).toHaveLength(2);
    expect(thread(r).some((t) => t.includes(`<@${DEVOPS}>`))).toBe(false);

    await r.at(15 * MIN);
    const l2 = thread(r).find((t) => t.startsWith(`<@${DEVOPS}> <@${CTO}>`));
    expect(l2).toContain('L2');
    expect((await readIncident(db, inc.seq))!.state.level).toBe(1);

    await r.at(30 * MIN);
    const stored = (await readIncident(db, inc.seq))!;
    expect(stored.state.reached.map((x) => x.level)).toEqual(['L1', 'L2', 'L3']);
    expect(stored.state.warRoom?.channel).toBe(`war-inc-${inc.seq}`);
    const [room] = r.rec.warRooms();
    expect(r.rec.warRooms()).toHaveLength(1);
    expect(room?.invite).toEqual(expect.arrayContaining([ONCALL, DEVOPS, CTO, IC]));
    expect(room?.text).toContain('One decision-maker');
    expect(thread(r).filter((t) => t.startsWith('War room'))).toHaveLength(1);
    expect(pd.incidents().filter((i) => i.dedupKey === inc.id)).toHaveLength(1);
    const card = cardOf(r.deps, whereOf(stored), stored.state, clock.now());
    expect(card.text).toBe(`${inc.id} (SEV1, open): order API 5xx at 4 %`);
    expect(blockKitProblems(toBlockKit(card).blocks)).toEqual([]);
  });

  it('acknowledging stops the re-pages but not the escalation; mitigation at 20 min stops L3', async () => {
    const clock = new VirtualClock(T0);
    const r = boot(clock);
    const inc = await declare(r);
    await r.at(2 * MIN);
    expect(await actOnIncident(r.deps, inc.seq, { type: 'acknowledge', by: ONCALL })).toBeUndefined();
    await r.at(14 * MIN);
    expect(triggers(inc.id)).toHaveLength(1);
    expect(pd.incident(inc.id)?.status).toBe('acknowledged');

    await r.at(15 * MIN);
    expect(triggers(inc.id)).toHaveLength(2); // the L2 page
    await r.at(20 * MIN);
    // the on-call may not mitigate without command; the IC may
    expect(await actOnIncident(r.deps, inc.seq, { type: 'mitigated', by: ONCALL })).toBe(`Only the IC (Ayşe Kaya) can mark ${inc.id} mitigated. Nobody has taken command yet.`);
    expect(await actOnIncident(r.deps, inc.seq, { type: 'mitigated', by: IC })).toBeUndefined();
    await r.at(45 * MIN);
    const stored = (await readIncident(db, inc.seq))!;
    expect(stored.state.reached.map((x) => x.level)).toEqual(['L1', 'L2']);
    expect(stored.state.warRoom).toBeUndefined();
    expect(triggers(inc.id)).toHaveLength(2);
  });

  it('resolving resolves the page, drafts the report (sealed), and reminds of the post-mortem until it is done', async () => {
    const clock = new VirtualClock(T0);
    const r = boot(clock);
    const inc = await declare(r);
    await r.at(3 * MIN);
    await actOnIncident(r.deps, inc.seq, { type: 'status-page-updated', by: ONCALL });
    await actOnIncident(r.deps, inc.seq, { type: 'resolve', by: IC });
    await r.at(4 * MIN);
    expect(pd.incident(inc.id)?.status).toBe('resolved');
    expect(r.rec.delivered.find((d) => d.op === 'upload')?.text).toContain(`# Incident report (draft): ${inc.id}`);
    expect(await actOnIncident(r.deps, inc.seq, { type: 'add-action', by: IC, text: 'alert on order rejections', owner: DEVOPS })).toBeUndefined();

    await r.at(3 * MIN + 24 * HOUR + 1000);
    const reminders = () => thread(r).filter((t) => t.includes('The post-mortem of'));
    expect(reminders()).toHaveLength(1);
    expect(reminders()[0]).toContain('is due in 1d');
    await r.at(3 * MIN + 48 * HOUR + 1000);
    expect(reminders()).toHaveLength(2);
    expect(reminders()[1]).toContain('is due now');
    await actOnIncident(r.deps, inc.seq, { type: 'post-mortem-done', by: IC });
    await actOnIncident(r.deps, inc.seq, { type: 'done-action', by: DEVOPS, id: 'A1' });
    await r.engine.fastForward(clock);
    expect(reminders()).toHaveLength(2);
    expect((await readIncident(db, inc.seq))!.state.status).toBe('resolved');
    const [closed] = await db.query<{ closed: boolean }>('SELECT closed FROM incident WHERE seq = $1', [inc.seq]);
    expect(closed?.closed).toBe(true);
    const verified = await verifyEvidence(db, evidence, 'v1.4.0');
    expect(verified.problems).toEqual([]);
  });

  it('PagerDuty down for 2 minutes: the page is retried until accepted, @here is said once, one PagerDuty incident', async () => {
    const clock = new VirtualClock(T0);
    const r = boot(clock);
    await pd.stop();
    const inc = await declare(r);
    await r.at(2 * MIN + 1000);
    const here = () => r.rec.posts().filter((p) => p.threadTs === undefined && p.text.includes('<!here>'));
    expect(here()).toHaveLength(1);
    expect(here()[0]!.text).toContain(`Paging failed for ${inc.id}`);
    expect(pd.incidents()).toHaveLength(0);

    await pd.start();
    await r.at(8 * MIN);
    expect(pd.incidents().filter((i) => i.dedupKey === inc.id)).toHaveLength(1);
    expect(triggers(inc.id).length).toBeGreaterThanOrEqual(1);
    expect(here()).toHaveLength(1);
    const [parked] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE state = 'parked'`);
    expect(parked?.n).toBe(0);
  });

  it('PagerDuty answering 500s and a 429: the page waits, retries and is accepted once, with no @here before the fallback time', async () => {
    const clock = new VirtualClock(T0);
    const r = boot(clock);
    pd.failNext(3, { status: 503 }, 'events');
    pd.failNext(1, { status: 429, retryAfterS: 20 }, 'events');
    const inc = await declare(r);
    await r.at(MIN);
    const statuses = pd.requestsTo('events').map((q) => q.status);
    expect(statuses).toEqual([503, 503, 503, 429, 202]);
    expect(pd.incidents().filter((i) => i.dedupKey === inc.id)).toHaveLength(1);
    await r.at(3 * MIN);
    expect(r.rec.posts().some((p) => p.text.includes('<!here>'))).toBe(false);
  });

  it('a restart mid-escalation loses nothing and pages L2 once', async () => {
    const clock = new VirtualClock(T0);
    const first = boot(clock, 'a');
    const inc = await declare(first);
    await first.at(10 * MIN);
    const second = boot(clock, 'b');
    await restoreIncidents(second.deps);
    await second.at(16 * MIN);
    const l2 = [...thread(first), ...thread(second)].filter((t) => t.startsWith(`<@${DEVOPS}> <@${CTO}>`));
    expect(l2).toHaveLength(1);
    expect(pd.events.filter((e) => e.dedup_key === inc.id && e.event_action === 'trigger')).toHaveLength(4);
  });

  it('a press by someone the incident does not name is refused with who can, and changes nothing', async () => {
    const clock = new VirtualClock(T0);
    const r = boot(clock);
    const inc = await declare(r, 'v1.4.0', 'SEV3');
    await r.at(1000);
    const said = await actOnIncident(r.deps, inc.seq, { type: 'resolve', by: 'U0STRANGER' });
    expect(said).toContain('Only');
    expect(said).toContain('can resolve');
    expect((await readIncident(db, inc.seq))!.state.status).toBe('open');
    expect(pd.incident(inc.id)?.severity).toBe('warning');
  });
});
