/**
 * The first night on the simulated platform, in virtual time: a canary released through the real use cases
 * (preflight, GO, canary with short holds), then its first night started as the release does and driven by its
 * durable timers to T+24h. The platform is steered through a MetricsSource wrapped around the simulated one.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../src/adapters/virtual-clock.ts';
import { unconfiguredPager } from '../src/adapters/unconfigured-pager.ts';
import { readCanary } from '../src/app/canary/record.ts';
import { startCanary, type CanaryDeps } from '../src/app/canary/run.ts';
import { canaryTimers } from '../src/app/canary/timers.ts';
import { readNight } from '../src/app/first-night/record.ts';
import { FIRST_NIGHT_TIMER, restoreFirstNights, startFirstNight, type FirstNightDeps } from '../src/app/first-night/run.ts';
import { firstNightTimers, type FirstNightBreach } from '../src/app/first-night/timers.ts';
import { GONOGO_CLOCK, gonogoClock, type GonogoDeps } from '../src/app/gonogo/decide.ts';
import type { Source } from '../src/app/preflight/check.ts';
import { runPreflight } from '../src/app/preflight/run.ts';
import { simulatedSources } from '../src/app/preflight/sources.ts';
import { namesFrom } from '../src/app/ritual.ts';
import { configSchema } from '../src/config/schema.ts';
import { createEngine } from '../src/engine/engine.ts';
import { claimDueTimer } from '../src/engine/timers.ts';
import { evidenceKeyFrom } from '../src/evidence/key.ts';
import { verifyEvidence } from '../src/evidence/verify.ts';
import { NoDataError, SourceError, type MetricsSource } from '../src/ports/metrics.ts';
import { simulatedApprovers } from '../src/rehearse/approvers.ts';
import { createSimPlatform, type SimPlatform } from '../src/sim/platform.ts';
import { simReleaseFacts } from '../src/sim/release.ts';
import type { Db } from '../src/store/db.ts';
import { recordingChat } from './fakes/recording-chat.ts';
import { openTestDb } from './support/db.ts';
import { tempDir } from './support/temp.ts';

const T0 = new Date('2026-11-24T18:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const IC = 'U0SPARKIC';
const CHANNEL = 'C0DEPLOYS';

// Short holds keep each canary to seconds of wall time; the first night keeps its default cadence and checks.
const config = configSchema.parse({ stages: [1, 5, 25, 50, 100].map((weight) => ({ weight, hold: '1m' })) });
const log = pino({ level: 'silent' });
const nameOf = namesFrom(config);

/** The 31 default offsets, in minutes. */
const DEFAULT_OFFSETS = [
  15, 30, 45, 60, 75, 90, 105, 120, 150, 180, 210, 240, 270, 300, 330, 360, 420, 480, 540, 600, 660, 720, 840, 960, 1080, 1140, 1200, 1260, 1320,
  1380, 1440,
];

/** What a steer returns for a query at a moment: a value, an error to throw, or undefined to ask the simulated platform. */
type Steer = (promql: string, at: Date) => number | Error | undefined;

