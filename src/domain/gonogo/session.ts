/**
 * One GO / NO-GO session (RITUAL §4): opened once per `/spark gonogo <version>`, changed only by `apply`.
 *
 * `apply` is pure and never mutates its input: it returns the next session and an outcome the caller turns
 * into a card update, an ephemeral answer, a reminder, an audit row. A refusal never changes the session; the
 * same action applied twice changes nothing the second time and says so.
 */
import { IC_ROLE, type SparkConfig } from '../../config/schema.ts';
import { refreshItems } from './items.ts';
import { capitalize, holds, holdersOf, onlyHolders, roleLabel } from './roles.ts';
import { blockingReasons, currentVote, describeBlocker, missingVoters, reminderDueAt, sameBinding, statusOf } from './rules.ts';
import type { Applied, Binding, ChecklistItem, Decision, GonogoEvent, GonogoRules, GonogoSession, NameOf, Vote } from './types.ts';

/** The rules from the config: approvers, who holds which role, timebox and reminder. */
export function rulesFrom(config: Pick<SparkConfig, 'gonogo' | 'roles'>): GonogoRules {
  const holders = Object.fromEntries(Object.entries(config.roles).map(([role, users]) => [role, [...users]]));
  return { approvers: [...config.gonogo.approvers], holders, timeboxMs: config.gonogo.timebox, reminderAtMs: config.gonogo.reminderAt };
}

/** A new session. Throws on inputs the config checks should have caught (duplicate items, a ticking role nobody holds, ...). */
export function openSession(rules: GonogoRules, version: string, binding: Binding, items: ChecklistItem[], now: Date): GonogoSession {
  const problems: string[] = [];
  if (!(rules.reminderAtMs > 0 && rules.reminderAtMs < rules.timeboxMs)) problems.push('the reminder must come after opening and before the timebox');
  if (rules.approvers.length === 0) problems.push('there are no approver roles');
  for (const role of [IC_ROLE, ...rules.approvers, ...items.flatMap((i) => (i.source === 'role' ? [i.role] : []))]) {
    if (holdersOf(rules, role).length === 0) problems.push(`nobody holds the "${role}" role`);
  }
  const ids = items.map((i) => i.id);
  if (items.length === 0) problems.push('there are no items');
  ids.forEach((id, i) => {
    if (ids.indexOf(id) !== i) problems.push(`item "${id}" is listed twice`);
  });
  if (problems.length > 0) throw new Error(`gonogo: cannot open a session for ${version}: ${[...new Set(problems)].join('; ')}`);

  const session: GonogoSession = {
    version,
    rules,
    binding,
    items,
    votes: {},
    openedAt: now.toISOString(),
    deadline: new Date(now.getTime() + rules.timeboxMs).toISOString(),
    extended: false,
    reminded: false,
    status: 'open',
  };
  return { ...session, status: statusOf(session) };
}

const plainName: NameOf = (id) => id;

/**
 * The next session after `e` at `now`, and what happened.
 *
 * - vote: only a holder of an approver role, for that role; a NO-GO needs a reason; a new vote replaces the
 *   role's old one until the decision. A vote is bound to the session's binding when cast.
 * - tick-item: only a holder of the role the item names; the bot's items cannot be ticked; not ok needs a note.
 * - rebind: the new binding makes every earlier vote stale; auto items take the refreshed values, role ticks stay.
 *   A refresh for an item that is not an auto item throws (a caller's mistake, not a person's).
 * - confirm-go: the IC, and only with nothing blocking (`blockingReasons` empty).
 * - close-no-go: the IC, with a reason, at any moment while the session is open: NO-GO is the safe direction
 *   and the IC is the single decision-maker, so stopping never waits for the timebox. The decision records
 *   what blocked a GO at that moment (nothing, when the IC stopped a release that could have gone).
 * - extend: the IC, once, before the deadline; the deadline moves by one more timebox.
 * - clock: the reminder once it is due (once, to the roles without a current vote), the expiry at the deadline.
 *
 * At or past the deadline, any event on an open session expires it first (the decision is dated at the
 * deadline), so the state does not depend on whether the timer or a late click arrives first.
 */
