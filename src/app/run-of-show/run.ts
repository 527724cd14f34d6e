/**
 * The run of show of RITUAL §7: `/spark runofshow <version> <HH:MM>` schedules the T-minus countdown, every step a
 * durable timer armed at once (so `/spark status` shows them all and a restart loses none); `/spark runofshow
 * cancel` calls it off. The steps themselves are in timers.ts; each checks the stored run before it acts.
 *
 * The change freeze holds from T-30 until the freeze lift at the first night's close (`liftChangeFreeze`), or a
 * cancel. The version's own canary is not held by it; an emergency rollback never is.
 */
import type { Ritual } from '../ritual.ts';
import { IC_ROLE } from '../../config/schema.ts';
import type { Clock } from '../../domain/clock.ts';
import type { ChangeFreeze } from '../../domain/freeze.ts';
import { startAt } from '../../domain/run-of-show/start-time.ts';
import { cancelledText, changeFreezeReason, existsText, type RunRef } from '../../domain/run-of-show/texts.ts';
import { leadOf, timeline, type StepId } from '../../domain/run-of-show/timeline.ts';
import { runOfShowCard, type RunOfShowView } from '../../chat/cards/run-of-show.ts';
import { textCard } from '../../chat/card.ts';
import { enqueue } from '../../engine/outbox.ts';
import { cancel, schedule } from '../../engine/timers.ts';
import { appendAudit, type AuditEntry } from '../../evidence/audit.ts';
import type { Logger } from '../../log.ts';
import type { Db, Sql } from '../../store/db.ts';
import { mayDrive, onlyDrivers } from '../canary/gate.ts';
import { unfinishedCanary } from '../canary/record.ts';
import { isFirstDelivery } from '../deliveries.ts';
import { activeRunOf, activeRuns, endRun, insertRun, lockRun, type RunState, type StoredRun } from './record.ts';

export interface RunOfShowDeps extends Ritual {
  db: Db;
  clock: Clock;
  log: Logger;
  /** Tells the engine there is something new in the outbox or a timer due now. */
  wake: () => void;
}

/** What happened, for the person who typed or pressed; undefined when the channel says it all. */
export type Said = string | undefined;

export const timerKind = (step: StepId) => `run-of-show.${step}`;
export const timerKey = (runId: number, step: StepId) => `run-of-show:${runId}:${step}`;
/** The run of show's card in the deploys channel. */
export const runRef = (id: number) => `run-of-show:${id}`;

export const refOf = (run: Pick<StoredRun, 'version' | 't0' | 'state'>): RunRef => ({ version: run.version, t0: run.t0, zone: run.state.zone });

export function viewOf(run: StoredRun, nameOf: (user: string) => string): RunOfShowView {
  const { state } = run;
  return {
    id: run.id,
    version: run.version,
    t0: run.t0,
    zone: state.zone,
    status: run.status,
    scheduledBy: nameOf(run.scheduledBy),
    steps: state.steps.map((s) => ({ ...s, ...(state.done[s.id] ? { done: state.done[s.id]!.line } : {}) })),
    ...(state.cancelled ? { cancelled: { by: nameOf(state.cancelled.by), at: state.cancelled.at } } : {}),
    ...(run.freezeLiftedAt ? { freezeLiftedAt: run.freezeLiftedAt } : {}),
  };
}

/** Edits the run's card to what the stored run says now. */
export async function refreshCard(tx: Sql, deps: Pick<RunOfShowDeps, 'nameOf'>, run: StoredRun, now: Date): Promise<void> {
  await enqueue(tx, { kind: 'slack.update', channel: run.channel, card: runOfShowCard(viewOf(run, deps.nameOf)), of: runRef(run.id) }, now);
}

export const auditRun = (tx: Sql, deps: Pick<RunOfShowDeps, 'evidence'>, e: AuditEntry) => appendAudit(tx, deps.evidence.key, e);

/**
 * `/spark runofshow <version> <HH:MM | YYYY-MM-DD HH:MM>`: stores the run, arms every step and posts its card. Refuses,
 * changing nothing, a time that cannot be read, one in the past or too close for the countdown, someone who may not
 * drive a canary, and a second run of show for a version that has one.
 */
