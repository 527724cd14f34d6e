/**
 * The run of show on the simulated platform, in virtual time on a shared database: `/spark runofshow` through the
 * router, every step as a durable timer at its T-minus time, cancel, a crash and restart mid-countdown, the T-0
 * post with and without GO, and the micro blast-radius test fired at a loopback server and sealed as evidence.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpBlastRadius } from '../src/adapters/http-blast-radius.ts';
import { unconfiguredPager } from '../src/adapters/unconfigured-pager.ts';
import { VirtualClock } from '../src/adapters/virtual-clock.ts';
import { freezeView } from '../src/app/freeze.ts';
import type { CanaryDeps } from '../src/app/canary/run.ts';
import { canaryTimers } from '../src/app/canary/timers.ts';
import { firstNightTimers } from '../src/app/first-night/timers.ts';
import { GONOGO_CLOCK, gonogoClock, type GonogoDeps } from '../src/app/gonogo/decide.ts';
import { simulatedSources } from '../src/app/preflight/sources.ts';
import { simulatedRedteamSources } from '../src/app/redteam/sources.ts';
import { namesFrom } from '../src/app/ritual.ts';
import { blastRadiusSource } from '../src/app/run-of-show/blast-radius.ts';
import { changeFreezes, liftChangeFreeze, type RunOfShowDeps } from '../src/app/run-of-show/run.ts';
import { runOfShowTimers } from '../src/app/run-of-show/timers.ts';
import { readStatus } from '../src/app/status.ts';
import { statusCard } from '../src/chat/cards/status.ts';
import { RUN_OF_SHOW_ACTION } from '../src/chat/cards/run-of-show.ts';
import { createRouter } from '../src/chat/router.ts';
import { configSchema, type SparkConfig } from '../src/config/schema.ts';
import { createEngine } from '../src/engine/engine.ts';
import type { TimerHandler } from '../src/engine/timer-runner.ts';
import { evidenceKeyFrom } from '../src/evidence/key.ts';
import { verifyEvidence } from '../src/evidence/verify.ts';
import { simulatedApprovers } from '../src/rehearse/approvers.ts';
import { createSimPlatform } from '../src/sim/platform.ts';
import { simReleaseFacts } from '../src/sim/release.ts';
import type { Db } from '../src/store/db.ts';
import { recordingChat } from './fakes/recording-chat.ts';
import { openTestDb } from './support/db.ts';
import { tempDir } from './support/temp.ts';

const MIN = 60_000;
const IC = 'U0SPARKIC';
const CTO = 'U0CTO';
/** 18:00 in Istanbul on the day-th test day: after BIST hours, outside the DST weeks. */
const day = (n: number) => new Date(Date.UTC(2026, 10, 23 + n, 15, 0));
const log = pino({ level: 'silent' });

/** The step posts, by the emoji they start with. */
const STEP_POST = /^(🧊|🚨|🔎|💥|🛡|🟢|🚀|⛔)/u;
const head = (t: string) => [...t][0];

