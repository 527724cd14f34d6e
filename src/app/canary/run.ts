/**
 * The canary of RITUAL §5 on the platform: `/spark canary <version>` starts it, the release card's buttons and
 * `/spark rollback` drive it, and its durable timers (timers.ts) analyse it, end its holds, set its weights and
 * roll it back. One at a time: the unfinished canary holds a lock in the database, which survives restarts.
 */
import type { SparkConfig } from '../../config/schema.ts';
import type { Clock } from '../../domain/clock.ts';
import { apply, type NameOf } from '../../domain/canary/machine.ts';
import { newCanary, rulesFrom, type CanaryEvent } from '../../domain/canary/state.ts';
import { canaryCard } from '../../chat/cards/canary.ts';
import { canaryView } from '../../domain/canary/view.ts';
import { enqueue } from '../../engine/outbox.ts';
import { sealedDetails } from '../../evidence/audit.ts';
import type { EvidenceStore } from '../../evidence/files.ts';
import type { Logger } from '../../log.ts';
import type { DeployTarget } from '../../ports/deploy.ts';
import type { MetricsSource } from '../../ports/metrics.ts';
import type { OnCallDirectory } from '../../ports/on-call.ts';
import type { Db } from '../../store/db.ts';
import { isFirstDelivery } from '../deliveries.ts';
import { freezeRefusal } from '../freeze.ts';
import type { Source } from '../preflight/check.ts';
import { stableVersionOf } from '../preflight/checks/baseline.ts';
import { applyEvent, armTick, audit, canaryRef, performEffects, type EventResult } from './apply.ts';
import { callDeploy } from './call-deploy.ts';
import { isIc, mayDrive, missingGo, onlyDrivers, onlyIc, preflightBaseline } from './gate.ts';
import { blockingIncident } from '../incident/record.ts';
import { earlierCanaries, insertCanary, readCanary, unfinishedCanary, type StoredCanary } from './record.ts';

export interface CanaryDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  config: SparkConfig;
  evidence: EvidenceStore;
  metrics: Source<MetricsSource>;
  deploy: Source<DeployTarget>;
  nameOf: NameOf;
  /** who PagerDuty says is on call, for the incident an auto-rollback opens */
  onCall?: OnCallDirectory | undefined;
  /** Tells the engine there is something new in the outbox or a timer due now. */
  wake: () => void;
}

/** What happened, for the person who acted (a refusal, a repeated click); undefined when the card says it all. */
export type Said = string | undefined;

/** What a person does to a running canary: the card's buttons and `/spark rollback`. */
export type CanaryAction = Extract<CanaryEvent, { type: 'pause' | 'resume' | 'promote-now' | 'rollback' }>;

const DOING: Record<CanaryAction['type'], string> = {
  pause: 'pause the canary',
  resume: 'resume the canary',
  'promote-now': 'promote the canary early',
  rollback: 'roll the canary back',
};

/** Said when `/spark rollback` comes without one: a rollback is never held up for want of a reason. */
const NO_REASON = 'no reason given with /spark rollback';

function runningText(c: StoredCanary): string {
  const cur = c.state.current;
  const where = cur ? `, stage ${cur.stage} of ${c.state.rules.stages.length} at ${cur.weight} %` : '';
  return `the canary of ${c.state.version} (run ${c.id}) is ${c.state.status.replace(/-/g, ' ')}${where}`;
}

/** What the deploy target says before a start: the version's commit, and the stable version a rollback returns to. */
async function readDeploy(deps: CanaryDeps, version: string) {
  return callDeploy(deps, async (d) => {
    const [commit, weights] = await Promise.all([d.commitOf(version), d.weights()]);
    return { commit, stable: stableVersionOf(weights, version) };
  });
}

