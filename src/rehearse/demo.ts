import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { canaryTimers } from '../app/canary/timers.ts';
import type { FirstNightDeps } from '../app/first-night/run.ts';
import { firstNightTimers } from '../app/first-night/timers.ts';
import { openOnFirstNightBreach } from '../app/incident/auto.ts';
import { incidentTimers } from '../app/incident/timers.ts';
import { simulatedResponders, type Responders } from './responders.ts';
import type { CanaryDeps } from '../app/canary/run.ts';
import { GONOGO_CLOCK, gonogoClock } from '../app/gonogo/decide.ts';
import { namesFrom } from '../app/ritual.ts';
import { simReleaseFacts } from '../sim/release.ts';
import { runOfShowTimers } from '../app/run-of-show/timers.ts';
import { rehearsalBurst, rehearseCountdown } from './run-of-show.ts';
import { simulatedRedteamSources } from '../app/redteam/sources.ts';
import { simulatedSources } from '../app/preflight/sources.ts';
import type { Verdict } from '../domain/preflight/finding.ts';
import { evidenceKeyFrom } from '../evidence/key.ts';
import { verifyEvidence } from '../evidence/verify.ts';
import type { Writable } from 'node:stream';
import { VirtualClock } from '../adapters/virtual-clock.ts';
import { shownPager } from '../chat/console/pager.ts';
import { Screen } from '../chat/console/screen.ts';
import { IC_ROLE, type SparkConfig } from '../config/schema.ts';
import type { ChatDelivery } from '../engine/delivery.ts';
import { createEngine, type Engine } from '../engine/engine.ts';
import type { Fault } from '../sim/faults.ts';
import { migrate } from '../store/migrate.ts';
import { PGLITE_TEMPLATE } from '../store/open.ts';
import { openPglite } from '../store/pglite.ts';
import { createSimPlatform } from '../sim/platform.ts';

/** Fast-forwards the engine, letting the incidents' people act at their moments, until nothing is left to do. */
async function untilAllDone(engine: Engine, clock: VirtualClock, people: Responders): Promise<void> {
  for (;;) {
    await engine.runDue();
    const [next, act] = await Promise.all([engine.nextWakeAt(), people.nextAt()]);
    if (act && (!next || act <= next)) {
      if (act > clock.now()) clock.advanceTo(act);
      await people.act(clock.now());
    } else if (next) clock.advanceTo(next);
    else return;
  }
}

export interface RehearsalSummary {
  version: string;
  /** how the canary ended: released, rolled back, or not started (its refusal is printed) */
  outcome: 'released' | 'rolled-back' | 'not-started';
  preflight: Verdict;
  gonogo: string;
  evidence: { dir: string | null; files: number; intact: boolean };
  virtualStart: string;
  virtualEnd: string;
  /** messages posted (card edits are not counted) */
  messages: number;
  /** durable timers the engine ran to completion: the go/no-go clock, the canary's, the first night's */
  timersRun: number;
}

const hhmm = (ms: number) => `${String(Math.floor(ms / 3_600_000)).padStart(2, '0')}:${String(Math.floor((ms % 3_600_000) / 60_000)).padStart(2, '0')}`;

/** The card is edited every analysis; the rehearsal prints an edit only when what it says in one line changed. */
function quietUpdates(chat: ChatDelivery): ChatDelivery {
  const shown = new Map<string, string>();
  return {
    ...chat,
    update: async (u) => {
      const key = `${u.channel}/${u.ts}`;
      if (shown.get(key) === u.card.text) return;
      shown.set(key, u.card.text);
      await chat.update(u);
    },
  };
}

/**
 * The rehearsal: the preflight, the red team and the GO with simulated people, then the real canary on the
 * simulated platform (with the faults asked for), and after a release the first night's snapshots as durable
 * timers, in virtual time, every message printed with its virtual time.
 */
export async function rehearseDemo(version: string, config: SparkConfig, output: Writable, start: Date, keepEvidenceIn?: string, faults: Fault[] = []): Promise<RehearsalSummary> {
  const db = await openPglite(undefined, PGLITE_TEMPLATE);
  await migrate(db);
  const clock = new VirtualClock(start);
  const sim = createSimPlatform({ config, clock, faults });
  const since = () => `T+${hhmm(clock.now().getTime() - start.getTime())}`;
  const screen = new Screen(output, since);
  const channel = config.channels.deploys;
  const ic = config.roles[IC_ROLE]?.[0] ?? 'rehearsal';
  // The rehearsal's audit chain lives in its in-memory database, so its evidence is verified here, before both go.
  const evidence = { dir: keepEvidenceIn ?? (await mkdtemp(join(tmpdir(), 'spark-rehearsal-'))), key: evidenceKeyFrom(randomBytes(32).toString('hex')) };

  const log = pino({ level: 'silent' });
  const ritual = { config, host: 'rehearsal', evidence, sources: simulatedSources(sim), redteam: simulatedRedteamSources(), release: simReleaseFacts, nameOf: namesFrom(config) };
  const gonogoDeps = { ...ritual, db, clock, wake: () => undefined };
  const canaryDeps: CanaryDeps = { db, clock, log, config, evidence, metrics: ritual.sources.metrics, deploy: ritual.sources.deploy, nameOf: ritual.nameOf, wake: () => undefined };
  const nightDeps: FirstNightDeps = { db, clock, log, config, evidence, metrics: ritual.sources.metrics, nameOf: ritual.nameOf, wake: () => undefined };
  const runOfShowDeps = { ...ritual, db, clock, log, wake: () => undefined };
  const engine = createEngine({
    db,
    clock,
    chat: quietUpdates(screen.delivery),
    pager: shownPager(sim.pager, screen, () => `${since()} `),
    log,
    worker: 'rehearsal',
    alertChannel: channel,
    handlers: {
      [GONOGO_CLOCK]: gonogoClock(gonogoDeps),
      ...canaryTimers(canaryDeps),
      ...firstNightTimers(nightDeps, { onBreach: (tx, breach) => openOnFirstNightBreach(tx, canaryDeps, breach) }),
      ...incidentTimers(canaryDeps),
      ...runOfShowTimers(runOfShowDeps, rehearsalBurst(runOfShowDeps)),
    },
  });

  // The run of show counts down to T-0 (preflight, red team, GO, green button); at T-0 the IC presses Start canary.
  const { preflight, gonogo } = await rehearseCountdown(runOfShowDeps, { engine, gonogo: gonogoDeps, version, ic, channel, print: (line) => screen.print(`${since()} ${line}`) });
  // a release starts the first night in its own transaction: fast-forwarding runs the canary and the 24 h after it
  await untilAllDone(engine, clock, simulatedResponders(canaryDeps));
  const [run] = await db.query<{ id: number; status: string }>('SELECT id, status FROM canary_run WHERE version = $1 ORDER BY id DESC LIMIT 1', [version]);
  const outcome = run?.status === 'released' ? 'released' : run?.status === 'rolled-back' ? 'rolled-back' : 'not-started';

  const [timers] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM timer WHERE state = 'done'`);
  const verified = await verifyEvidence(db, evidence, version);
  await db.close();
  if (!keepEvidenceIn) await rm(evidence.dir, { recursive: true, force: true });
  return {
    version,
    outcome,
    preflight: preflight ?? 'incomplete',
    gonogo,
    evidence: { dir: keepEvidenceIn ?? null, files: verified.files, intact: verified.problems.length === 0 },
    virtualStart: start.toISOString(),
    virtualEnd: clock.now().toISOString(),
    messages: screen.posted,
    timersRun: timers?.n ?? 0,
  };
}
