/**
 * Incidents of RITUAL §8 on the platform: opened by a person (`/spark incident`) or by the bot (an auto-rollback,
 * a first-night breach), one card in the incidents channel edited in place, the timeline in its thread, PagerDuty
 * paged through the outbox, and the escalation, re-pages and reminders as durable timers (timers.ts). Every change
 * is audited; an incident linked to a release keeps any new canary from starting until it is resolved.
 */
import type { SparkConfig } from '../../config/schema.ts';
import type { Clock } from '../../domain/clock.ts';
import { apply, openIncident } from '../../domain/incident/machine.ts';
import { rulesFrom, type IncidentEvent, type OpenRequest, type Severity } from '../../domain/incident/state.ts';
import type { NameOf } from '../../domain/incident/state.ts';
import { enqueue } from '../../engine/outbox.ts';
import { schedule } from '../../engine/timers.ts';
import { appendAudit } from '../../evidence/audit.ts';
import { writeEvidence, type EvidenceStore } from '../../evidence/files.ts';
import type { Logger } from '../../log.ts';
import type { OnCallDirectory } from '../../ports/on-call.ts';
import type { Db, Sql } from '../../store/db.ts';
import { isFirstDelivery } from '../deliveries.ts';
import { armClock, BOT, cardOf, incidentRef, INCIDENT_TIMER, inThread, performEffects, type Where } from './effects.ts';
import { incidentId, incidentOfOrigin, insertIncident, lockIncident, nextIncidentSeq, openIncidents, saveIncident, type OriginKey, type StoredIncident } from './record.ts';
import { templatePosts } from './template.ts';
import { openedText } from './texts.ts';

export interface IncidentDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  config: SparkConfig;
  evidence: EvidenceStore;
  nameOf: NameOf;
  /** PagerDuty's REST API, to name who is on call (PAGERDUTY_API_TOKEN and escalation.pagerdutyEscalationPolicy) */
  onCall?: OnCallDirectory | undefined;
  wake: () => void;
}

/** What happened, for the person who acted (a refusal, a repeated press); undefined when the card says it all. */
export type Said = string | undefined;

export const whereOf = (i: Pick<StoredIncident, 'seq' | 'id' | 'channel'>): Where => ({ seq: i.seq, id: i.id, channel: i.channel });

type Opening = Omit<OpenRequest, 'id'>;

/**
 * Opens an incident in the caller's transaction: stores it, posts its card and its first thread post (with the
 * evidence named), pages the first level, arms its timers, audits it. With an origin key, opening it again finds
 * the first one and changes nothing.
 */
export async function openIncidentIn(
  tx: Sql,
  deps: Pick<IncidentDeps, 'config' | 'evidence' | 'nameOf' | 'onCall'>,
  req: Opening | ((id: string) => Opening),
  now: Date,
  origin?: OriginKey,
  evidence: readonly string[] = [],
): Promise<{ incident: Where; opened: boolean }> {
  if (origin) {
    const existing = await incidentOfOrigin(tx, origin);
    if (existing) return { incident: whereOf(existing), opened: false };
  }
  const seq = await nextIncidentSeq(tx);
  const id = incidentId(seq);
  const opening = typeof req === 'function' ? req(id) : req;
  const { state, effects } = openIncident(rulesFrom(deps.config), { ...opening, id }, now, deps.nameOf);
  const at: Where = { seq, id, channel: deps.config.channels.incidents };
  if (!(await insertIncident(tx, seq, at.channel, state, now, origin))) {
    const existing = origin && (await incidentOfOrigin(tx, origin));
    if (!existing) throw new Error(`incident ${id}: neither inserted nor found`);
    return { incident: whereOf(existing), opened: false };
  }
  await enqueue(tx, { kind: 'slack.post', channel: at.channel, card: cardOf(deps, at, state, now), ref: incidentRef(id) }, now);
  const files = [...evidence];
  if (state.version) {
    const file = await writeEvidence(tx, deps.evidence, { version: state.version, kind: `incident-opened-${seq}`, at: now, actor: actorOf(opening), title: `Incident ${id} opened (${state.severity})`, content: `${openedText(state, deps.nameOf, evidence)}\n` });
    files.push(file.path);
  }
  await inThread(tx, at, openedText(state, deps.nameOf, files), now);
  for (const text of await templatePosts(deps.config.escalation.template, state, deps.nameOf)) await inThread(tx, at, text, now);
  await appendAudit(tx, deps.evidence.key, {
    at: now,
    actor: actorOf(opening),
    action: 'incident.opened',
    ...(state.version ? { version: state.version } : {}),
    details: { incident: id, severity: state.severity, summary: state.summary, origin: state.origin.kind, ...(origin ? { originKey: origin.key } : {}) },
  });
  // the card was just posted as it is
  await performEffects(tx, deps, at, undefined, state, effects.filter((e) => e.type !== 'card'), now);
  if (deps.onCall) await schedule(tx, { kind: INCIDENT_TIMER.onCall, key: `${incidentRef(id)}:on-call`, dueAt: now, payload: { seq } }, now);
  return { incident: at, opened: true };
}