/**
 * `/spark canary <version> [override <reason>]`: starts the canary at stage 1 and posts its release card; or says
 * why not, and audits the refusal. Refuses without a deploy target or a metrics source, while another canary is
 * unfinished, and without the preflight baseline a signal is judged on: none of these can be overridden. Without a
 * recorded GO for the version and its current commit, or when the canary would run into a freeze window, it refuses
 * too, unless the IC overrides that with a written reason, which the start's audit row, its war-room minute and the
 * release card carry.
 */
export async function startCanary(
  deps: CanaryDeps,
  req: { version: string; actor: string; channel: string; override?: string | undefined; deliveryId?: string | undefined },
): Promise<Said> {
  const { config, nameOf } = deps;
  const { version, actor } = req;
  const now = deps.clock.now();
  const cannot = (why: string) => `Cannot start the canary of ${version}: ${why}.`;
  // Decided before the platform is asked anything.
  const early = !mayDrive(config, actor)
    ? onlyDrivers(config, nameOf, 'start a canary')
    : req.override !== undefined && !isIc(config, actor)
      ? onlyIc(config, nameOf, 'override a refusal to start a canary')
      : 'missing' in deps.deploy
        ? cannot(`there is no deploy target (${deps.deploy.missing})`)
        : 'missing' in deps.metrics
          ? cannot(`there is no metrics source (${deps.metrics.missing})`)
          : undefined;
  const platform = early === undefined ? await readDeploy(deps, version) : { refused: early };

  const said = await deps.db.transaction(async (tx): Promise<Said | null> => {
    if (req.deliveryId !== undefined && !(await isFirstDelivery(tx, req.deliveryId, 'command', now))) return null;
    const refuse = async (why: string) => {
      await audit(tx, deps, { at: now, actor, action: 'canary.refused', version, details: { event: { type: 'start' }, why } });
      return why;
    };
    if ('refused' in platform) return refuse(platform.refused);
    if ('failed' in platform) return refuse(cannot(`the deploy target did not answer: ${platform.failed}`));
    const running = await unfinishedCanary(tx);
    if (running) return refuse(cannot(`${runningText(running)}; one canary at a time: let it finish or roll it back first`));
    const earlier = await earlierCanaries(tx, version);
    if (earlier.released) return refuse(cannot(`a canary already released ${version}`));
    const incident = await blockingIncident(tx);
    if (incident) {
      const linked = incident.state.version ? `, linked to ${incident.state.version}` : '';
      return refuse(cannot(`incident ${incident.id} (${incident.state.severity}${linked}) is ${incident.state.status}: no canary starts until it is resolved. An emergency rollback stays allowed (\`/spark rollback <reason>\`)`));
    }
    // Change freezes (T-30 until the freeze lift) come with the run of show; the windows of config freeze are here.
    const overridable = [await missingGo(tx, version, platform.ok.commit), freezeRefusal(deps, { start: now, kind: 'canary' }, [])].filter(
      (why): why is string => why !== undefined,
    );
    if (overridable.length > 0 && req.override === undefined) {
      return refuse(`${cannot(overridable.join('; '))} The IC may override this with \`/spark canary ${version} override <reason>\`.`);
    }
    const override = req.override !== undefined && overridable.length > 0 ? { reason: req.override, overrode: overridable } : undefined;
    const { baseline, stableVersion } = await preflightBaseline(tx, version);
    const rollbackTo = platform.ok.stable ?? stableVersion;
    if (!rollbackTo) return refuse(cannot('no stable version takes traffic, so a rollback would have nowhere to go'));

    const ready = newCanary(rulesFrom(config), version, baseline, { rollbacksBefore: earlier.rolledBack });
    const started = apply(ready, { type: 'start', by: actor, ...(override ? { override } : {}) }, now, nameOf);
    if (started.outcome.kind !== 'changed') return refuse(started.outcome.why);
    const id = await insertCanary(tx, { channel: req.channel, rollbackTo, state: started.state, at: now, by: actor });
    if (id === undefined) return refuse(cannot('another canary has just started; one canary at a time'));
    if (override) await audit(tx, deps, { at: now, actor, action: 'canary.override', version, details: { runId: id, ...override } });
    await audit(tx, deps, { at: now, actor, action: 'canary.start', version, details: { runId: id, rollbackTo, commit: platform.ok.commit ?? null, baseline } });
    const card = canaryCard(id, canaryView(started.state, now), nameOf);
    await enqueue(tx, { kind: 'slack.post', channel: req.channel, card, ref: canaryRef(id) }, now);
    await performEffects(tx, deps, { id, channel: req.channel }, ready, started.state, started.effects.filter((e) => e.type !== 'card'), now);
    await armTick(tx, id, started.state, now);
    deps.log.info({ runId: id, version, rollbackTo, override: override !== undefined }, 'canary started');
    return req.override !== undefined && !override ? 'Nothing needed overriding: the canary started on its recorded GO, and no override was recorded.' : undefined;
  });
  if (said === null) return undefined;
  deps.wake();
  return said;
}