export function apply(s: GonogoSession, e: GonogoEvent, now: Date, nameOf: NameOf = plainName): Applied {
  if (s.decision) return afterDecision(s, s.decision, e, nameOf);
  if (now.getTime() >= Date.parse(s.deadline)) return expire(s, e);
  const at = now.toISOString();
  switch (e.type) {
    case 'vote':
      return vote(s, e, at, nameOf);
    case 'tick-item':
      return tick(s, e, at, nameOf);
    case 'rebind': {
      const items = refreshItems(s.items, e.refreshedItems, at);
      if (sameBinding(s.binding, e.binding) && items.every((item, i) => item === s.items[i])) {
        return unchanged(s, 'The session is already bound to this commit and evidence.');
      }
      return changed({ ...s, binding: e.binding, items });
    }
    case 'confirm-go': {
      if (!holds(s.rules, IC_ROLE, e.user)) return refused(s, onlyHolders(s.rules, IC_ROLE, 'confirm GO', nameOf));
      const blockers = blockingReasons(s);
      if (blockers.length > 0) return refused(s, `GO cannot be confirmed yet: ${blockers.map((b) => describeBlocker(b, nameOf)).join('; ')}.`);
      return decide(s, { kind: 'go', at, by: e.user, binding: s.binding, blockers: [] });
    }
    case 'close-no-go': {
      if (!holds(s.rules, IC_ROLE, e.user)) return refused(s, onlyHolders(s.rules, IC_ROLE, 'close the GO/NO-GO as NO-GO', nameOf));
      const reason = e.reason.trim();
      if (!reason) return refused(s, 'Closing as NO-GO needs a reason.');
      return decide(s, { kind: 'no-go', at, by: e.user, reason, binding: s.binding, blockers: blockingReasons(s) });
    }
    case 'extend': {
      if (!holds(s.rules, IC_ROLE, e.user)) return refused(s, onlyHolders(s.rules, IC_ROLE, 'extend the GO/NO-GO', nameOf));
      if (s.extended) return refused(s, 'The GO/NO-GO was already extended once; it cannot be extended again.');
      return changed({ ...s, extended: true, deadline: new Date(Date.parse(s.deadline) + s.rules.timeboxMs).toISOString() });
    }
    case 'clock': {
      const missingRoles = missingVoters(s);
      if (s.reminded || now.getTime() < reminderDueAt(s).getTime()) return unchanged(s, 'Nothing is due yet.');
      if (missingRoles.length === 0) return unchanged(s, 'No reminder needed: every approver has a current vote.');
      const users = [...new Set(missingRoles.flatMap((r) => holdersOf(s.rules, r)))];
      return { session: { ...s, reminded: true }, outcome: { kind: 'reminder', missingRoles, users } };
    }
  }
}

function vote(s: GonogoSession, e: Extract<GonogoEvent, { type: 'vote' }>, at: string, nameOf: NameOf): Applied {
  if (!s.rules.approvers.includes(e.role)) {
    return refused(s, `${capitalize(roleLabel(e.role))} is not one of the GO/NO-GO approvers (${s.rules.approvers.map(roleLabel).join(', ')}).`);
  }
  if (!holds(s.rules, e.role, e.user)) return refused(s, onlyHolders(s.rules, e.role, `vote for ${roleLabel(e.role)}`, nameOf));
  const reason = e.reason?.trim() || undefined;
  if (e.choice === 'nogo' && !reason) return refused(s, 'A NO-GO needs a reason.');
  const word = e.choice === 'go' ? 'GO' : 'NO-GO';
  const prev = currentVote(s, e.role);
  if (prev && prev.user === e.user && prev.choice === e.choice && prev.reason === reason) {
    return unchanged(s, `Your ${word} for ${roleLabel(e.role)} is already counted.`);
  }
  const v: Vote = { role: e.role, user: e.user, choice: e.choice, ...(reason ? { reason } : {}), at, binding: s.binding };
  return changed({ ...s, votes: { ...s.votes, [e.role]: v } });
}