export async function scheduleRunOfShow(deps: RunOfShowDeps, req: { version: string; at: string; actor: string; channel: string; deliveryId?: string | undefined }): Promise<Said> {
  const { config, nameOf } = deps;
  const now = deps.clock.now();
  if (!mayDrive(config, req.actor)) return onlyDrivers(config, nameOf, 'schedule a run of show');
  const offsets = config.runOfShow.offsets;
  const zone = config.timezone;
  const parsed = startAt(req.at, { version: req.version, now, zone, leadMs: leadOf(offsets) });
  if (!parsed.ok) return `${parsed.problem}. Nothing was scheduled.`;
  const { t0 } = parsed;
  const steps = timeline(t0, offsets);

  const said = await deps.db.transaction(async (tx): Promise<Said | null> => {
    if (req.deliveryId !== undefined && !(await isFirstDelivery(tx, req.deliveryId, 'command', now))) return null;
    const state: RunState = { zone, steps, done: {} };
    const freezeFrom = new Date(steps[0]!.dueAt);
    const id = await insertRun(tx, { version: req.version, channel: req.channel, t0, freezeFrom, state, by: req.actor, at: now });
    if (id === undefined) {
      const existing = await activeRunOf(tx, req.version);
      if (!existing) throw new Error(`run of show of ${req.version}: neither inserted nor found`);
      return existsText({ ...refOf(existing), id: existing.id, by: nameOf(existing.scheduledBy) });
    }
    for (const s of steps) await schedule(tx, { kind: timerKind(s.id), key: timerKey(id, s.id), dueAt: new Date(s.dueAt), payload: { runId: id } }, now);
    const run: StoredRun = { id, version: req.version, channel: req.channel, t0, freezeFrom, freezeLiftedAt: null, state, status: 'counting', scheduledBy: req.actor, scheduledAt: now };
    await enqueue(tx, { kind: 'slack.post', channel: req.channel, card: runOfShowCard(viewOf(run, nameOf)), ref: runRef(id) }, now);
    await auditRun(tx, deps, {
      at: now,
      actor: req.actor,
      action: 'run-of-show.scheduled',
      version: req.version,
      details: { runId: id, t0: t0.toISOString(), zone, typed: req.at, steps: steps.map((s) => ({ step: s.id, dueAt: new Date(s.dueAt).toISOString() })) },
    });
    deps.log.info({ runId: id, version: req.version, t0 }, 'run of show scheduled');
    return undefined;
  });
  if (said === null) return undefined;
  deps.wake();
  return said;
}

/** Why a run past T-0 may not be called off yet, or undefined when it may. */
async function stillReleasing(tx: Sql, run: StoredRun): Promise<string | undefined> {
  if (run.status !== 'zero') return undefined;
  const canary = await unfinishedCanary(tx);
  if (canary?.state.version === run.version) {
    return `the canary of ${run.version} (run ${canary.id}) is ${canary.state.status.replace(/-/g, ' ')}: roll it back with \`/spark rollback <reason>\`, or let it finish; after a release the change freeze lifts at the first night's close`;
  }
  const [night] = await tx.query<{ id: number }>(`SELECT id FROM first_night WHERE version = $1 AND status = 'running' LIMIT 1`, [run.version]);
  if (night) return `${run.version} is released and its first night is running: the change freeze lifts at the first night's close (T+24h)`;
  return undefined;
}

function whichRun(runs: StoredRun[], version: string | undefined): { run: StoredRun } | { said: string } {
  const found = version === undefined ? runs : runs.filter((r) => r.version === version);
  if (found.length === 1) return { run: found[0]! };
  if (found.length === 0) {
    return { said: version === undefined ? 'No run of show is scheduled: there is nothing to cancel.' : `No run of show is scheduled for ${version}: there is nothing to cancel.` };
  }
  const list = found.map((r) => `${r.version} (T-0 ${r.t0.toISOString().slice(0, 16).replace('T', ' ')} UTC)`).join(', ');
  return { said: `Runs of show are scheduled for ${list}: say which to cancel, e.g. \`/spark runofshow cancel ${found[0]!.version}\`. Nothing was cancelled.` };
}