describe('the first night on the simulated platform', () => {
  let db: Db;
  let evidence: { dir: string; key: ReturnType<typeof evidenceKeyFrom> };
  beforeAll(async () => {
    db = await openTestDb();
    evidence = { dir: tempDir('spark-first-night-'), key: evidenceKeyFrom('first-night') };
  });
  afterAll(() => db.close());

  /** One bot process over the shared database: the canary's and the first night's timers in one engine. */
  function bootBot(clock: VirtualClock, metrics: Source<MetricsSource>, sim: SimPlatform, rec: ReturnType<typeof recordingChat>, worker = 'w') {
    let engine: ReturnType<typeof createEngine> | undefined;
    const wake = () => engine?.wake();
    const ritual = { config, host: 'test', evidence, sources: { ...simulatedSources(sim), metrics }, release: simReleaseFacts, nameOf };
    const gonogo: GonogoDeps = { ...ritual, db, clock, wake };
    const canary: CanaryDeps = { db, clock, log, config, evidence, metrics, deploy: { port: sim.deploy }, nameOf, wake };
    const night: FirstNightDeps = { db, clock, log, config, evidence, metrics, nameOf, wake };
    const breaches: FirstNightBreach[] = [];
    engine = createEngine({
      db,
      clock,
      chat: rec.chat,
      pager: unconfiguredPager,
      log,
      worker,
      handlers: {
        [GONOGO_CLOCK]: gonogoClock(gonogo),
        ...canaryTimers(canary),
        ...firstNightTimers(night, { onBreach: async (_tx, b) => void breaches.push(b) }),
      },
      alertChannel: CHANNEL,
    });
    return { ritual, gonogo, canary, night, engine, breaches };
  }

  function rig() {
    const clock = new VirtualClock(T0);
    const sim = createSimPlatform({ config, clock });
    let steer: Steer = () => undefined;
    const metrics: MetricsSource = {
      isOnline: () => sim.metrics.isOnline(),
      query: async (promql, at) => {
        const v = steer(promql, at);
        if (v instanceof Error) throw v;
        return v ?? sim.metrics.query(promql, at);
      },
    };
    const rec = recordingChat();
    const bot = bootBot(clock, { port: metrics }, sim, rec);
    return { clock, sim, rec, metrics, setSteer: (s: Steer) => void (steer = s), ...bot };
  }
  type Rig = ReturnType<typeof rig>;

  /**
   * Preflight, GO by the simulated approvers, a whole canary (five 1-minute holds): the version released, the
   * clock short of the first snapshot. Then its first night is started as the release does (a second start, once
   * the release starts it itself, finds the same night).
   */
  async function releaseAndStartNight(r: Rig, version: string) {
    await runPreflight({ ...r.ritual, db, clock: r.clock, log, wake: () => undefined }, { version, actor: IC, channel: CHANNEL });
    expect(await simulatedApprovers(r.gonogo, r.clock, version, CHANNEL)).toBe('go');
    await r.engine.runDue();
    expect(await startCanary(r.canary, { version, actor: IC, channel: CHANNEL })).toBeUndefined();
    await r.engine.fastForward(r.clock, new Date(r.clock.now().getTime() + 10 * MIN));
    const [run] = await db.query<{ id: number; status: string }>('SELECT id, status FROM canary_run WHERE version = $1 ORDER BY id DESC LIMIT 1', [version]);
    expect(run?.status).toBe('released');
    const runId = Number(run!.id);
    const releasedAt = new Date((await readCanary(db, runId))!.state.releasedAt!);
    expect(r.clock.now().getTime() - releasedAt.getTime()).toBeLessThan(15 * MIN);
    const nightId = await db.transaction((tx) => startFirstNight(tx, r.night, { runId, version, releasedAt, channel: CHANNEL }, r.clock.now()));
    return { runId, releasedAt, nightId };
  }

  /** The canary's thread: every post in reply to the release card. */
  const canaryThread = (r: Rig) => {
    const card = r.rec.posts().find((p) => p.threadTs === undefined && p.text.startsWith('Canary '));
    return r.rec.posts().filter((p) => p.threadTs !== undefined && p.threadTs === card?.ts).map((p) => p.text);
  };
  const snapshotPosts = (r: Rig) => canaryThread(r).filter((t) => t.startsWith('*First-night snapshot '));
  const heads = (r: Rig) => snapshotPosts(r).map((t) => /^\*First-night snapshot (\d+\/\d+ · T\+[\dhm]+)\*/.exec(t)?.[1]);

  async function snapshotRows(version: string) {
    const rows = await db.query<{ at: Date; body: string }>("SELECT at, body FROM audit_log WHERE action = 'first-night.snapshot' AND version = $1 ORDER BY id", [version]);
    return rows.map((r) => ({ at: new Date(r.at), ...(JSON.parse(r.body) as { n: number; of: number; offsetMs: number; clean: boolean; breaches: { id: string; outcome: string; why?: string }[] }) }));
  }
  const evidenceKinds = async (version: string) =>
    (await db.query<{ kind: string }>("SELECT kind FROM evidence_file WHERE version = $1 AND kind LIKE 'first-night-%' ORDER BY id", [version])).map((x) => x.kind);
  const nightTimers = async (nightId: number) =>
    db.query<{ kind: string; state: string; n: number }>(
      `SELECT kind, state, count(*)::int AS n FROM timer WHERE key LIKE $1 GROUP BY kind, state ORDER BY kind, state`,
      [`first-night:${nightId}:%`],
    );

  it('a whole night with the defaults: 31 snapshots at their offsets in the release thread, then at T+24h the release note, the mini RCA and the freeze lift', async () => {
    const r = rig();
    const { releasedAt, nightId, runId } = await releaseAndStartNight(r, 'v1.5.0');
    // starting it again (the release's transaction retried) changes nothing
    expect(await db.transaction((tx) => startFirstNight(tx, r.night, { runId, version: 'v1.5.0', releasedAt, channel: CHANNEL }))).toBe(nightId);
    expect(await nightTimers(nightId)).toEqual([{ kind: FIRST_NIGHT_TIMER.snapshot, state: 'pending', n: 1 }]);
    const postsBefore = r.rec.posts().length;
    await r.engine.runDue();
    expect(r.rec.posts()).toHaveLength(postsBefore); // nothing is said before the first snapshot

    await r.engine.fastForward(r.clock);
    expect(r.clock.now().getTime() - releasedAt.getTime()).toBe(24 * HOUR);

    const rows = await snapshotRows('v1.5.0');
    expect(rows.map((x) => x.offsetMs / MIN)).toEqual(DEFAULT_OFFSETS);
    expect(rows.map((x) => (x.at.getTime() - releasedAt.getTime()) / MIN)).toEqual(DEFAULT_OFFSETS);
    expect(rows.every((x) => x.clean && x.of === 31)).toBe(true);
    expect(rows.map((x) => x.n)).toEqual(DEFAULT_OFFSETS.map((_, i) => i + 1));

    const snaps = snapshotPosts(r);
    expect(snaps).toHaveLength(31);
    expect(heads(r)[0]).toBe('1/31 · T+15m');
    expect(heads(r)[30]).toBe('31/31 · T+24h');
    expect(snaps.every((t) => t.includes('— ✅ clean'))).toBe(true);
    // CSP violations only in the first 2 h: T+2h has it, T+2h30m does not
    expect(snaps[7]).toContain('*CSP violations*');
    expect(snaps[8]).not.toContain('*CSP violations*');
    expect(snaps[1]).toMatch(/\*API p95\*: \d+ms \(< 200ms\) · (→ flat|↑ \+\d+ms|↓ -\d+ms)/);
    expect(canaryThread(r).some((t) => t.startsWith('⚠️'))).toBe(false);

    const thread = canaryThread(r);
    const tail = thread.slice(thread.indexOf(snaps[30]!) + 1);
    expect(tail).toHaveLength(3);
    expect(tail[0]).toMatch(/^\*Release note — v1\.5\.0\*\nAt 100 % since 2026-11-24 \d\d:\d\d UTC; first night closed 2026-11-25 \d\d:\d\d UTC\.\n> v1\.5\.0 canary: 1%→100%/);
    expect(tail[0]).toContain('• Stage 5 · 100 % ·');
    expect(tail[0]).toContain('31 snapshots, all clean.');
    expect(tail[0]).toMatch(/— GO by Ayşe Kaya/);
    expect(tail[0]).toMatch(/_Sealed in `v1\.5\.0\/.*-first-night-release-note\.md`\._$/);
    expect(tail[1]).toMatch(/^\*Mini RCA — v1\.5\.0 first night\*/);
    expect(tail[1]).toContain('No breach during the first night: 31 snapshots, all clean.');
    expect(tail[2]).toMatch(/^🔓 Freeze lifted for v1\.5\.0 at 2026-11-25 \d\d:\d\d UTC/);

    // the first-night card: posted at the first snapshot, edited after each later one and at the close
    const card = r.rec.posts().filter((p) => p.threadTs === undefined && p.text.startsWith('First night of v1.5.0'));
    expect(card).toHaveLength(1);
    expect(card[0]!.text).toBe('First night of v1.5.0: 🌙 First night 1/31 · all clean · next T+30m');
    const edits = r.rec.delivered.filter((d) => d.op === 'update' && d.ts === card[0]!.ts);
    // snapshots 2–30 edit it; the 31st's edit is still queued when the close's replaces it, and only the newer is sent
    expect(edits).toHaveLength(30);
    expect(edits.at(-1)!.text).toBe('First night of v1.5.0: ✅ First night over · 31/31 snapshots clean');

    expect(await evidenceKinds('v1.5.0')).toEqual([...DEFAULT_OFFSETS.map((_, i) => `first-night-snapshot-${String(i + 1).padStart(2, '0')}`), 'first-night-release-note']);
    expect((await verifyEvidence(db, evidence, 'v1.5.0')).problems).toEqual([]);
    const actions = await db.query<{ action: string }>("SELECT action FROM audit_log WHERE version = 'v1.5.0' AND action LIKE 'first-night.%' AND action <> 'first-night.snapshot' ORDER BY id");
    expect(actions.map((a) => a.action)).toEqual(['first-night.started', 'first-night.closed', 'first-night.freeze-lifted']);
    expect(await readNight(db, nightId)).toMatchObject({ status: 'ended', state: { summary: { taken: 31, clean: 31, breaches: [] } } });
    expect(await nightTimers(nightId)).toEqual([
      { kind: FIRST_NIGHT_TIMER.close, state: 'done', n: 1 },
      { kind: FIRST_NIGHT_TIMER.snapshot, state: 'done', n: 31 },
    ]);
    expect(r.breaches).toEqual([]);
  });

  it('a breach at T+3h is shown at once with ⚠️ naming the on-call, opens the 15-minute cadence, and the normal one returns after two clean snapshots', async () => {
    const r = rig();
    const { releasedAt, nightId } = await releaseAndStartNight(r, 'v1.5.1');
    const at3h = releasedAt.getTime() + 3 * HOUR;
    // API p95 at 260 ms for the T+3h snapshot only
    r.setSteer((q, at) => (q.includes('http_request_duration_seconds_bucket') && at.getTime() >= at3h && at.getTime() < at3h + MIN ? 260 : undefined));
    await r.engine.fastForward(r.clock);

    const rows = await snapshotRows('v1.5.1');
    const expected = [...DEFAULT_OFFSETS.slice(0, 10), 195, ...DEFAULT_OFFSETS.slice(10)];
    expect(rows.map((x) => x.offsetMs / MIN)).toEqual(expected);
    expect(rows.filter((x) => !x.clean).map((x) => [x.n, x.offsetMs / MIN, x.breaches])).toEqual([[10, 180, [{ id: 'api_p95', outcome: 'fail', value: 260 }]]]);

    const thread = canaryThread(r);
    const breachPost = thread.find((t) => t.startsWith('*First-night snapshot 10/32 · T+3h*'));
    expect(breachPost).toMatch(/— ❌ breach: API p95\n/);
    expect(breachPost).toContain('❌ *API p95*: 260ms (< 200ms) · ↑ +');
    const warning = thread[thread.indexOf(breachPost!) + 1];
    expect(warning).toBe('⚠️ *First-night breach at T+3h*: API p95 260ms (< 200ms).\n<@U0ONCALL> please look. Snapshots every 15m until 2 clean in a row.');
    expect(heads(r).slice(9, 13)).toEqual(['10/32 · T+3h', '11/32 · T+3h15m', '12/32 · T+3h30m', '13/32 · T+4h']);
    expect(thread).toContain('✅ 2 clean snapshots in a row at T+3h30m: back to the normal first-night cadence.');
    expect(thread.filter((t) => t.startsWith('⚠️'))).toHaveLength(1);

    // the card said so while the fast cadence lasted
    const edits = r.rec.delivered.filter((d) => d.op === 'update' && d.text.startsWith('First night of v1.5.1')).map((d) => d.text);
    expect(edits).toContain('First night of v1.5.1: 🌙 First night 10/32 · ❌ 1 breach, last T+3h (API p95) · every 15m until 2 more clean snapshots · next T+3h15m');
    expect(edits.at(-1)).toBe('First night of v1.5.1: ⚠️ First night over · 31/32 snapshots clean · 1 breach, last T+3h (API p95)');

    // the incident hook was called once, in the snapshot's transaction
    expect(r.breaches.map((b) => ({ nightId: b.nightId, n: b.n, offsetMs: b.offsetMs, fresh: b.fresh, ids: b.breaches.map((c) => c.id), threadOf: b.threadOf }))).toEqual([
      { nightId, n: 10, offsetMs: 3 * HOUR, fresh: true, ids: ['api_p95'], threadOf: `canary:${(await readNight(db, nightId))!.runId}` },
    ]);
    const note = thread.find((t) => t.startsWith('*Release note — v1.5.1*'))!;
    expect(note).toContain('32 snapshots, 31 clean; 1 breach.');
    expect(note).toMatch(/• T\+3h \(snapshot 10, 2026-11-2\d \d\d:\d\d UTC\): API p95 260ms \(< 200ms\)/);
    const rca = thread.find((t) => t.startsWith('*Mini RCA — v1.5.1'))!;
    expect(rca).toContain('First seen by first-night snapshot 10 at T+3h');
    expect((await verifyEvidence(db, evidence, 'v1.5.1')).problems).toEqual([]);
  });

  it('no data is reported as no data, never as a pass: Prometheus down, or one query without series', async () => {
    const r = rig();
    const { releasedAt, nightId } = await releaseAndStartNight(r, 'v1.5.2');
    const t = (offset: number) => releasedAt.getTime() + offset * MIN;
    r.setSteer((q, at) => {
      const now = at.getTime();
      if (now >= t(60) && now < t(61)) return new SourceError('Prometheus is unreachable (simulated)');
      if (now >= t(120) && now < t(121) && q.includes('outbox_dispatch_lag_seconds_bucket')) return new NoDataError(q, 'no series match the query');
      if (now >= t(150) && now < t(151) && q.includes('http_request_duration_seconds_bucket')) return Number.NaN;
      return undefined;
    });
    await r.engine.fastForward(r.clock);

    const rows = await snapshotRows('v1.5.2');
    const notClean = rows.filter((x) => !x.clean).map((x) => [x.offsetMs / MIN, x.breaches.map((b) => `${b.id}:${b.outcome}`)]);
    expect(notClean).toEqual([
      [60, ['slo_burn_1h:no-data', 'slo_burn_6h:no-data', 'error_rate:no-data', 'api_p95:no-data', 'outbox_lag_p99:no-data', 'csp_violations:no-data']],
      [120, ['outbox_lag_p99:no-data']],
      [150, ['api_p95:no-data']],
    ]);
    // each opens the 15-minute cadence for two clean snapshots: from T+2h on it is faster than the normal one
    expect(rows.map((x) => x.offsetMs / MIN)).toEqual([...DEFAULT_OFFSETS.slice(0, 8), 135, 150, 165, 180, ...DEFAULT_OFFSETS.slice(10)]);

    const thread = canaryThread(r);
    const down = thread.find((t) => t.startsWith('*First-night snapshot 4/31 · T+1h*'))!;
    expect(down).toMatch(/— ⚠️ no data: SLO burn rate \(1h\), /);
    expect(down).toContain('⚠️ *API p95*: no data (source error: Prometheus is unreachable (simulated)) (< 200ms)');
    expect(down).not.toContain('✅');
    expect(thread[thread.indexOf(down) + 1]).toMatch(/^⚠️ \*First-night no data at T\+1h\*: SLO burn rate \(1h\) no data \(source error: Prometheus is unreachable \(simulated\)\), .*\n<@U0ONCALL> please look\./);
    const empty = thread.find((t) => t.startsWith('*First-night snapshot 8/32 · T+2h*'))!;
    expect(empty).toContain('— ⚠️ no data: Outbox lag p99');
    expect(empty).toContain('⚠️ *Outbox lag p99*: no data (< 10s)');
    const nan = thread.find((t) => t.startsWith('*First-night snapshot 10/33 · T+2h30m*'))!;
    expect(nan).toContain('⚠️ *API p95*: no data (< 200ms)');
    expect(r.breaches.map((b) => b.n)).toEqual([4, 8, 10]);
    expect((await readNight(db, nightId))!.state.summary).toMatchObject({ taken: 33, clean: 30 });
  });

  it('no metrics source at all: every check is no data, never a pass', async () => {
    const r = rig();
    const { nightId } = await releaseAndStartNight(r, 'v1.5.3');
    // the bot restarts without a metrics source before the first snapshot
    const next = bootBot(r.clock, { missing: 'no Prometheus configured (metrics.prometheusUrl is unset)' }, r.sim, r.rec, 'w2');
    await next.engine.fastForward(r.clock);
    const rows = await snapshotRows('v1.5.3');
    expect(rows.every((x) => !x.clean && x.breaches.every((b) => b.outcome === 'no-data'))).toBe(true);
    // the fast cadence every 15 min, never two clean in a row: 15-min snapshots all night
    expect(rows).toHaveLength(96);
    expect(snapshotPosts(r)[0]).toContain('⚠️ *Error rate*: no data (source error: no Prometheus configured (metrics.prometheusUrl is unset)) (< 1%)');
    // the on-call is named when the breach starts, not every 15 minutes after
    expect(canaryThread(r).filter((t) => t.includes('<@U0ONCALL>'))).toHaveLength(1);
    expect(canaryThread(r).filter((t) => t.startsWith('⚠️ *Still without data at '))).toHaveLength(95);
    expect((await readNight(db, nightId))!.status).toBe('ended');
  });

  it('a restart in the middle of the night, with a snapshot claimed by the dying process, loses and duplicates nothing', async () => {
    const r = rig();
    const { releasedAt, nightId, runId } = await releaseAndStartNight(r, 'v1.5.4');
    await r.engine.fastForward(r.clock, new Date(releasedAt.getTime() + 5 * HOUR));
    expect(heads(r).at(-1)).toBe('14/31 · T+5h');

    // The process takes the T+5h30m snapshot and dies before its commit; a new one starts on the same database,
    // platform and Slack, re-arms what it finds and is told to start the night again (a retried release).
    r.clock.advanceTo(new Date(releasedAt.getTime() + 5.5 * HOUR));
    const claimed = await claimDueTimer(db, 'dying', r.clock.now(), 60_000);
    expect(claimed).toMatchObject({ kind: FIRST_NIGHT_TIMER.snapshot, payload: { nightId, n: 15, dueOffsetMs: 5.5 * HOUR } });
    const next = bootBot(r.clock, { port: r.metrics }, r.sim, r.rec, 'w2');
    await restoreFirstNights(next.night);
    await db.transaction((tx) => startFirstNight(tx, next.night, { runId, version: 'v1.5.4', releasedAt, channel: CHANNEL }));
    expect(await nightTimers(nightId)).toEqual([
      { kind: FIRST_NIGHT_TIMER.snapshot, state: 'done', n: 14 },
      { kind: FIRST_NIGHT_TIMER.snapshot, state: 'pending', n: 1 },
    ]);
    // (the engine's fastForward wakes at the lease's end, when the lease is not yet over: a millisecond later)
    r.clock.advanceTo(new Date(r.clock.now().getTime() + 60_000 + 1));
    await next.engine.fastForward(r.clock);

    const rows = await snapshotRows('v1.5.4');
    expect(rows.map((x) => x.n)).toEqual(DEFAULT_OFFSETS.map((_, i) => i + 1));
    expect(rows.map((x) => x.offsetMs / MIN)).toEqual(DEFAULT_OFFSETS);
    // the claimed snapshot ran once its lease ran out, a minute late, and still counted at T+5h30m
    expect(rows[14]!.at.getTime() - releasedAt.getTime()).toBe(331 * MIN + 1);
    expect(heads(r)).toEqual(DEFAULT_OFFSETS.map((o, i) => `${i + 1}/31 · T+${o >= 60 ? `${Math.floor(o / 60)}h${o % 60 ? `${o % 60}m` : ''}` : `${o}m`}`));
    expect(canaryThread(r).filter((t) => t.startsWith('*Release note — v1.5.4*'))).toHaveLength(1);
    expect(canaryThread(r).filter((t) => t.startsWith('🔓 Freeze lifted for v1.5.4'))).toHaveLength(1);
    expect(r.rec.posts().filter((p) => p.text.startsWith('First night of v1.5.4'))).toHaveLength(1);
    expect(await evidenceKinds('v1.5.4')).toHaveLength(32);
    expect((await verifyEvidence(db, evidence, 'v1.5.4')).problems).toEqual([]);
    expect(await nightTimers(nightId)).toEqual([
      { kind: FIRST_NIGHT_TIMER.close, state: 'done', n: 1 },
      { kind: FIRST_NIGHT_TIMER.snapshot, state: 'done', n: 31 },
    ]);
  });
});
