/** What a session's state means: its status, what blocks a GO, who still has to vote, when the next timer is due. */
import { roleLabel } from './roles.ts';
import type { Binding, Blocker, GonogoSession, GonogoStatus, NameOf, Vote } from './types.ts';

export const sameBinding = (a: Binding, b: Binding): boolean =>
  a.commit === b.commit && a.preflightHash === b.preflightHash && a.redteamHash === b.redteamHash;

/** The role's vote if it was cast under the session's current binding; a stale vote does not count. */
export function currentVote(s: GonogoSession, role: string): Vote | undefined {
  const v = s.votes[role];
  return v && sameBinding(v.binding, s.binding) ? v : undefined;
}

/** The role's vote if it was cast under an earlier binding: shown as stale, must be cast again. */
export function staleVote(s: GonogoSession, role: string): Vote | undefined {
  const v = s.votes[role];
  return v && !sameBinding(v.binding, s.binding) ? v : undefined;
}

/** Approver roles without a current vote (never voted, or their vote is stale), in the card's order. */
export const missingVoters = (s: GonogoSession): string[] => s.rules.approvers.filter((r) => !currentVote(s, r));

/**
 * Everything that stands in the way of a GO, most serious first: current NO-GOs with their reasons, items
 * not ok, roles without a current vote. Empty means the IC may confirm GO.
 */
export function blockingReasons(s: GonogoSession): Blocker[] {
  const nogos: Blocker[] = [];
  const novotes: Blocker[] = [];
  for (const role of s.rules.approvers) {
    const v = currentVote(s, role);
    if (v?.choice === 'nogo') nogos.push({ kind: 'nogo', role, user: v.user, reason: v.reason ?? '' });
    else if (!v) {
      const stale = staleVote(s, role);
      novotes.push(stale ? { kind: 'no-vote', role, stale } : { kind: 'no-vote', role });
    }
  }
  const items: Blocker[] = s.items.filter((i) => i.state !== 'ok').map((item) => ({ kind: 'item', item }));
  return [...nogos, ...items, ...novotes];
}

/** One blocker as a sentence fragment: "NO-GO from the CTO (Zeynep Arslan): the sequence fix is not deployed". */
export function describeBlocker(b: Blocker, nameOf: NameOf = (id) => id): string {
  switch (b.kind) {
    case 'nogo':
      return `NO-GO from ${roleLabel(b.role)} (${nameOf(b.user)}): ${b.reason}`;
    case 'no-vote':
      return b.stale ? `${roleLabel(b.role)}'s vote is stale (cast before the new commit or evidence)` : `${roleLabel(b.role)} has not voted`;
    case 'item': {
      const { item } = b;
      if (item.state === 'missing' && item.source === 'role') return `"${item.title}" is not ticked yet (${roleLabel(item.role)} ticks it)`;
      return `"${item.title}" is ${item.state}: ${item.detail}`;
    }
  }
}

export function statusOf(s: GonogoSession): GonogoStatus {
  if (s.decision) return s.decision.kind;
  const blockers = blockingReasons(s);
  if (blockers.some((b) => b.kind === 'nogo')) return 'standing-no-go';
  return blockers.length === 0 ? 'ready-to-confirm' : 'open';
}

export const isDecided = (s: GonogoSession): boolean => s.decision !== undefined;

/** When the one reminder is due: `reminderAt` after opening. */
export const reminderDueAt = (s: GonogoSession): Date => new Date(Date.parse(s.openedAt) + s.rules.reminderAtMs);

/**
 * The next instant the caller's durable timer must apply a `clock` event: the reminder while it is unsent
 * and someone is missing a current vote, otherwise the deadline; nothing once decided. The instant may be in
 * the past (a rebind after the reminder time made votes stale): the timer then fires at once.
 */
export function nextDueAt(s: GonogoSession): Date | undefined {
  if (s.decision) return undefined;
  if (!s.reminded && missingVoters(s).length > 0) return reminderDueAt(s);
  return new Date(s.deadline);
}