/**
 * `/spark runofshow cancel [version]`: the steps still to come will not run (their timers are cancelled, and each one
 * checks the stored run anyway), the change freeze is lifted if it had begun, and the channel is told once. Past
 * T-0 only while the version is not being released.
 */
export async function cancelRunOfShow(deps: RunOfShowDeps, req: { version?: string | undefined; actor: string; deliveryId?: string | undefined }): Promise<Said> {
  const { config, nameOf } = deps;
  if (!mayDrive(config, req.actor)) return onlyDrivers(config, nameOf, 'cancel a run of show');
  const now = deps.clock.now();
  const said = await deps.db.transaction(async (tx): Promise<Said | null> => {
    if (req.deliveryId !== undefined && !(await isFirstDelivery(tx, req.deliveryId, 'command', now))) return null;
    const which = whichRun(await activeRuns(tx), req.version);
    if ('said' in which) return which.said;
    const run = await lockRun(tx, which.run.id);
    if (!run || (run.status !== 'counting' && run.status !== 'zero')) return `The run of show of ${which.run.version} has just ended; nothing was cancelled.`;
    const busy = await stillReleasing(tx, run);
    if (busy) return `Cannot cancel the run of show of ${run.version}: ${busy}.`;
    const lifted = run.freezeFrom.getTime() <= now.getTime() ? now : null;
    const state: RunState = { ...run.state, cancelled: { by: req.actor, at: now.getTime() } };
    for (const s of run.state.steps) await cancel(tx, timerKey(run.id, s.id), now);
    await endRun(tx, run.id, { state, status: 'cancelled', liftedAt: lifted, at: now });
    const ended: StoredRun = { ...run, state, status: 'cancelled', freezeLiftedAt: lifted };
    await refreshCard(tx, deps, ended, now);
    await enqueue(tx, { kind: 'slack.post', channel: run.channel, card: textCard(cancelledText(refOf(run), nameOf(req.actor), lifted !== null)), ref: `${runRef(run.id)}:cancelled` }, now);
    await auditRun(tx, deps, {
      at: now,
      actor: req.actor,
      action: 'run-of-show.cancelled',
      version: run.version,
      details: { runId: run.id, status: run.status, done: Object.keys(run.state.done), freezeLifted: lifted !== null },
    });
    return undefined;
  });
  if (said === null) return undefined;
  deps.wake();
  return said;
}

/** The change freezes the runs of show hold now or will hold from their T-30, for the freeze windows. */
export async function changeFreezes(db: Sql): Promise<ChangeFreeze[]> {
  return (await activeRuns(db)).map((r) => ({ from: r.freezeFrom, reason: changeFreezeReason(refOf(r)) }));
}

/**
 * The freeze lift at the first night's close (RITUAL §6–7), in its transaction: the version's run of show ends and
 * its change freeze is lifted. Without one (a canary started by hand) it changes nothing.
 */
export async function liftChangeFreeze(tx: Sql, deps: Pick<RunOfShowDeps, 'evidence' | 'nameOf'>, version: string, now: Date): Promise<boolean> {
  const found = await activeRunOf(tx, version);
  const run = found && (await lockRun(tx, found.id));
  if (!run || run.status !== 'zero') return false;
  await endRun(tx, run.id, { state: run.state, status: 'lifted', liftedAt: now, at: now });
  await refreshCard(tx, deps, { ...run, status: 'lifted', freezeLiftedAt: now }, now);
  await auditRun(tx, deps, { at: now, actor: 'spark-bot', action: 'run-of-show.freeze-lifted', version, details: { runId: run.id, freezeFrom: run.freezeFrom.toISOString() } });
  return true;
}

/** The IC's names, for the war room and the T-0 post. */
export const icNames = (deps: Pick<RunOfShowDeps, 'config' | 'nameOf'>): string[] => (deps.config.roles[IC_ROLE] ?? []).map(deps.nameOf);
