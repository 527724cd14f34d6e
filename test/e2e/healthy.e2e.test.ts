/**
 * Scenario 1, a healthy release end to end: the bot as a process in Slack HTTP mode, played by its people through
 * signed Slack requests, on the machine's PostgreSQL, pgBouncer and Prometheus. Preflight (every check against a
 * real target) → red team (items 11–15 attacking loopback targets) → GO / NO-GO (five approvers, one NO-GO by form first, the IC's confirmation) → canary
 * 1 → 100 % on Prometheus's numbers → first-night snapshots → release note → one-liner; the evidence verifies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockKitViolations, postedTwice, unsignedWebhookCalls, verifyEvidenceCli } from './support/checks.ts';
import { DEPLOYS } from './support/config.ts';
import { IC, ritualToGo } from './support/ritual.ts';
import { slackUsers, until, type SlackUsers } from './support/slack-user.ts';
import { startWorld, type World } from './support/world.ts';

const VERSION = 'v1.5.0';
const STAGES = [1, 2, 3, 4, 5];
const SNAPSHOTS = 5;

describe('a healthy release, from preflight to the first night', () => {
  let w: World;
  let u: SlackUsers;

  beforeAll(async () => {
    w = await startWorld({ timings: { holds: ['3s', '3s', '3s', '3s', '3s'] }, versions: [VERSION] });
    u = slackUsers(w.slack, w.events);
    await w.platform.healthy(VERSION);
  });
  afterAll(async () => {
    await w?.close();
  });

  it('walks the ritual to a GO in Slack, the red team passing all 15 items', async () => {
    await ritualToGo(w.slack, u, VERSION);
    const gonogo = u.card(DEPLOYS, /^GO \/ NO-GO v1\.5\.0: GO \(items 10\/10\)$/);
    expect(gonogo).toBeDefined();

    const redteam = u.card(DEPLOYS, /^Red team v1\.5\.0: /)!;
    expect(redteam.text).toBe('Red team v1.5.0: passed (15 of 15 decided)');
    const summary = u.thread(DEPLOYS, redteam).filter((m) => m.text?.startsWith(`Red team ${VERSION} `));
    expect(summary).toHaveLength(1);
    expect(summary[0]!.text).toMatch(/^Red team v1\.5\.0 ✅ passed \(15 pass · 0 warn · 0 fail · 0 skipped\)\. Summary sealed in /);
    const blocks = JSON.stringify(redteam.blocks);
    for (const item of ['11. *Idempotency burst replay*', '12. *Decimal tick drift*', '13. *Outbox clock skew*', '14. *CSP report flood*', '15. *SBOM license drift*']) {
      expect(blocks).toContain(`✅ ${item} — `);
    }
    expect(JSON.stringify(gonogo!.blocks)).toMatch(/\*Red team\* \(run \d+\): passed — 15 pass · 0 warn · 0 fail · 0 skipped · 0 open/);

    // the attacks reached the platform: one order from the burst's 100 requests, a flood that met the rate limit
    expect(w.redteam.seen).toMatchObject({ orderRequests: 100, ordersExecuted: 1 });
    expect(w.redteam.seen.reportsLimited).toBeGreaterThan(0);
    expect(w.redteam.seen.reportsTaken + w.redteam.seen.reportsLimited).toBe(201);
  });

  it('releases the canary 1 → 100 %: each weight set once, in order, and every stage passed once in the war-room minutes', async () => {
    await u.command(IC, DEPLOYS, `canary ${VERSION}`);
    const card = await u.waitForCard(DEPLOYS, /^Canary v1\.5\.0: ✅ Released$/, undefined, 60_000);
    expect(w.platform.webhook.weightsSet(VERSION)).toEqual([1, 5, 25, 50, 100]);
    expect(w.platform.webhook.rollbackCalls()).toEqual([]);
    expect(unsignedWebhookCalls(w.platform.webhook)).toEqual([]);

    const thread = () => u.thread(DEPLOYS, card).map((m) => m.text ?? '');
    await until('the one-liner in the release thread', () => thread().some((t) => t.startsWith(`${VERSION} canary: `)));
    for (const stage of STAGES) {
      expect(thread().filter((t) => t.startsWith(`*Stage ${stage} of 5 (`) && t.includes(') passed*'))).toHaveLength(1);
      expect(thread().filter((t) => new RegExp(`\\| Stage ${stage} · \\d+ % \\| .* \\| Stage ${stage} passed \\(8/8 signals`).test(t))).toHaveLength(1);
    }
    const oneliner = thread().filter((t) => t.startsWith(`${VERSION} canary: `));
    expect(oneliner).toHaveLength(1);
    expect(oneliner[0]).toMatch(/^v1\.5\.0 canary: 1%→100% tüm aşamalar \d+\/\d+ metrik geçer; rollback=0; p95=~140ms, 5xx=0\.3%/);
  });

  it('takes the first-night snapshots on its short cadence, then posts the release note and lifts the freeze', async () => {
    const card = u.card(DEPLOYS, /^Canary v1\.5\.0/)!;
    await u.waitForCard(DEPLOYS, /^First night of v1\.5\.0: ✅ First night over · 5\/5 snapshots clean$/, undefined, 40_000);
    const thread = () => u.thread(DEPLOYS, card).map((m) => m.text ?? '');
    await until('the freeze lifted', () => thread().some((t) => t.startsWith(`🔓 Freeze lifted for ${VERSION}`)));
    const snapshots = thread().filter((t) => t.startsWith('*First-night snapshot '));
    expect(snapshots).toHaveLength(SNAPSHOTS);
    snapshots.forEach((t, i) => expect(t).toMatch(new RegExp(`^\\*First-night snapshot ${i + 1}/${SNAPSHOTS} · T\\+\\d+s\\* — ✅ clean`)));
    expect(thread().filter((t) => t.startsWith(`*Release note — ${VERSION}*`))).toHaveLength(1);
    expect(thread().filter((t) => t.startsWith(`*Mini RCA — ${VERSION}`))).toHaveLength(1);
  });

  it('answers /spark oneliner with the one-liner sealed when stage 5 passed', async () => {
    const sealed = u.thread(DEPLOYS, u.card(DEPLOYS, /^Canary v1\.5\.0/)!).find((m) => m.text?.startsWith(`${VERSION} canary: `))!.text!;
    await u.command(IC, DEPLOYS, `oneliner ${VERSION}`);
    await until('the one-liner answered', () => w.slack.messages(DEPLOYS).some((m) => !m.thread_ts && m.text === sealed));
  });

  it('posted nothing twice, and every message fits Block Kit', () => {
    expect(postedTwice(w.slack)).toEqual([]);
    expect(blockKitViolations(w.slack)).toEqual([]);
  });

  it('leaves evidence that `evidence verify` finds intact', async () => {
    const { code, out } = await verifyEvidenceCli(w.evidenceEnv, VERSION);
    expect(out).toMatch(/intact/i);
    expect(code, out).toBe(0);
  });
});
