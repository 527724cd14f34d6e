import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { GONOGO_CLOCK, gonogoClock } from '../app/gonogo/decide.ts';
import { runPreflight } from '../app/preflight/run.ts';
import { namesFrom } from '../app/ritual.ts';
import { simReleaseFacts } from '../sim/release.ts';
import { simulatedApprovers, simulatedRedTeam } from './approvers.ts';
import { simulatedRedteamSources } from '../app/redteam/sources.ts';
import { simulatedSources } from '../app/preflight/sources.ts';
import type { Verdict } from '../domain/preflight/finding.ts';
import { evidenceKeyFrom } from '../evidence/key.ts';
import { verifyEvidence } from '../evidence/verify.ts';
import type { Writable } from 'node:stream';
import { VirtualClock } from '../adapters/virtual-clock.ts';
import { textCard } from '../chat/card.ts';
import { Screen } from '../chat/console/screen.ts';
import { fillQuery, IC_ROLE, type SparkConfig } from '../config/schema.ts';
import { snapshotOffsets } from '../domain/cadence.ts';
import { createEngine } from '../engine/engine.ts';
import { enqueue } from '../engine/outbox.ts';
import type { TimerStep } from '../engine/timer-runner.ts';
import { schedule, type DueTimer, type TimerSpec } from '../engine/timers.ts';
import { NoDataError } from '../ports/errors.ts';
import type { MetricsSource } from '../ports/metrics.ts';
import { migrate } from '../store/migrate.ts';
import { PGLITE_TEMPLATE } from '../store/open.ts';
import { openPglite } from '../store/pglite.ts';
import { createSimPlatform } from '../sim/platform.ts';

export interface RehearsalSummary {
  version: string;
  outcome: 'demo';
  preflight: Verdict;
  gonogo: string;
  evidence: { dir: string | null; files: number; intact: boolean };
  virtualStart: string;
  virtualEnd: string;
  messages: number;
  timersRun: number;
}

interface Measured {
  name: string;
  query: string;
  unit: string;
}

async function readAll(metrics: MetricsSource, items: Measured[], fill: Parameters<typeof fillQuery>[1], at: Date): Promise<string> {
  const parts = await Promise.all(
    items.map(async (m) => {
      try {
        const v = await metrics.query(fillQuery(m.query, fill), at);
        return `${m.name} ${Number(v.toFixed(2))}${m.unit === '%' ? '%' : ` ${m.unit}`}`;
      } catch (err) {
        return `${m.name} ${err instanceof NoDataError ? 'no data' : 'unreadable'}`;
      }
    }),
  );
  return parts.join(' · ');
}

const hhmm = (ms: number) => `${String(Math.floor(ms / 3_600_000)).padStart(2, '0')}:${String(Math.floor((ms % 3_600_000) / 60_000)).padStart(2, '0')}`;

/**
 * The rehearsal so far: the preflight, then the canary's stages and the first night's snapshots as durable timers on the
 * simulated platform, in virtual time, every message printed with its virtual time. It reads the signals;
 * judging them (pass, hold, roll back) belongs to the canary, which this build does not have yet.
 */
