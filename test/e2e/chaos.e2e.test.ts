/**
 * Scenario 3, one release through trouble: the bot is SIGKILLed mid-stage 2 and started again on the same database;
 * Prometheus is frozen through stage 3's hold; Slack answers 429s and 500s (one of them after it kept the message)
 * in stage 4; then, after the release, an incident is declared while PagerDuty answers 500. For each: nothing lost,
 * nothing twice, and the canary never promoted without data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockKitViolations, postedTwice, unsignedWebhookCalls, verifyEvidenceCli } from './support/checks.ts';
import { DEPLOYS, INCIDENTS } from './support/config.ts';
import { IC, ritualToGo } from './support/ritual.ts';
import { slackUsers, until, type SlackUsers } from './support/slack-user.ts';
import { startWorld, type World } from './support/world.ts';

const VERSION = 'v1.6.0';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A timer the killed bot had leased is taken over once its lease (60 s at least) runs out. */
const AFTER_RESTART_MS = 90_000;
const PROMETHEUS_FROZEN_MS = 8_000;

describe('a release through a SIGKILL, a frozen Prometheus, a Slack outage burst and a PagerDuty outage', () => {
  let w: World;
  let u: SlackUsers;
  const weight = (n: number, timeoutMs = 30_000) => w.platform.webhook.waitFor((c) => c.payload.action === 'set-weight' && c.payload.weight === n, timeoutMs);
  const canaryCard = () => u.card(DEPLOYS, /^Canary v1\.6\.0/)!;
  const thread = () => u.thread(DEPLOYS, canaryCard()).map((m) => m.text ?? '');

  beforeAll(async () => {
    // stage 2 outlasts a restart; stage 3's hold ends while Prometheus is frozen; no data is tolerated for 30 s
    w = await startWorld({ timings: { holds: ['2s', '8s', '4s', '4s', '2s'], noDataLimit: '30s' }, versions: [VERSION] });
    u = slackUsers(w.slack, w.events);
    await w.platform.healthy(VERSION);
    await ritualToGo(w.slack, u, VERSION);
  });
  afterAll(async () => {
    await w?.close();
  });

  it('SIGKILL mid-stage 2 and a restart: the new process carries the canary on, setting no weight twice', async () => {
    await u.command(IC, DEPLOYS, `canary ${VERSION}`);
    await weight(5);
    await sleep(2_000);
    await w.kill();
    expect(w.bot().proc.signalCode).toBe('SIGKILL');
    expect(w.platform.webhook.weightsSet(VERSION)).toEqual([1, 5]);
    await w.start();
    await weight(25, AFTER_RESTART_MS);
    expect(w.platform.webhook.weightsSet(VERSION)).toEqual([1, 5, 25]);
    await until('stage 2 passed in the minutes', () => thread().some((t) => t.includes('| Stage 2 passed')));
    expect(thread().filter((t) => t.includes('| Stage 2 passed'))).toHaveLength(1);
    expect(postedTwice(w.slack)).toEqual([]);
  });

  it('holds stage 3 while Prometheus is frozen past the hold, and promotes only once data is back', async () => {
    w.platform.pausePrometheus();
    await sleep(PROMETHEUS_FROZEN_MS);
    // the hold of stage 3 (4 s) ended while the bot could not measure: held, not promoted
    expect(w.platform.webhook.weightsSet(VERSION)).toEqual([1, 5, 25]);
    w.platform.resumePrometheus();
    await weight(50);
    await until('stage 3 passed in the minutes', () => thread().some((t) => t.includes('| Stage 3 passed')));
    expect(thread().filter((t) => t.includes('| Stage 3 is inconclusive: no data'))).toHaveLength(1);
    expect(thread().filter((t) => t.includes('| Stage 3 passed'))).toHaveLength(1);
    expect(w.platform.webhook.rollbackCalls()).toEqual([]);
  });

  it('delivers every message once through a burst of Slack 429s and 500s, and releases', async () => {
    const failedBefore = w.slack.calls.filter((c) => c.status !== 200).length;
    // A short burst: a delivery that keeps failing backs off exponentially (1 s, 2 s, 4 s …), by design.
    w.slack.failNext(2, { status: 429, retryAfter: 1 });
    w.slack.failNext(1, { status: 500 });
    // Slack posted this one but the answer was lost: the bot must find it by its marker, not post it again
    w.slack.failNext(1, { status: 500, afterHandling: true, method: 'chat.postMessage' });
    await u.waitForCard(DEPLOYS, /^Canary v1\.6\.0: ✅ Released$/, undefined, 60_000);
    await until('the one-liner in the thread', () => thread().some((t) => t.startsWith(`${VERSION} canary: `)), 30_000);
    expect(w.slack.calls.filter((c) => c.status !== 200).length - failedBefore).toBe(4);

    expect(w.platform.webhook.weightsSet(VERSION)).toEqual([1, 5, 25, 50, 100]);
    expect(unsignedWebhookCalls(w.platform.webhook)).toEqual([]);
    for (const stage of [1, 2, 3, 4, 5]) {
      expect(thread().filter((t) => t.startsWith(`*Stage ${stage} of 5 (`) && t.includes(') passed*'))).toHaveLength(1);
      expect(thread().filter((t) => t.includes(`| Stage ${stage} passed`))).toHaveLength(1);
    }
    expect(thread().filter((t) => t.startsWith(`${VERSION} canary: `))).toHaveLength(1);
    expect(w.slack.messages(DEPLOYS).filter((m) => !m.thread_ts && m.text?.startsWith('Canary v1.6.0'))).toHaveLength(1);
    expect(postedTwice(w.slack)).toEqual([]);
  });

  it('pages through a PagerDuty outage: says so in Slack after the fallback time, then opens exactly one PagerDuty incident', async () => {
    await u.waitForCard(DEPLOYS, /^First night of v1\.6\.0: ✅ First night over/, undefined, 40_000);
    w.pd.failFor(6_000, { status: 500 }, 'events');
    await u.command(IC, INCIDENTS, `incident SEV2 ${VERSION} order rejections climbing after the release`);
    const card = await u.waitForCard(INCIDENTS, /^INC-1 /, /incident\.resolve/);
    const incThread = () => u.thread(INCIDENTS, card).map((m) => m.text ?? '');
    const fallback = () => w.slack.messages(INCIDENTS).filter((m) => !m.thread_ts && m.text?.startsWith('<!here> ⚠️ *Paging failed for INC-1*'));
    await until('the @here paging fallback in the channel', () => fallback().length > 0, 20_000);
    await until('the paging failure noted in the thread', () => incThread().some((t) => t.startsWith('⚠️ Paging has failed since')));
    await until('the page accepted by PagerDuty', () => w.pd.incident('INC-1'), 60_000);
    expect(w.pd.requestsTo('events').filter((r) => r.status === 500).length).toBeGreaterThan(0);
    expect(fallback()).toHaveLength(1);
    expect(incThread().filter((t) => t.startsWith('⚠️ Paging has failed since'))).toHaveLength(1);

    await u.click(IC, card, 'incident.resolve');
    await until('the resolve in PagerDuty', () => w.pd.incident('INC-1')?.status === 'resolved', 30_000);
    expect(w.pd.incidents()).toHaveLength(1);
    expect(w.pd.events.filter((e) => e.dedup_key === 'INC-1' && e.outcome === 'opened')).toHaveLength(1);
  });

  it('posted nothing twice, parked nothing, every message fits Block Kit, and the evidence verifies', async () => {
    const metrics = await (await fetch(w.events().replace('/slack/events', '/metrics'))).text();
    expect(metrics).toMatch(/^spark_outbox_parked 0$/m);
    expect(postedTwice(w.slack)).toEqual([]);
    expect(blockKitViolations(w.slack)).toEqual([]);
    const { code, out } = await verifyEvidenceCli(w.evidenceEnv, VERSION);
    expect(code, out).toBe(0);
  });
});