const actorOf = (o: Opening) => (o.origin.kind === 'person' ? o.origin.by : BOT);

/** `/spark incident [SEV1|SEV2|SEV3] [version] <summary>`: opens it and pages; says where, or nothing on a Slack retry. */
export async function declareIncident(
  deps: IncidentDeps,
  req: { summary: string; severity: Severity; version?: string | undefined; actor: string; deliveryId?: string | undefined },
): Promise<Said> {
  const now = deps.clock.now();
  let opened: Where | undefined;
  await deps.db.transaction(async (tx) => {
    if (req.deliveryId !== undefined && !(await isFirstDelivery(tx, req.deliveryId, 'command', now))) return;
    const r = await openIncidentIn(tx, deps, { summary: req.summary, severity: req.severity, ...(req.version ? { version: req.version } : {}), origin: { kind: 'person', by: req.actor } }, now);
    opened = r.incident;
  });
  if (!opened) return undefined;
  deps.wake();
  return `${opened.id} is open in ${opened.channel} and the first level is being paged.${req.version ? ` No canary starts until it is resolved.` : ''}`;
}

/** Applies one event to a stored incident in tx, with everything it causes. */
export async function applyIn(tx: Sql, deps: Pick<IncidentDeps, 'config' | 'evidence' | 'nameOf'>, seq: number, event: IncidentEvent, now: Date): Promise<{ said: Said }> {
  const stored = await lockIncident(tx, seq);
  if (!stored) return { said: `There is no incident INC-${seq}; nothing was changed.` };
  const r = apply(stored.state, event, now, deps.nameOf);
  const actor = 'by' in event ? event.by : BOT;
  const version = stored.state.version ? { version: stored.state.version } : {};
  if (r.outcome.kind === 'refused') {
    await appendAudit(tx, deps.evidence.key, { at: now, actor, action: 'incident.refused', ...version, details: { incident: stored.id, event, why: r.outcome.why } });
    return { said: r.outcome.why };
  }
  if (r.outcome.kind === 'unchanged') {
    // a timer that found nothing due re-arms the next one (a click may have moved it)
    if (event.type === 'clock') await armClock(tx, whereOf(stored), stored.state, now);
    return { said: r.outcome.why };
  }
  await saveIncident(tx, seq, r.state, now);
  await appendAudit(tx, deps.evidence.key, { at: now, actor, action: `incident.${event.type}`, ...version, details: { incident: stored.id, event, status: r.state.status, level: r.state.reached.at(-1)?.level } });
  await performEffects(tx, deps, whereOf(stored), stored.state, r.state, r.effects, now);
  return { said: undefined };
}

/** A person's press or command on an incident; a Slack retry of the same delivery changes nothing. */
export async function actOnIncident(deps: IncidentDeps, seq: number, event: IncidentEvent, deliveryId?: string): Promise<Said> {
  const now = deps.clock.now();
  let result: { said: Said } | undefined;
  await deps.db.transaction(async (tx) => {
    if (deliveryId !== undefined && !(await isFirstDelivery(tx, deliveryId, 'action', now))) return;
    result = await applyIn(tx, deps, seq, event, now);
  });
  if (!result) return undefined;
  deps.wake();
  return result.said;
}

/** At boot: every incident not closed has its next clock timer armed again under the key it already has (so, once). */
export async function restoreIncidents(deps: Pick<IncidentDeps, 'db' | 'clock' | 'log' | 'wake'>): Promise<void> {
  const open = await openIncidents(deps.db);
  if (open.length === 0) return;
  await deps.db.transaction(async (tx) => {
    for (const i of open) await armClock(tx, whereOf(i), i.state, deps.clock.now());
  });
  deps.log.info({ incidents: open.map((i) => i.id) }, 'incidents restored');
  deps.wake();
}