export async function rehearseDemo(version: string, config: SparkConfig, output: Writable, start: Date, keepEvidenceIn?: string): Promise<RehearsalSummary> {
  const db = await openPglite(undefined, PGLITE_TEMPLATE);
  await migrate(db);
  const clock = new VirtualClock(start);
  const sim = createSimPlatform({ config, clock });
  const since = () => `T+${hhmm(clock.now().getTime() - start.getTime())}`;
  const screen = new Screen(output, since);
  const channel = config.channels.deploys;
  let timersRun = 0;
  // The rehearsal's audit chain lives in its in-memory database, so its evidence is verified here, before both go.
  const evidence = { dir: keepEvidenceIn ?? (await mkdtemp(join(tmpdir(), 'spark-rehearsal-'))), key: evidenceKeyFrom(randomBytes(32).toString('hex')) };

  const post = (step: TimerStep, text: string) => {
    timersRun++;
    return step.commit((tx) => enqueue(tx, { kind: 'slack.post', channel, card: textCard(text), threadOf: `rehearsal:${version}` }, step.now));
  };
  const stageOf = (t: DueTimer) => ({ n: Number(t.payload.stage), ...config.stages[Number(t.payload.stage) - 1]! });

  const ritual = { config, host: 'rehearsal', evidence, sources: simulatedSources(sim), redteam: simulatedRedteamSources(), release: simReleaseFacts, nameOf: namesFrom(config) };
  const gonogoDeps = { ...ritual, db, clock, wake: () => undefined };
  const engine = createEngine({
    db,
    clock,
    chat: screen.delivery,
    pager: sim.pager,
    log: pino({ level: 'silent' }),
    worker: 'rehearsal',
    alertChannel: channel,
    handlers: {
      [GONOGO_CLOCK]: gonogoClock(gonogoDeps),
      'stage-start': async (t, step) => {
        const stage = stageOf(t);
        await sim.deploy.setWeight(version, stage.weight);
        await post(step, `*Stage ${stage.n}*: ${stage.weight} % of traffic to ${version}, hold ${stage.hold / 60_000} min.`);
      },
      'stage-end': async (t, step) => {
        const read = await readAll(sim.metrics, config.signals, { version, track: 'canary' }, step.now);
        await post(step, `Stage ${stageOf(t).n} hold over; signals read (not judged in this build):\n${read}`);
      },
      snapshot: async (t, step) => {
        const read = await readAll(sim.metrics, config.firstNight.checks, { version }, step.now);
        await post(step, `First-night snapshot ${String(t.payload.n)}/${String(t.payload.of)}:\n${read}`);
      },
      'first-night-end': async (_t, step) => {
        await post(step, 'First night over: 24 h at 100 %. Release note, mini RCA and freeze lift come with the first-night work.');
      },
    },
  });

  const preflight = await runPreflight({ ...ritual, db, clock, log: pino({ level: 'silent' }), wake: () => undefined }, { version, actor: config.roles[IC_ROLE]?.[0] ?? 'rehearsal', channel });
  await engine.runDue();
  await simulatedRedTeam({ ...ritual, sources: ritual.redteam, db, clock, log: pino({ level: 'silent' }), wake: () => undefined }, clock, version, channel);
  await engine.runDue();
  const gonogo = await simulatedApprovers(gonogoDeps, clock, version, channel);
  await engine.runDue();

  const timers: TimerSpec[] = [];
  // The canary's timeline starts once the decision is made.
  const canaryStart = clock.now();
  let at = canaryStart.getTime();
  config.stages.forEach((st, i) => {
    timers.push({ kind: 'stage-start', key: `stage-start:${i + 1}`, dueAt: new Date(at), payload: { stage: i + 1 } });
    at += st.hold;
    timers.push({ kind: 'stage-end', key: `stage-end:${i + 1}`, dueAt: new Date(at), payload: { stage: i + 1 } });
  });
  const offsets = snapshotOffsets(config.firstNight.cadence);
  offsets.forEach((o, i) => timers.push({ kind: 'snapshot', key: `snapshot:${i + 1}`, dueAt: new Date(at + o), payload: { n: i + 1, of: offsets.length } }));
  timers.push({ kind: 'first-night-end', key: 'first-night-end', dueAt: new Date(at + (offsets.at(-1) ?? 0) + 1) });

  await db.transaction(async (tx) => {
    const card = textCard(`*Rehearsal of ${version}* on the simulated platform, in virtual time: the canary's ${config.stages.length} stages and ${offsets.length} first-night snapshots as durable timers. Judgement and rollback are not in this build yet.`);
    await enqueue(tx, { kind: 'slack.post', channel, card, ref: `rehearsal:${version}` }, canaryStart);
    for (const t of timers) await schedule(tx, t, canaryStart);
  });
  await engine.fastForward(clock);
  const verified = await verifyEvidence(db, evidence, version);
  await db.close();
  if (!keepEvidenceIn) await rm(evidence.dir, { recursive: true, force: true });
  return {
    version,
    outcome: 'demo',
    preflight: preflight!.verdict.verdict,
    gonogo,
    evidence: { dir: keepEvidenceIn ?? null, files: verified.files, intact: verified.problems.length === 0 },
    virtualStart: start.toISOString(),
    virtualEnd: clock.now().toISOString(),
    messages: screen.posted,
    timersRun,
  };
}
