import { gonogoCard } from '../../chat/cards/gonogo.ts';
import { textCard } from '../../chat/card.ts';
import type { Clock } from '../../domain/clock.ts';
import { autoFill, planItems, refreshItems } from '../../domain/gonogo/items.ts';
import { roleLabel } from '../../domain/gonogo/roles.ts';
import { nextDueAt } from '../../domain/gonogo/rules.ts';
import { apply, openSession, rulesFrom } from '../../domain/gonogo/session.ts';
import type { GonogoEvent, NameOf } from '../../domain/gonogo/types.ts';
import { enqueue } from '../../engine/outbox.ts';
import { schedule } from '../../engine/timers.ts';
import { appendAudit } from '../../evidence/audit.ts';
import { writeEvidence } from '../../evidence/files.ts';
import type { TimerHandler } from '../../engine/timer-runner.ts';
import type { Db, Sql } from '../../store/db.ts';
import { isFirstDelivery } from '../deliveries.ts';
import { latestRedteam } from '../redteam/run.ts';
import { decisionEvidence } from './decision-text.ts';
import { gatherFacts, type FactSources } from './facts.ts';
import { insertSession, lockSession, openSessionIds, saveSession } from './record.ts';

export interface GonogoDeps extends FactSources {
  db: Db;
  clock: Clock;
  nameOf: NameOf;
  /** Tells the engine there is something new in the outbox. */
  wake: () => void;
}

export const GONOGO_CLOCK = 'gonogo.clock';
const BOT = 'spark-bot';
const ref = (id: number) => `gonogo:${id}`;

async function scheduleNext(tx: Sql, id: number, due: Date | undefined, now: Date): Promise<void> {
  if (due) await schedule(tx, { kind: GONOGO_CLOCK, key: `${ref(id)}:${due.toISOString()}`, dueAt: due, payload: { sessionId: id } }, now);
}

/** What happened, for the person who acted (a refusal, a repeated click, a late one); undefined when the card says it all. */
export type Said = string | undefined;

/**
 * Applies one event to a session in `tx`: the new state, its audit row, the card update, the next timer, and on a
 * decision the evidence file and a thread post. A refusal is audited and changes nothing else.
 */
export async function applyEvent(tx: Sql, deps: GonogoDeps, id: number, event: GonogoEvent, now: Date): Promise<{ said: Said }> {
  const stored = await lockSession(tx, id);
  if (!stored) return { said: 'That GO / NO-GO session no longer exists; nothing was changed.' };
  const { session: before, channel } = stored;
  const { session, outcome } = apply(before, event, now, deps.nameOf);
  const actor = 'user' in event ? event.user : BOT;
  const audit = (action: string, details: Record<string, unknown>) =>
    appendAudit(tx, deps.evidence.key, { at: now, actor, action, version: session.version, details: { sessionId: id, ...details } });
  const update = async () =>
    enqueue(tx, { kind: 'slack.update', channel, card: gonogoCard(id, session, deps.nameOf, await latestRedteam(tx, session.version)), of: ref(id) }, now);
  const inThread = (text: string) => enqueue(tx, { kind: 'slack.post', channel, card: textCard(text), threadOf: ref(id) }, now);

  switch (outcome.kind) {
    case 'refused':
      await audit('gonogo.refused', { event, why: outcome.why });
      return { said: outcome.why };
    case 'unchanged':
      return { said: event.type === 'clock' ? undefined : outcome.why };
    case 'changed':
    case 'reminder':
      await saveSession(tx, id, session);
      await audit(`gonogo.${event.type}`, { event, status: session.status, binding: session.binding });
      await update();
      if (outcome.kind === 'reminder') {
        const who = outcome.missingRoles.map(roleLabel).join(', ');
        await inThread(`⏰ ${outcome.users.map((u) => `<@${u}>`).join(' ')} your vote is missing (${who}). The GO / NO-GO closes at ${session.deadline.slice(11, 16)} UTC.`);
        await audit('gonogo.reminder', { roles: outcome.missingRoles });
      }
      await scheduleNext(tx, id, nextDueAt(session), now);
      return { said: undefined };
    case 'decided': {
      await saveSession(tx, id, session);
      const file = await writeEvidence(tx, deps.evidence, {
        version: session.version,
        kind: 'gonogo-decision',
        at: now,
        actor,
        title: `GO / NO-GO ${session.version}: session ${id}`,
        content: decisionEvidence(id, session, deps.nameOf),
      });
      await audit('gonogo.decided', { decision: outcome.decision, evidence: file.path, sha256: file.sha256 });
      await update();
      const kind = outcome.decision.kind === 'go' ? '✅ GO' : outcome.decision.kind === 'expired' ? '⌛ NO-GO (expired)' : '⛔ NO-GO';
      await inThread(`${kind} for ${session.version} at commit \`${session.binding.commit}\`. Decision sealed in \`${file.path}\`.`);
      return { said: outcome.dropped };
    }
  }
}