describe('the run of show', () => {
  let db: Db;
  let server: Server;
  let canaryUrl: string;
  let served = 0;
  let config: SparkConfig;
  const evidence = { dir: tempDir('spark-run-of-show-'), key: evidenceKeyFrom('run-of-show') };

  beforeAll(async () => {
    db = await openTestDb();
    // The canary: quick answers, every tenth one a 503.
    server = createServer((_req, res) => {
      served++;
      res.writeHead(served % 10 === 0 ? 503 : 200, { 'content-type': 'text/plain' }).end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    canaryUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`;
    config = configSchema.parse({
      stages: [1, 5, 25, 50, 100].map((weight) => ({ weight, hold: '1m' })),
      runOfShow: {
        blastRadius: { url: canaryUrl, duration: '300ms', concurrency: 4, thresholds: { errorRate: 20 } },
        greenButton: { sbom: 'test/fixtures/sbom/current-mit.cdx.json', provenance: 'test/fixtures/missing.intoto.jsonl' },
      },
    });
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await db.close();
  });

  /** One bot over the shared database; `wrap` replaces step handlers (a crash). */
  function rig(start: Date, opts: { worker?: string; clock?: VirtualClock; wrap?: (handlers: Record<string, TimerHandler>) => Record<string, TimerHandler> } = {}) {
    const clock = opts.clock ?? new VirtualClock(start);
    const sim = createSimPlatform({ config, clock });
    const rec = recordingChat();
    let engine: ReturnType<typeof createEngine> | undefined;
    const wake = () => engine?.wake();
    const nameOf = namesFrom(config);
    const ritual = { config, host: 'test', evidence, sources: simulatedSources(sim), redteam: simulatedRedteamSources(), release: simReleaseFacts, nameOf };
    const deps: RunOfShowDeps = { ...ritual, db, clock, log, wake };
    const gonogo: GonogoDeps = { ...ritual, db, clock, wake };
    const canary: CanaryDeps = { ...ritual, metrics: ritual.sources.metrics, deploy: ritual.sources.deploy, db, clock, log, wake };
    const steps = runOfShowTimers(deps, blastRadiusSource(config, {}));
    engine = createEngine({
      db,
      clock,
      chat: rec.chat,
      pager: unconfiguredPager,
      log,
      worker: opts.worker ?? 'bot',
      alertChannel: '#spark-deploys',
      handlers: { [GONOGO_CLOCK]: gonogoClock(gonogo), ...canaryTimers(canary), ...firstNightTimers(canary), ...(opts.wrap ? opts.wrap(steps) : steps) },
    });
    const router = createRouter({ db, mode: 'test', configSource: 'test', clock, log, wake, ritual });
    const say = async (text: string, userId = IC) => router.command({ text, userId, channelId: 'C0DEPLOYS' }).then((r) => r.ephemeral?.text);
    const stepPosts = () => rec.posts().map((p) => p.text).filter((t) => STEP_POST.test(t));
    return { clock, rec, engine, router, say, deps, gonogo, stepPosts };
  }

  const runOf = async (version: string) =>
    (await db.query<{ id: number; status: string; t0: Date }>('SELECT id, status, t0 FROM run_of_show WHERE version = $1 ORDER BY id DESC LIMIT 1', [version]))[0];
  const stepAudits = async (version: string) =>
    (await db.query<{ action: string; at: Date }>(`SELECT action, at FROM audit_log WHERE version = $1 AND action LIKE 'run-of-show.%' ORDER BY id`, [version])).map((r) => ({
      action: r.action.replace('run-of-show.', ''),
      at: new Date(r.at).toISOString().slice(11, 16),
    }));
  const outboxItem = async (ref: string) => (await db.query<{ payload: { card: { blocks: { type: string }[] } } }>('SELECT payload FROM outbox WHERE ref = $1', [ref]))[0]?.payload;

  it('refuses a bad time, a past one and one too close, changing nothing', async () => {
    const r = rig(day(0));
    expect(await r.say('runofshow v1.2.0 17:30')).toContain('has already passed');
    expect(await r.say('runofshow v1.2.0 18:10')).toContain('is only 10m away: the countdown begins 30m before T-0');
    expect(await r.say('runofshow v1.2.0 25:00')).toContain('`25:00` is not a time of day');
    expect(await r.say('runofshow v1.2.0 18:45', CTO)).toMatch(/^Only the IC .* can schedule a run of show\.$/);
    expect(await r.say('runofshow cancel v1')).toContain('`v1` was not expected after cancel');
    expect(await runOf('v1.2.0')).toBeUndefined();
    expect(await r.say('runofshow cancel')).toBe('No run of show is scheduled: there is nothing to cancel.');
  });

  it('cancels mid-countdown: the steps to come do nothing, the freeze is lifted, the channel is told once', async () => {
    const r = rig(day(1));
    expect(await r.say('runofshow v1.3.0 18:45')).toBeUndefined();
    expect(await r.say('runofshow v1.3.0 19:30')).toMatch(/^A run of show for v1\.3\.0 exists already \(run \d+, T-0 2026-11-24 18:45 Europe\/Istanbul, scheduled by Ayşe Kaya\); nothing was scheduled/);
    await r.engine.fastForward(r.clock, new Date(day(1).getTime() + 26 * MIN));
    expect(r.stepPosts().map(head)).toEqual(['🧊', '🚨']);
    expect(freezeView({ config, clock: r.clock }, await changeFreezes(db)).state.nowText).toContain('deploys refused until the change freeze is lifted');

    expect(await r.say('runofshow cancel v1.3.0')).toBeUndefined();
    expect(await r.say('runofshow cancel v1.3.0')).toBe('No run of show is scheduled for v1.3.0: there is nothing to cancel.');
    await r.engine.fastForward(r.clock, new Date(day(1).getTime() + 60 * MIN));
    expect(r.stepPosts().map(head)).toEqual(['🧊', '🚨']);
    expect(r.rec.posts().filter((p) => p.text.startsWith('✖ Run of show v1.3.0'))).toHaveLength(1);
    expect((await runOf('v1.3.0'))?.status).toBe('cancelled');
    expect(await changeFreezes(db)).toEqual([]);
    expect((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM timer WHERE key LIKE 'run-of-show:%' AND state = 'pending'`))[0]?.n).toBe(0);
    expect((await stepAudits('v1.3.0')).map((a) => a.action)).toEqual(['scheduled', 'change-freeze', 'war-room', 'cancelled']);
  });

  it('loses and repeats nothing when the bot stops mid-countdown', async () => {
    const start = day(2);
    const clock = new VirtualClock(start);
    // The first process dies in the T-10 preflight after the preflight ran, before its step was written.
    const crashing = rig(start, {
      clock,
      worker: 'first',
      wrap: (h) => ({ ...h, 'run-of-show.preflight': (timer, step) => h['run-of-show.preflight']!(timer, { ...step, commit: async () => Promise.reject(new Error('killed')) }) }),
    });
    await crashing.router.command({ text: 'runofshow v1.5.0 18:45', userId: IC, channelId: 'C0DEPLOYS', deliveryId: 'Ev1' });
    // Slack retries the command: the same delivery schedules nothing twice.
    await crashing.router.command({ text: 'runofshow v1.5.0 18:45', userId: IC, channelId: 'C0DEPLOYS', deliveryId: 'Ev1' });
    await crashing.engine.fastForward(clock, new Date(start.getTime() + 35 * MIN));
    expect(crashing.stepPosts().map(head)).toEqual(['🧊', '🚨', '💥']);

    const restarted = rig(start, { clock, worker: 'second' });
    await restarted.engine.fastForward(clock, new Date(start.getTime() + 45 * MIN));
    expect(restarted.stepPosts().map(head)).toEqual(['🔎', '🛡', '🟢', '⛔']);
    expect((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM preflight_run WHERE version = 'v1.5.0'`))[0]?.n).toBe(1);
    expect((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM redteam_run WHERE version = 'v1.5.0'`))[0]?.n).toBe(1);
    expect((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM run_of_show WHERE version = 'v1.5.0'`))[0]?.n).toBe(1);
    const audits = await stepAudits('v1.5.0');
    expect(audits.map((a) => a.action)).toEqual(['scheduled', 'change-freeze', 'war-room', 'blast-radius', 'preflight', 'red-team', 'green-button', 'start-canary']);
    // The preflight step ran again a second after the crash; every other step at its time.
    expect(audits.map((a) => a.at)).toEqual(['15:00', '15:15', '15:25', '15:35', '15:35', '15:40', '15:43', '15:45']);
    // Past T-0 without a canary, the release may be called off; that lifts its freeze.
    expect(await restarted.say('runofshow cancel v1.5.0')).toBeUndefined();
    expect((await runOf('v1.5.0'))?.status).toBe('cancelled');
  });

  it('at T-0 without GO says so and how to get it, with no button', async () => {
    const r = rig(day(3));
    expect(await r.say('runofshow v1.6.0 2026-11-26 19:00')).toBeUndefined();
    await r.engine.fastForward(r.clock, new Date(day(3).getTime() + 60 * MIN));
    const run = (await runOf('v1.6.0'))!;
    expect(run.status).toBe('zero');
    const t0 = r.stepPosts().at(-1)!;
    expect(t0).toContain('⛔ *T-0 · v1.6.0*: no *Start canary*: there is no recorded GO for v1.6.0: decide it with `/spark gonogo v1.6.0` first.');
    expect(t0).toContain('the IC starts it with `/spark canary v1.6.0`');
    expect((await outboxItem(`run-of-show:${run.id}:t-0`))?.card.blocks.map((b) => b.type)).toEqual(['text']);
    // The freeze holds past T-0 until it is called off.
    expect((await changeFreezes(db)).map((f) => f.reason)).toEqual(["run of show v1.6.0, T-0 2026-11-26 19:00 Europe/Istanbul; only v1.6.0's own canary goes ahead"]);
    expect(await r.say('runofshow cancel')).toBeUndefined();
    expect(await changeFreezes(db)).toEqual([]);
  });

  it('runs every step at its time, in order, and at T-0 with GO gives the IC Start canary', async () => {
    const start = day(4);
    const r = rig(start);
    const before = served;
    expect(await r.say('runofshow v1.4.0 18:45')).toBeUndefined();
    const run = (await runOf('v1.4.0'))!;
    const status = statusCard(await readStatus({ db, mode: 'test', configSource: 'test' }, r.clock.now()));
    expect(status.text).toBe('Spark ritual status: run of show v1.4.0');
    expect(JSON.stringify(status.blocks)).toContain('v1.4.0 · T-0 2026-11-27 18:45 Europe/Istanbul · ⬜ T-30 ⬜ T-20 ⬜ T-10 ⬜ T-10 ⬜ T-5 ⬜ T-2 ⬜ T-0 · next: T-30 Change freeze at 18:15');
    expect((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM timer WHERE key LIKE $1 AND state = 'pending'`, [`run-of-show:${run.id}:%`]))[0]?.n).toBe(7);

    // The approvers vote after the preflight and before the red team.
    await r.engine.fastForward(r.clock, new Date(start.getTime() + 35 * MIN));
    expect(await simulatedApprovers(r.gonogo, r.clock, 'v1.4.0', '#spark-deploys')).toBe('go');
    await r.engine.fastForward(r.clock, new Date(start.getTime() + 45 * MIN));

    expect((await stepAudits('v1.4.0')).filter((a) => a.action !== 'scheduled')).toEqual([
      { action: 'change-freeze', at: '15:15' },
      { action: 'war-room', at: '15:25' },
      { action: 'preflight', at: '15:35' },
      { action: 'blast-radius', at: '15:35' },
      { action: 'red-team', at: '15:40' },
      { action: 'green-button', at: '15:43' },
      { action: 'start-canary', at: '15:45' },
    ]);
    const posts = r.stepPosts();
    expect(posts.map(head)).toEqual(['🧊', '🚨', '🔎', '💥', '🛡', '🟢', '🚀']);
    expect(posts[0]).toContain('*T-30 · Change freeze* for v1.4.0');
    expect(posts[1]).toContain('3. Every decision is a minute: `Time | Stage | Metrics | Decision`.');
    expect(posts[1]).toContain('4. Theories go to the parking lot');
    // the protocol is pinned in the channel, once
    const protocol = r.rec.posts().find((p) => p.text === posts[1]);
    expect(r.rec.delivered.filter((d) => d.op === 'pin').map((d) => d.ts)).toEqual([protocol?.ts]);
    expect(posts[2]).toMatch(/^🔎 \*T-10 · Preflight\*: run \d+ ⚠️ ready, with warnings/);
    expect(posts[5]).toContain('release evidence is missing; it is not a pass.');
    expect(posts[5]).toMatch(/✅ SBOM `test\/fixtures\/sbom\/current-mit\.cdx\.json` \([\d.]+ k?B, sha256 [0-9a-f]{12}…\), sealed in `v1\.4\.0\/[^`]+-run-of-show-sbom\.md`/);
    expect(posts[5]).toContain('⏭ Provenance: test/fixtures/missing.intoto.jsonl cannot be read (ENOENT)');
    expect(r.rec.delivered.filter((d) => d.op === 'upload').map((d) => d.marker)).toEqual([`run-of-show-${run.id}-current-mit.cdx.json`]);
    expect(posts[6]).toBe('🚀 *T-0 · v1.4.0*: GO is recorded. Ayşe Kaya: press *Start canary* for stage 1 (1 % for 1m).');

    // The burst hit the loopback canary for real and its numbers are sealed as evidence.
    expect(served - before).toBeGreaterThan(4);
    expect(posts[3]).toMatch(/^💥 \*T-10 · Micro blast-radius test\* against http:\/\/127\.0\.0\.1:\d+\/healthz: ✅ [\d.]+ req\/s · [\d.]+ % errors · p95 [\d.]+ ms\. Sealed in `(v1\.4\.0\/[^`]+)`\.$/);
    const file = /Sealed in `([^`]+)`/.exec(posts[3]!)![1]!;
    const sealed = await readFile(join(evidence.dir, file), 'utf8');
    expect(sealed).toContain('Outcome: **PASS**');
    expect(sealed).toMatch(/answers: 200: \d+(, 503: \d+)?/);
    expect(sealed).toContain('"p95Ms"');

    const t0 = await outboxItem(`run-of-show:${run.id}:t-0`);
    expect(t0?.card.blocks.map((b) => b.type)).toEqual(['text', 'buttons']);
    const press = (userId: string) => r.router.action({ actionId: RUN_OF_SHOW_ACTION.startCanary, value: `${run.id}:start`, userId, channelId: 'C0DEPLOYS' });
    expect((await press(CTO)).ephemeral?.text).toBe('Only the IC (Ayşe Kaya) can start the canary from the run of show.');
    expect(await db.query(`SELECT id FROM canary_run WHERE version = 'v1.4.0'`)).toHaveLength(0);
    expect((await press(IC)).ephemeral).toBeUndefined();
    const [canary] = await db.query<{ status: string }>(`SELECT status FROM canary_run WHERE version = 'v1.4.0'`);
    expect(canary?.status).toBe('running');
    await r.engine.runDue();
    expect(r.rec.delivered.some((d) => d.op === 'update' && d.text.startsWith('▶️ *T-0 · v1.4.0*: Ayşe Kaya pressed *Start canary*'))).toBe(true);

    // The freeze lift at the first night's close ends the run of show.
    expect(await db.transaction((tx) => liftChangeFreeze(tx, r.deps, 'v1.4.0', r.clock.now()))).toBe(true);
    expect((await runOf('v1.4.0'))?.status).toBe('lifted');
    expect(await changeFreezes(db)).toEqual([]);
    expect((await verifyEvidence(db, evidence, 'v1.4.0')).problems).toEqual([]);
  });
});

describe('the HTTP blast radius', () => {
  it('times a burst by the clock it is given', async () => {
    let now = 0;
    let calls = 0;
    const fake = (async () => {
      calls++;
      now += 40;
      return new Response(calls === 3 ? 'down' : 'ok', { status: calls === 3 ? 502 : 200 });
    }) as typeof fetch;
    const burst = httpBlastRadius({ elapsed: () => now, fetch: fake });
    const r = await burst.fire({ url: 'http://canary.test/healthz', durationMs: 200, concurrency: 1, requestTimeoutMs: 1000 });
    expect(r).toEqual({ requests: 5, errors: 1, elapsedMs: 200, latenciesMs: [40, 40, 40, 40, 40], statuses: { '200': 4, '502': 1 } });
  });

  it('counts a canary that does not answer as errors, saying why', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const r = await httpBlastRadius().fire({ url: `http://127.0.0.1:${port}/`, durationMs: 100, concurrency: 2, requestTimeoutMs: 500 });
    expect(r.requests).toBeGreaterThan(0);
    expect(r.errors).toBe(r.requests);
    expect(r.latenciesMs).toEqual([]);
    expect(r.firstFailure).toMatch(/is unreachable/);
  });
});