/** A button on the release card (or `/spark rollback`): role-gated, de-duplicated by the Slack delivery. */
export async function actOnCanary(deps: CanaryDeps, runId: number, event: CanaryAction, deliveryId?: string): Promise<Said> {
  const now = deps.clock.now();
  const r = await deps.db.transaction(async (tx): Promise<EventResult | null> => {
    if (deliveryId !== undefined && !(await isFirstDelivery(tx, deliveryId, 'action', now))) return null;
    if (mayDrive(deps.config, event.by)) return applyEvent(tx, deps, runId, event, now);
    const why = onlyDrivers(deps.config, deps.nameOf, DOING[event.type]);
    const version = (await readCanary(tx, runId))?.state.version;
    await audit(tx, deps, { at: now, actor: event.by, action: 'canary.refused', ...(version ? { version } : {}), details: { runId, event, why } });
    return { said: why };
  });
  if (!r) return undefined;
  deps.wake();
  return r.said;
}

/** `/spark rollback [reason]`: the unfinished canary, at once, whatever its stage. */
export async function rollbackCanary(deps: CanaryDeps, req: { actor: string; reason?: string; deliveryId?: string }): Promise<Said> {
  const running = await unfinishedCanary(deps.db);
  if (!running) return 'No canary is running: there is nothing to roll back.';
  return actOnCanary(deps, running.id, { type: 'rollback', by: req.actor, reason: req.reason?.trim() || NO_REASON }, req.deliveryId);
}

/**
 * At boot: the unfinished canary goes on where it stood, with the hold it had. Its timers are re-armed under the
 * keys they already have, so nothing is scheduled twice; a rollback in progress goes on by its own timers.
 */
export async function restoreCanaries(deps: CanaryDeps): Promise<void> {
  const stored = await unfinishedCanary(deps.db);
  if (!stored) return;
  await deps.db.transaction((tx) => applyEvent(tx, deps, stored.id, { type: 'restored' }, deps.clock.now()));
  deps.log.info({ runId: stored.id, version: stored.state.version, status: stored.state.status }, 'canary restored');
  deps.wake();
}

/** `/spark oneliner <version>`: the one-liner sealed when the version's canary released it, as it was sealed. */
export async function releaseOneliner(deps: Pick<CanaryDeps, 'db' | 'evidence'>, version: string): Promise<{ oneliner: string; evidence: string } | { missing: string }> {
  const rows = await sealedDetails<{ oneliner: string; evidence: string }>(deps.db, deps.evidence.key, 'canary.released', version);
  const last = rows.at(-1);
  if (last) return { oneliner: last.details.oneliner, evidence: last.details.evidence };
  const running = await unfinishedCanary(deps.db);
  const now = running?.state.version === version ? ` Now ${runningText(running)}.` : '';
  return { missing: `No canary has released ${version}: its one-liner is written when stage 5 passes.${now}` };
}