/** The durable timer of a session: the reminder, then the expiry. */
export function gonogoClock(deps: GonogoDeps): TimerHandler {
  return async (timer, step) => {
    const id = Number(timer.payload.sessionId);
    await step.commit(async (tx) => void (await applyEvent(tx, deps, id, { type: 'clock' }, step.now)));
  };
}

/** Runs one event in its own transaction (de-duplicated by the Slack delivery). */
export async function actOnGonogo(deps: GonogoDeps, id: number, event: GonogoEvent, deliveryId?: string): Promise<Said> {
  const now = deps.clock.now();
  const result = await deps.db.transaction(async (tx) => {
    if (deliveryId !== undefined && !(await isFirstDelivery(tx, deliveryId, 'action', now))) return undefined;
    return applyEvent(tx, deps, id, event, now);
  });
  if (!result) return undefined;
  deps.wake();
  return result.said;
}

/** `/spark gonogo <version>`: opens a session bound to the latest preflight and posts its card; or says why not. */
export async function openGonogo(deps: GonogoDeps, req: { version: string; actor: string; channel: string; deliveryId?: string }): Promise<Said> {
  const now = deps.clock.now();
  const said = await deps.db.transaction(async (tx): Promise<Said | null> => {
    if (req.deliveryId !== undefined && !(await isFirstDelivery(tx, req.deliveryId, 'command', now))) return null;
    const [open] = await openSessionIds(tx, req.version);
    if (open !== undefined) return `A GO / NO-GO for ${req.version} is already open (session ${open}): vote on its card in ${req.channel}.`;
    const facts = await gatherFacts(tx, deps, req.version, now);
    if ('missing' in facts) return `Cannot open a GO / NO-GO: ${facts.missing}.`;
    const planned = planItems(deps.config.gonogo.items);
    const items = refreshItems(planned, autoFill(planned, facts.results), now.toISOString());
    const session = openSession(rulesFrom(deps.config), req.version, facts.binding, items, now);
    const id = await insertSession(tx, req.channel, session, now);
    await appendAudit(tx, deps.evidence.key, { at: now, actor: req.actor, action: 'gonogo.opened', version: req.version, details: { sessionId: id, binding: facts.binding } });
    await enqueue(tx, { kind: 'slack.post', channel: req.channel, card: gonogoCard(id, session, deps.nameOf, await latestRedteam(tx, req.version)), ref: ref(id) }, now);
    await scheduleNext(tx, id, nextDueAt(session), now);
    return undefined;
  });
  if (said === null) return undefined;
  deps.wake();
  return said;
}

/** A fact every version shares changed (a rollback drill): each open session refreshes its items. */
export async function refreshGonogos(deps: GonogoDeps): Promise<void> {
  const versions = await deps.db.query<{ version: string }>('SELECT DISTINCT version FROM gonogo_session WHERE decided_at IS NULL');
  for (const { version } of versions) await rebindGonogo(deps, version);
}

/** A new preflight (or commit) for `version`: every open session is rebound, its earlier votes become stale. */
export async function rebindGonogo(deps: GonogoDeps, version: string): Promise<void> {
  const now = deps.clock.now();
  const rebound = await deps.db.transaction(async (tx) => {
    const ids = await openSessionIds(tx, version);
    if (ids.length === 0) return false;
    const facts = await gatherFacts(tx, deps, version, now);
    if ('missing' in facts) return false;
    for (const id of ids) {
      const stored = await lockSession(tx, id);
      await applyEvent(tx, deps, id, { type: 'rebind', binding: facts.binding, refreshedItems: autoFill(stored!.session.items, facts.results) }, now);
    }
    return true;
  });
  if (rebound) deps.wake();
}
