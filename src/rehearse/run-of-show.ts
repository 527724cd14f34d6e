/**
 * The rehearsal's run of show: the IC schedules the countdown to the first minute T-0 may be at, the steps run as
 * their timers come due, the Red Team Lead ticks the manual items after T-5 and the approvers vote before T-2, and
 * at T-0 the IC presses Start canary. The simulated people act ten virtual seconds apart, the engine running every
 * step due meanwhile at its time.
 */
import { DateTime } from 'luxon';
import type { VirtualClock } from '../adapters/virtual-clock.ts';
import type { GonogoDeps } from '../app/gonogo/decide.ts';
import type { Source } from '../app/preflight/check.ts';
import type { BurstTarget } from '../app/run-of-show/blast-radius.ts';
import { scheduleRunOfShow, type RunOfShowDeps } from '../app/run-of-show/run.ts';
import { startFromRunOfShow } from '../app/run-of-show/start.ts';
import type { Verdict } from '../domain/preflight/finding.ts';
import { leadOf, timeline } from '../domain/run-of-show/timeline.ts';
import type { Engine } from '../engine/engine.ts';
import { simulatedApprovers, tickRedTeamItems, type Pace } from './approvers.ts';

const PACE_MS = 10_000;

/** A rehearsal never fires requests at a real canary: the burst is skipped, saying why. */
export function rehearsalBurst(deps: Pick<RunOfShowDeps, 'config'>): Source<BurstTarget> {
  return deps.config.runOfShow.blastRadius.url === undefined
    ? { missing: 'set runOfShow.blastRadius.url' }
    : { missing: 'a rehearsal fires no requests at the canary (runOfShow.blastRadius.url is for a real run of show)' };
}

export interface Countdown {
  preflight: Verdict | undefined;
  gonogo: string;
}

export async function rehearseCountdown(
  deps: RunOfShowDeps & { clock: VirtualClock },
  ctx: { engine: Engine; gonogo: GonogoDeps; version: string; ic: string; channel: string; print: (line: string) => void },
): Promise<Countdown> {
  const { clock, config, db } = deps;
  const { engine, version, ic, channel } = ctx;
  const pace: Pace = { everyMs: PACE_MS, wait: (ms) => engine.fastForward(clock, new Date(clock.now().getTime() + ms)) };
  const t0 = new Date(Math.ceil((clock.now().getTime() + leadOf(config.runOfShow.offsets)) / 60_000) * 60_000);
  const typed = DateTime.fromJSDate(t0, { zone: config.timezone }).toFormat('yyyy-MM-dd HH:mm');
  ctx.print(`${deps.nameOf(ic)}: /spark runofshow ${version} ${typed}`);
  const refused = await scheduleRunOfShow(deps, { version, at: typed, actor: ic, channel });
  if (refused) {
    ctx.print(refused);
    return { preflight: undefined, gonogo: 'not opened' };
  }
  const [run] = await db.query<{ id: number }>(`SELECT id FROM run_of_show WHERE version = $1 ORDER BY id DESC LIMIT 1`, [version]);
  const due = Object.fromEntries(timeline(t0, config.runOfShow.offsets).map((s) => [s.id, new Date(s.dueAt)]));

  await engine.fastForward(clock, due['red-team']);
  await tickRedTeamItems({ ...deps, sources: deps.redteam }, version, pace);
  const gonogo = await simulatedApprovers(ctx.gonogo, clock, version, channel, pace);
  await engine.fastForward(clock, t0);

  ctx.print(`${deps.nameOf(ic)} presses Start canary`);
  const said = await startFromRunOfShow(deps, Number(run!.id), ic);
  if (said) ctx.print(said);
  const [preflight] = await db.query<{ verdict: Verdict | null }>('SELECT verdict FROM preflight_run WHERE version = $1 ORDER BY id DESC LIMIT 1', [version]);
  return { preflight: preflight?.verdict ?? undefined, gonogo };
}
