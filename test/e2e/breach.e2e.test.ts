/**
 * Scenario 2, a p95 breach at stage 3: the trigger's window is met on Prometheus's numbers, the bot rolls the canary
 * back through the signed deploy webhook, opens an incident in the incidents channel and pages PagerDuty; the on-call
 * acknowledges, L2 is paged when the escalation's few seconds are up, the IC marks it mitigated, then resolves it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLLBACK_STEPS } from '../../src/ports/deploy.ts';
import { STABLE } from '../support/canary-rig.ts';
import { blockKitViolations, postedTwice, unsignedWebhookCalls, verifyEvidenceCli } from './support/checks.ts';
import { DEPLOYS, INCIDENTS } from './support/config.ts';
import { IC, ONCALL, ritualToGo } from './support/ritual.ts';
import { slackUsers, until, type SlackUsers } from './support/slack-user.ts';
import { startWorld, type World } from './support/world.ts';

const VERSION = 'v1.5.0';
const DEDUP_KEY = 'INC-1';

describe('a p95 breach at stage 3: auto-rollback, incident, page, L2, mitigated, resolved', () => {
  let w: World;
  let u: SlackUsers;
  const incident = () => u.card(INCIDENTS, /^INC-1 /)!;
  const incidentThread = () => u.thread(INCIDENTS, incident()).map((m) => m.text ?? '');
  const pdIncidents = () => w.pd.incidents().filter((i) => i.dedupKey === DEDUP_KEY);

  beforeAll(async () => {
    w = await startWorld({ timings: { holds: ['2s', '2s', '60s', '2s', '2s'], triggerFor: '3s', escalateL2After: '4s' }, versions: [VERSION] });
    u = slackUsers(w.slack, w.events);
    await w.platform.healthy(VERSION);
    await ritualToGo(w.slack, u, VERSION);
  });
  afterAll(async () => {
    await w?.close();
  });

  it('rolls back through the webhook once the trigger held its window at 25 %', async () => {
    await u.command(IC, DEPLOYS, `canary ${VERSION}`);
    await w.platform.webhook.waitFor((c) => c.payload.action === 'set-weight' && c.payload.weight === 25, 30_000);
    w.platform.degrade(VERSION, { api_p95: 450 });

    const card = await u.waitForCard(DEPLOYS, /^Canary v1\.5\.0: ⏪ Rolled back$/, undefined, 30_000);
    expect(w.platform.webhook.weightsSet(VERSION)).toEqual([1, 5, 25]);
    expect(w.platform.webhook.rollbackCalls()).toEqual([...ROLLBACK_STEPS.map((step) => `${step} ${VERSION}→${STABLE}`), 'health']);
    expect(unsignedWebhookCalls(w.platform.webhook)).toEqual([]);
    const thread = () => u.thread(DEPLOYS, card).map((m) => m.text ?? '');
    await until('the rollback reported healthy', () => thread().some((t) => /\| Rolled back in \d+s: v1\.3\.2 is healthy/.test(t)));
    const decisions = thread().filter((t) => t.includes('Rolling back from stage'));
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatch(/\| Rolling back from stage 3 \(25 %\): trigger api_p95_high fired \(API p95 above 400 ms for 3s\): held \ds of 3s; 450 > 400\./);
    expect(thread().filter((t) => t.startsWith('✅ Rollback step'))).toHaveLength(ROLLBACK_STEPS.length);
  });

  it('opens one incident, pages PagerDuty once for it and names the on-call PagerDuty has', async () => {
    await u.waitForCard(INCIDENTS, /^INC-1 \(SEV2, [^)]*\): Auto-rollback of v1\.5\.0 at stage 3 \(25 %\): trigger api_p95_high fired/, /incident\.acknowledge/);
    await until('the page in PagerDuty', () => pdIncidents().length > 0);
    expect(pdIncidents()).toMatchObject([{ status: 'triggered', severity: 'error', summary: expect.stringContaining('INC-1') }]);
    await until('the L1 page and the on-call in the thread', () => incidentThread().some((t) => t.startsWith('📟 On call now in PagerDuty')));
    expect(incidentThread().filter((t) => t.startsWith('<@U0ONCALL> INC-1') && t.includes('L1: paging the on-call engineer'))).toHaveLength(1);
    expect(incidentThread()).toContain('📟 On call now in PagerDuty (Spark release, level 1): <@U0ONCALL> (Deniz Aydın).');
    expect(incidentThread().filter((t) => t.startsWith('*INC-1* (SEV2, v1.5.0) opened automatically: v1.5.0 was rolled back from stage 3 (25 %)'))).toHaveLength(1);
  });

  it('refuses a new canary of the version while its incident is open', async () => {
    const respond = await u.command(IC, DEPLOYS, `canary ${VERSION}`);
    const [answer] = await until('the refusal', () => (u.answered(respond).length > 0 ? u.answered(respond) : undefined));
    expect(answer).toContain('INC-1');
    expect(w.platform.webhook.weightsSet(VERSION)).toEqual([1, 5, 25]);
  });

  it('acknowledges in PagerDuty when the on-call presses Acknowledge', async () => {
    await u.click(ONCALL, incident(), 'incident.acknowledge');
    await u.waitForCard(INCIDENTS, /^INC-1 /, /🟠 \*Acknowledged\*/);
    await until('the acknowledgement in PagerDuty', () => pdIncidents()[0]?.status === 'acknowledged');
  });

  it('pages L2 when the escalation time is up without a mitigation, mentioning the DevOps Lead and the CTO once', async () => {
    await until('the L2 page', () => incidentThread().some((t) => t.startsWith('<@U0DEVOPS> <@U0CTO> L2: INC-1 is not mitigated')), 20_000);
    expect(incidentThread().filter((t) => t.includes('L2: INC-1'))).toHaveLength(1);
    await u.waitForCard(INCIDENTS, /^INC-1 /, /✅ L2 \(\+4s\) reached/);
  });

  it('stops the escalation when the IC marks it mitigated, and resolves it in PagerDuty on Resolve', async () => {
    await u.click(IC, incident(), 'incident.mitigated');
    await u.waitForCard(INCIDENTS, /^INC-1 /, /🟡 \*Mitigated\*/);
    expect(JSON.stringify(incident().blocks)).toContain('⏹ L3 (+10m) not needed');
    await u.click(IC, incident(), 'incident.resolve');
    await u.waitForCard(INCIDENTS, /^INC-1 /, /✅ \*Resolved\*/);
    await until('the resolve in PagerDuty', () => pdIncidents()[0]?.status === 'resolved');
    await until('the report draft in the thread', () => incidentThread().some((t) => t.startsWith('📝 The incident report')));

    // one PagerDuty incident for the key, through its whole life: opened, acknowledged, resolved
    expect(pdIncidents()).toHaveLength(1);
    expect(w.pd.incidents()).toHaveLength(1);
    const actions = pdIncidents()[0]!.log.map((l) => l.action);
    expect(actions[0]).toBe('trigger');
    expect(actions.indexOf('acknowledge')).toBeGreaterThan(0);
    expect(actions.at(-1)).toBe('resolve');
    expect(incidentThread().filter((t) => t.includes('Mitigated by Ayşe Kaya'))).toHaveLength(1);
    expect(incidentThread().filter((t) => t.includes('Resolved by Ayşe Kaya'))).toHaveLength(1);
  });

  it('posted nothing twice, every message fits Block Kit, and the evidence verifies', async () => {
    expect(postedTwice(w.slack)).toEqual([]);
    expect(blockKitViolations(w.slack)).toEqual([]);
    const { code, out } = await verifyEvidenceCli(w.evidenceEnv, VERSION);
    expect(code, out).toBe(0);
  });
});
