/**
 * The canary on the simulated platform, in virtual time: a recorded GO through the real go/no-go use cases, then
 * whole canaries driven by their durable timers (stage holds shortened so each runs in seconds).
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatherFacts } from '../src/app/gonogo/facts.ts';
import { unconfiguredPager } from '../src/adapters/unconfigured-pager.ts';
import { VirtualClock } from '../src/adapters/virtual-clock.ts';
import { firstNightTimers } from '../src/app/first-night/timers.ts';
import { canaryTimers } from '../src/app/canary/timers.ts';
import { readCanary } from '../src/app/canary/record.ts';
import { actOnIncident } from '../src/app/incident/run.ts';
import { actOnCanary, releaseOneliner, restoreCanaries, rollbackCanary, startCanary, type CanaryDeps } from '../src/app/canary/run.ts';
import { GONOGO_CLOCK, gonogoClock, type GonogoDeps } from '../src/app/gonogo/decide.ts';
import type { Source } from '../src/app/preflight/check.ts';
import { runPreflight } from '../src/app/preflight/run.ts';
import { simulatedSources } from '../src/app/preflight/sources.ts';
import { namesFrom } from '../src/app/ritual.ts';
import { toBlockKit } from '../src/chat/blockkit.ts';
import { canaryButtons } from '../src/chat/buttons/canary.ts';
import { CANARY_ACTION, CANARY_FORM_ROLLBACK, canaryCard } from '../src/chat/cards/canary.ts';
import { configSchema } from '../src/config/schema.ts';
import { canaryView } from '../src/domain/canary/view.ts';
import { createEngine } from '../src/engine/engine.ts';
import { evidenceKeyFrom } from '../src/evidence/key.ts';
import { verifyEvidence } from '../src/evidence/verify.ts';
import { ROLLBACK_STEPS, type DeployTarget } from '../src/ports/deploy.ts';
import { parseFault } from '../src/sim/faults.ts';
import { createSimPlatform, type SimPlatform } from '../src/sim/platform.ts';
import { simReleaseFacts } from '../src/sim/release.ts';
import type { Db } from '../src/store/db.ts';
import { simulatedApprovers } from '../src/rehearse/approvers.ts';
import { blockKitProblems } from './fakes/block-kit-limits.ts';
import { recordingChat } from './fakes/recording-chat.ts';
import { openTestDb } from './support/db.ts';
import { tempDir } from './support/temp.ts';

const T0 = new Date('2026-11-24T18:00:00Z');
const SEC = 1000;
const IC = 'U0SPARKIC';
const DEVOPS = 'U0DEVOPS';
const CTO = 'U0CTO';
const CHANNEL = 'C0DEPLOYS';

// Short holds keep each canary to seconds of wall time; stage 3 outlasts the 5-minute API p95 trigger.
const config = configSchema.parse({
  stages: [
    { weight: 1, hold: '1m' },
    { weight: 5, hold: '1m' },
    { weight: 25, hold: '6m' },
    { weight: 50, hold: '1m' },
    { weight: 100, hold: '2m' },
  ],
});
const log = pino({ level: 'silent' });
const nameOf = namesFrom(config);

describe('the canary on the simulated platform', () => {
  let db: Db;
  let evidence: { dir: string; key: ReturnType<typeof evidenceKeyFrom> };
  beforeAll(async () => {
    db = await openTestDb();
    evidence = { dir: tempDir('spark-canary-run-'), key: evidenceKeyFrom('canary-run') };
  });
  afterAll(() => db.close());

  /** One bot process: its deps and engine over the shared database, the platform and Slack it talks to. */
  function bootBot(clock: VirtualClock, sim: SimPlatform, rec: ReturnType<typeof recordingChat>, deploy: Source<DeployTarget> = { port: sim.deploy }) {
    let engine: ReturnType<typeof createEngine> | undefined;
    const wake = () => engine?.wake();
    const ritual = { config, host: 'test', evidence, sources: simulatedSources(sim), release: simReleaseFacts, nameOf };
    const gonogo: GonogoDeps = { ...ritual, db, clock, wake };
    const deps: CanaryDeps = { db, clock, log, config, evidence, metrics: { port: sim.metrics }, deploy, nameOf, wake };
    engine = createEngine({
      db,
      clock,
      chat: rec.chat,
      pager: unconfiguredPager,
      log,
      worker: 'w',
      handlers: { [GONOGO_CLOCK]: gonogoClock(gonogo), ...canaryTimers(deps), ...firstNightTimers(deps) },
      alertChannel: CHANNEL,
    });
    return { ritual, gonogo, deps, engine };
  }

  function rig(opts: { faults?: string[]; deploy?: Source<DeployTarget> } = {}) {
    const clock = new VirtualClock(T0);
    const faults = (opts.faults ?? []).map((f) => {
      const parsed = parseFault(f, config);
      if (!parsed.ok) throw new Error(parsed.error);
      return parsed.fault;
    });
    const sim = createSimPlatform({ config, clock, faults });
    const rec = recordingChat();
    const bot = bootBot(clock, sim, rec, opts.deploy);
    const thread = () => rec.posts().filter((p) => p.threadTs !== undefined && p.channel === CHANNEL).map((p) => p.text);
    const weights = (version: string) => sim.deploy.calls.flatMap((c) => (c.call === 'setWeight' && c.version === version ? [c.weightPercent] : []));
    return { clock, sim, rec, thread, weights, ...bot };
  }
  type Rig = ReturnType<typeof rig>;

  /** A preflight, then a GO decided by the approvers through the real go/no-go use cases. */
  async function recordGo(r: Rig, version: string) {
    await runPreflight({ ...r.ritual, db, clock: r.clock, log, wake: () => undefined }, { version, actor: IC, channel: CHANNEL });
    expect(await simulatedApprovers(r.gonogo, r.clock, version, CHANNEL)).toBe('go');
    await r.engine.runDue();
  }

  async function runOf(version: string) {
    const [row] = await db.query<{ id: number; status: string; finished_at: Date | null }>('SELECT id, status, finished_at FROM canary_run WHERE version = $1 ORDER BY id DESC LIMIT 1', [version]);
    return row!;
  }

  async function start(r: Rig, version: string, actor = IC) {
    expect(await startCanary(r.deps, { version, actor, channel: CHANNEL })).toBeUndefined();
    await r.engine.runDue();
    return runOf(version);
  }

  async function evidenceKinds(version: string) {
    return (await db.query<{ kind: string }>("SELECT kind FROM evidence_file WHERE version = $1 AND kind NOT LIKE 'preflight%' AND kind NOT LIKE 'gonogo%' AND kind NOT LIKE 'rollback-drill' ORDER BY id", [version])).map((x) => x.kind);
  }

  async function cardOf(id: number, at: Date) {
    const stored = (await readCanary(db, id))!;
    return canaryCard(id, canaryView(stored.state, at), nameOf);
  }

  it('walks a healthy canary 1 → 100 % and releases it once: the one-liner posted and sealed', async () => {
    const r = rig();
    await recordGo(r, 'v1.4.0');
    const { id } = await start(r, 'v1.4.0');
    expect(blockKitProblems(toBlockKit(await cardOf(id, r.clock.now())).blocks)).toEqual([]);
    await r.engine.fastForward(r.clock);

    expect(await runOf('v1.4.0')).toMatchObject({ status: 'released', finished_at: expect.any(Date) });
    expect(r.weights('v1.4.0')).toEqual([1, 5, 25, 50, 100]);
    const thread = r.thread();
    const oneliners = thread.filter((t) => t.startsWith('v1.4.0 canary: '));
    expect(oneliners).toHaveLength(1);
    // `/spark oneliner v1.4.0` prints it again, as sealed
    const again = await releaseOneliner({ db, evidence }, 'v1.4.0');
    expect('oneliner' in again && `${again.oneliner}\n_Sealed in \`${again.evidence}\`._`).toBe(oneliners[0]);
    expect(await releaseOneliner({ db, evidence }, 'v9.9.9')).toEqual({ missing: 'No canary has released v9.9.9: its one-liner is written when stage 5 passes.' });
    expect(oneliners[0]).toMatch(/^v1\.4\.0 canary: 1%→100% tüm aşamalar 6\/6 metrik geçer; rollback=0; p95=~1\d\dms, 5xx=0\.\d%, .*\.\n_Sealed in `v1\.4\.0\/.*-canary-oneliner\.md`\._$/);
    const minutes = thread.filter((t) => /^`\d\d:\d\d:\d\d UTC` \| Stage /.test(t));
    expect(minutes.filter((t) => /\| Stage \d · \d+ % \| .* \| Stage \d passed/.test(t))).toHaveLength(5);
    expect(minutes.filter((t) => t.includes('is released at 100 %'))).toHaveLength(1);
    expect(thread.some((t) => t.startsWith('*Stage 3 of 5 (25 %) passed*') && t.includes('✅ API p95: '))).toBe(true);
    const kinds = await evidenceKinds('v1.4.0');
    expect(kinds.filter((k) => k.startsWith('canary-'))).toEqual(['canary-stage-1', 'canary-stage-2', 'canary-stage-3', 'canary-stage-4', 'canary-stage-5', 'canary-oneliner']);
    // the release started the first night in its own transaction: 31 snapshots, then the release note at T+24 h
    expect(kinds.filter((k) => k.startsWith('first-night-snapshot-'))).toHaveLength(31);
    expect(kinds.at(-1)).toBe('first-night-release-note');
    expect((await verifyEvidence(db, evidence, 'v1.4.0')).problems).toEqual([]);
    const card = await cardOf(id, r.clock.now());
    expect(card.text).toBe('Canary v1.4.0: ✅ Released');
    // released: the canary's own buttons are gone; declaring an incident stays open to anyone through the first night
    expect(card.blocks.flatMap((b) => (b.type === 'buttons' ? b.buttons.map((x) => x.label) : []))).toEqual(['Declare incident']);
    const [{ pending }] = (await db.query<{ pending: number }>("SELECT count(*)::int AS pending FROM timer WHERE kind LIKE 'canary.%' AND state <> 'done'")) as [{ pending: number }];
    expect(pending).toBe(0);
  });

  it('rolls back at stage 3 when API p95 breaches, naming api_p95_high, and reports the six steps', async () => {
    const r = rig({ faults: ['p95@3'] });
    await recordGo(r, 'v1.4.1');
    const rollbackItem = async () => {
      const facts = await gatherFacts(db, r.gonogo, 'v1.4.1', r.clock.now());
      return 'results' in facts ? facts.results.rollback : undefined;
    };
    // the simulated DevOps Lead recorded a drill before the vote
    expect(await rollbackItem()).toEqual({ outcome: 'pass', summary: expect.stringMatching(/^rollback drill of v1\.4\.1 on 2026-\d\d-\d\d: simulated drill/) });
    const { id } = await start(r, 'v1.4.1');
    await r.engine.fastForward(r.clock);

    expect((await runOf('v1.4.1')).status).toBe('rolled-back');
    expect(r.weights('v1.4.1')).toEqual([1, 5, 25]);
    const thread = r.thread();
    const decision = thread.find((t) => t.includes('Rolling back from stage 3 (25 %)'));
    expect(decision).toMatch(/trigger api_p95_high fired \(API p95 above 400 ms for 5 min\): held 5m of 5m; 4\d\d(\.\d+)? > 400\. Also fired: latency_without_cpu\.$/);
    expect(thread.filter((t) => t.includes('Rollback step')).map((t) => /\*(.+?)\*/.exec(t)?.[1])).toEqual([...ROLLBACK_STEPS]);
    expect(thread.filter((t) => t.startsWith('✅ Rollback step'))).toHaveLength(6);
    expect(thread.some((t) => t.startsWith('✅ Health after the rollback: '))).toBe(true);
    expect(thread.some((t) => /\| Rolled back in \ds: v1\.3\.2 is healthy/.test(t))).toBe(true);
    const calls = r.sim.deploy.calls.filter((c) => c.call === 'rollbackStep' || c.call === 'health').map((c) => (c.call === 'rollbackStep' ? `${c.step} ${c.from}→${c.to}` : c.call));
    expect(calls).toEqual([...ROLLBACK_STEPS.map((s) => `${s} v1.4.1→v1.3.2`), 'health']);
    // the auto-rollback opened an incident, pre-filled with the trigger and the canary's stages, sealed with the rest
    const [incident] = await db.query<{ seq: number; id: string; status: string; origin: string }>("SELECT seq, id, status, origin FROM incident WHERE version = 'v1.4.1'");
    expect(incident).toMatchObject({ status: 'open', origin: 'auto-rollback' });
    expect(await evidenceKinds('v1.4.1')).toEqual(['canary-stage-1', 'canary-stage-2', 'canary-stage-3', `incident-opened-${incident!.seq}`]);
    const opened = r.rec.posts().find((p) => p.channel === config.channels.incidents && p.threadTs !== undefined && p.text.startsWith(`*${incident!.id}*`));
    expect(opened?.text).toContain('Trigger *api_p95_high* (API p95 above 400 ms for 5 min) held 300 s of 300 s');
    expect(opened?.text).toMatch(/\| 2 · 5 % \| .* \| stage passed/);
    // while it is open no canary starts; resolved, the next one may
    expect(await startCanary(r.deps, { version: 'v1.4.9', actor: IC, channel: CHANNEL })).toContain(`incident ${incident!.id} (SEV2, linked to v1.4.1) is open: no canary starts until it is resolved`);
    expect(await actOnIncident(r.deps, Number(incident!.seq), { type: 'resolve', by: IC })).toBeUndefined();
    expect((await verifyEvidence(db, evidence, 'v1.4.1')).problems).toEqual([]);
    const card = await cardOf(id, r.clock.now());
    expect(card.text).toBe('Canary v1.4.1: ⏪ Rolled back');
    // the real rollback is now the latest proof that the rollback plan works
    expect(await rollbackItem()).toEqual({ outcome: 'pass', summary: expect.stringMatching(/^v1\.4\.1 rolled back 2026-\d\d-\d\d \(canary \d+\)$/) });
    expect(blockKitProblems(toBlockKit(card).blocks)).toEqual([]);
  });

  it('refuses without a recorded GO, without a deploy target, and while another canary is unfinished; each refusal audited', async () => {
    const none = rig();
    await runPreflight({ ...none.ritual, db, clock: none.clock, log, wake: () => undefined }, { version: 'v1.4.2', actor: IC, channel: CHANNEL });
    expect(await startCanary(none.deps, { version: 'v1.4.2', actor: IC, channel: CHANNEL })).toBe(
      'Cannot start the canary of v1.4.2: there is no recorded GO for v1.4.2: decide it with `/spark gonogo v1.4.2` first. The IC may override this with `/spark canary v1.4.2 override <reason>`.',
    );

    const noTarget = rig({ deploy: { missing: 'no deploy target configured (deploy.adapter is none): set it to command or webhook' } });
    expect(await startCanary(noTarget.deps, { version: 'v1.4.2', actor: IC, channel: CHANNEL })).toBe(
      'Cannot start the canary of v1.4.2: there is no deploy target (no deploy target configured (deploy.adapter is none): set it to command or webhook).',
    );

    const r = rig();
    await recordGo(r, 'v1.4.3');
    await recordGo(r, 'v1.4.4');
    const first = await start(r, 'v1.4.3');
    expect(await startCanary(r.deps, { version: 'v1.4.4', actor: IC, channel: CHANNEL })).toBe(
      `Cannot start the canary of v1.4.4: the canary of v1.4.3 (run ${first.id}) is running, stage 1 of 5 at 1 %; one canary at a time: let it finish or roll it back first.`,
    );
    expect(await startCanary(r.deps, { version: 'v1.4.4', actor: CTO, channel: CHANNEL })).toBe('Only the IC (Ayşe Kaya) or the DevOps Lead (Mehmet Demir) can start a canary.');

    const refused = await db.query<{ actor: string; version: string }>("SELECT actor, version FROM audit_log WHERE action = 'canary.refused' AND version IN ('v1.4.2', 'v1.4.4') ORDER BY id");
    expect(refused).toEqual([
      { actor: IC, version: 'v1.4.2' },
      { actor: IC, version: 'v1.4.2' },
      { actor: IC, version: 'v1.4.4' },
      { actor: CTO, version: 'v1.4.4' },
    ]);
    expect(await rollbackCanary(r.deps, { actor: IC, reason: 'making room for the next test' })).toBeUndefined();
    await r.engine.fastForward(r.clock);
    expect((await runOf('v1.4.3')).status).toBe('rolled-back');
  });

  it('starts without a GO only on the IC’s override with a reason, carried by the audit log, the minutes and the card; one at a time is never overridden', async () => {
    const r = rig();
    await runPreflight({ ...r.ritual, db, clock: r.clock, log, wake: () => undefined }, { version: 'v1.4.9', actor: IC, channel: CHANNEL });
    const reason = 'hotfix for the settlement bug, GO given by phone';
    expect(await startCanary(r.deps, { version: 'v1.4.9', actor: DEVOPS, channel: CHANNEL, override: reason })).toBe('Only the IC (Ayşe Kaya) can override a refusal to start a canary.');
    expect(await startCanary(r.deps, { version: 'v1.4.9', actor: IC, channel: CHANNEL, override: reason })).toBeUndefined();
    const run = await runOf('v1.4.9');
    const [row] = await db.query<{ details: string }>("SELECT body AS details FROM audit_log WHERE action = 'canary.override' AND version = 'v1.4.9'");
    expect(JSON.parse(row!.details)).toEqual({ runId: run.id, reason, overrode: ['there is no recorded GO for v1.4.9: decide it with `/spark gonogo v1.4.9` first'] });
    await r.engine.fastForward(r.clock, new Date(r.clock.now().getTime() + SEC));
    expect(r.thread().some((t) => t.includes(`Canary started by Ayşe Kaya on the IC's override (${reason}) of: there is no recorded GO for v1.4.9`))).toBe(true);
    const card = await cardOf(run.id, r.clock.now());
    expect(JSON.stringify(card)).toContain(`⚠️ Started on the IC's override by Ayşe Kaya: ${reason}.`);

    await runPreflight({ ...r.ritual, db, clock: r.clock, log, wake: () => undefined }, { version: 'v1.4.10', actor: IC, channel: CHANNEL });
    expect(await startCanary(r.deps, { version: 'v1.4.10', actor: IC, channel: CHANNEL, override: 'urgent' })).toMatch(/^Cannot start the canary of v1\.4\.10: the canary of v1\.4\.9 .* one canary at a time: let it finish or roll it back first\.$/);
    expect(await rollbackCanary(r.deps, { actor: IC, reason: 'making room for the next test' })).toBeUndefined();
    await r.engine.fastForward(r.clock);
  });

  it('refuses a canary that would run into BIST hours (a release not known to leave the schema alone counts as a schema change); the IC may override it', async () => {
    const r = rig();
    r.clock.advanceTo(new Date('2026-11-25T06:50:00Z')); // Wednesday 09:50 in Istanbul
    await recordGo(r, 'v1.4.12');
    const refusal = await startCanary(r.deps, { version: 'v1.4.12', actor: IC, channel: CHANNEL });
    expect(refusal).toMatch(/^Cannot start the canary of v1\.4\.12: a schema-change canary of .* starts inside the forbidden window 2026-11-25 09:30–18:00 Europe\/Istanbul .*; the earliest start that fits is 2026-11-25 18:00 Europe\/Istanbul; it is treated as a schema change because preflight\.prisma\.schemaChange is not set in the config\. The IC may override this with `\/spark canary v1\.4\.12 override <reason>`\.$/);
    expect(await startCanary(r.deps, { version: 'v1.4.12', actor: IC, channel: CHANNEL, override: 'config-only release, no migration' })).toBeUndefined();
    const [row] = await db.query<{ details: string }>("SELECT body AS details FROM audit_log WHERE action = 'canary.override' AND version = 'v1.4.12'");
    expect((JSON.parse(row!.details) as { overrode: string[] }).overrode).toEqual([expect.stringContaining('forbidden window 2026-11-25 09:30–18:00')]);
    expect(await rollbackCanary(r.deps, { actor: IC, reason: 'making room for the next test' })).toBeUndefined();
    await r.engine.fastForward(r.clock);
  });

  it('resumes after a restart mid-stage with the same hold, and promotes each stage once', async () => {
    const r = rig();
    await recordGo(r, 'v1.4.5');
    const { id } = await start(r, 'v1.4.5');
    const started = r.clock.now().getTime();
    await r.engine.fastForward(r.clock, new Date(started + 95 * SEC));
    const before = (await readCanary(db, id))!.state;
    expect(before.current).toMatchObject({ stage: 2, weight: 5 });

    // The process dies and is down for 30 s, past the end of stage 2's hold; a new one starts on the same
    // database, platform and Slack.
    r.clock.advance(30 * SEC);
    const next = bootBot(r.clock, r.sim, r.rec);
    await restoreCanaries(next.deps);
    expect((await readCanary(db, id))!.state.current).toEqual(before.current);
    const ticks = await db.query<{ key: string }>("SELECT key FROM timer WHERE kind = 'canary.tick' AND state = 'pending' ORDER BY due_at");
    // the overdue analysis runs first, on fresh data, and arms the same next slot the restore did
    expect(ticks.map((t) => t.key)).toEqual([`canary:${id}:tick:10`, `canary:${id}:tick:13`]);
    await next.engine.fastForward(r.clock);

    expect((await runOf('v1.4.5')).status).toBe('released');
    expect(r.weights('v1.4.5')).toEqual([1, 5, 25, 50, 100]);
    const thread = r.thread();
    for (const stage of [1, 2, 3, 4]) expect(thread.filter((t) => t.includes(`| Stage ${stage} passed`))).toHaveLength(1);
    expect(thread.filter((t) => t.startsWith('v1.4.5 canary: '))).toHaveLength(1);
    expect((await verifyEvidence(db, evidence, 'v1.4.5')).problems).toEqual([]);
  });

  it('rolls back by hand at once, with the reason in the minutes', async () => {
    const r = rig();
    await recordGo(r, 'v1.4.6');
    await start(r, 'v1.4.6');
    await r.engine.fastForward(r.clock, new Date(r.clock.now().getTime() + 70 * SEC));
    expect(await rollbackCanary(r.deps, { actor: DEVOPS, reason: 'order rejections climbing on the canary' })).toBeUndefined();
    await r.engine.fastForward(r.clock);

    expect((await runOf('v1.4.6')).status).toBe('rolled-back');
    const thread = r.thread();
    expect(thread.some((t) => t.includes('| Rolling back from stage 2 (5 %): rolled back by Mehmet Demir: order rejections climbing on the canary'))).toBe(true);
    expect(thread.filter((t) => t.startsWith('✅ Rollback step'))).toHaveLength(6);
    // a person's rollback opens no incident by itself: they know, and may open one
    expect(await db.query("SELECT id FROM incident WHERE version = 'v1.4.6'")).toEqual([]);
    expect(await rollbackCanary(r.deps, { actor: IC })).toBe('No canary is running: there is nothing to roll back.');
  });

  it('lets only the IC and the DevOps Lead pause or roll back from the card; a refusal is audited', async () => {
    const r = rig();
    await recordGo(r, 'v1.4.7');
    const { id } = await start(r, 'v1.4.7');
    const buttons = canaryButtons(r.deps);
    const press = (actionId: string, userId: string, what: string) => buttons.press({ actionId, userId, value: `${id}:${what}` }, { id, what });

    expect(await press(CANARY_ACTION.pause, CTO, 'pause')).toEqual({
      ephemeral: expect.objectContaining({ text: 'Only the IC (Ayşe Kaya) or the DevOps Lead (Mehmet Demir) can pause the canary.' }),
    });
    expect((await press(CANARY_ACTION.rollback, CTO, 'rollback')).modal).toBeUndefined();
    const refused = await db.query<{ actor: string; body: string }>("SELECT actor, body FROM audit_log WHERE action = 'canary.refused' AND version = 'v1.4.7' ORDER BY id");
    expect(refused.map((x) => x.actor)).toEqual([CTO, CTO]);
    expect(refused[0]!.body).toContain('"type":"pause"');
    expect((await readCanary(db, id))!.state.paused).toBeUndefined();

    expect(await press(CANARY_ACTION.pause, IC, 'pause')).toEqual({});
    const paused = await cardOf(id, r.clock.now());
    expect(paused.text).toBe('Canary v1.4.7: ⏸ Paused (stage 1 of 5 at 1 %)');
    expect(blockKitProblems(toBlockKit(paused).blocks)).toEqual([]);
    expect(await actOnCanary(r.deps, id, { type: 'promote-now', by: IC, stage: 1 })).toBe('Not promoting stage 1: the canary is paused (by Ayşe Kaya). Resume it first.');

    const form = await press(CANARY_ACTION.rollback, IC, 'rollback');
    expect(form.modal).toMatchObject({ callbackId: CANARY_FORM_ROLLBACK, metadata: `${id}:rollback` });
    expect(await buttons.submit({ callbackId: CANARY_FORM_ROLLBACK, userId: IC, value: 'feature flag misconfigured' }, { id, what: 'rollback' })).toEqual({});
    await r.engine.fastForward(r.clock);
    expect((await runOf('v1.4.7')).status).toBe('rolled-back');
    expect(r.thread().some((t) => t.includes('rolled back by Ayşe Kaya: feature flag misconfigured'))).toBe(true);
  });
});