function tick(s: GonogoSession, e: Extract<GonogoEvent, { type: 'tick-item' }>, at: string, nameOf: NameOf): Applied {
  const item = s.items.find((i) => i.id === e.itemId);
  if (!item) return refused(s, `There is no item "${e.itemId}" in this GO/NO-GO.`);
  if (item.source === 'auto') return refused(s, `"${item.title}" is filled in by the bot from the evidence (${item.from.join(', ')}); it cannot be ticked by hand.`);
  if (!holds(s.rules, item.role, e.user)) return refused(s, onlyHolders(s.rules, item.role, `tick "${item.title}"`, nameOf));
  const note = e.note?.trim() || undefined;
  if (!e.ok && !note) return refused(s, `Marking "${item.title}" as not ok needs a note.`);
  const state = e.ok ? 'ok' : 'failed';
  const detail = note ?? 'confirmed';
  if (item.state === state && item.by === e.user && item.detail === detail) return unchanged(s, `"${item.title}" is already ${state}.`);
  const next: ChecklistItem = { ...item, state, detail, by: e.user, at };
  return changed({ ...s, items: s.items.map((i) => (i.id === item.id ? next : i)) });
}

/** Past the deadline, whatever arrives closes the session as expired first; a person's action is not recorded. */
function expire(s: GonogoSession, e: GonogoEvent): Applied {
  const decision: Decision = { kind: 'expired', at: s.deadline, binding: s.binding, blockers: blockingReasons(s) };
  const byPerson = e.type !== 'clock' && e.type !== 'rebind';
  const session: GonogoSession = { ...s, decision, status: 'expired' };
  return {
    session,
    outcome: byPerson
      ? { kind: 'decided', decision, dropped: `The GO/NO-GO for ${s.version} ran out of time before this arrived: it closed as NO-GO (expired), and nothing was recorded.` }
      : { kind: 'decided', decision },
  };
}

function afterDecision(s: GonogoSession, d: Decision, e: GonogoEvent, nameOf: NameOf): Applied {
  const already = `The GO/NO-GO for ${s.version} is already decided: ${decisionText(d, nameOf)}.`;
  switch (e.type) {
    case 'clock':
    case 'rebind':
      return unchanged(s, already);
    case 'confirm-go':
      return d.kind === 'go' && d.by === e.user ? unchanged(s, already) : refused(s, already);
    case 'close-no-go':
      return d.kind === 'no-go' && d.by === e.user && d.reason === e.reason.trim() ? unchanged(s, already) : refused(s, already);
    default:
      return refused(s, already);
  }
}

function decisionText(d: Decision, nameOf: NameOf): string {
  switch (d.kind) {
    case 'go':
      return `GO, confirmed by ${nameOf(d.by ?? '')}`;
    case 'no-go':
      return `NO-GO, closed by ${nameOf(d.by ?? '')}: ${d.reason ?? ''}`;
    case 'expired':
      return 'NO-GO (expired), the timebox ran out without a decision';
  }
}

const changed = (session: GonogoSession): Applied => ({ session: { ...session, status: statusOf(session) }, outcome: { kind: 'changed' } });
const decide = (s: GonogoSession, decision: Decision): Applied => ({ session: { ...s, decision, status: decision.kind }, outcome: { kind: 'decided', decision } });
const unchanged = (session: GonogoSession, why: string): Applied => ({ session, outcome: { kind: 'unchanged', why } });
const refused = (session: GonogoSession, why: string): Applied => ({ session, outcome: { kind: 'refused', why } });
