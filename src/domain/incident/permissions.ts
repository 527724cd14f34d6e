/**
 * Who may press which incident button, in one table (RITUAL §1: only a role holder may press that role's
 * buttons; a refused press gets a reason).
 *
 * A "who" is a config role (`ic`, `devopsLead`, `onCall`, …) or one of three incident-relative holders:
 * - `paged`: anyone this incident has paged so far (every level reached),
 * - `commander`: whoever took command,
 * - `owner`: an action item's owner.
 *
 * The choices:
 * - acknowledge: anyone paged, the commander, or the IC. Acknowledging means "I am on it".
 * - escalate-now: anyone paged, the commander, or a holder of a command role (IC, DevOps Lead, on-call):
 *   more people is the safe direction, so the people who could lead may always ask for it.
 * - take-command: the IC, the DevOps Lead or the on-call engineer; taking command from someone else is a
 *   hand-over, written in the timeline.
 * - mitigated, resolve: the commander or the IC. They stop the escalation clock and close the pages, so
 *   they belong to the person leading; the on-call takes command first (one press).
 * - status-page-updated: anyone paged, the commander, or the IC.
 * - done-action: the item's owner, the commander, or the IC.
 * - post-mortem-done: the commander or the IC.
 * - add-action and note: anyone (the app decides who can reach the channel).
 */
import { roleLabel } from '../gonogo/roles.ts';
import type { IncidentState, NameOf } from './state.ts';

/** `paged`, `commander`, `owner`, or a config role name. */
export type Who = 'paged' | 'commander' | 'owner' | (string & {});

export type GatedAction = 'acknowledge' | 'escalate-now' | 'take-command' | 'mitigated' | 'resolve' | 'status-page-updated' | 'done-action' | 'post-mortem-done';

export const WHO_MAY: Readonly<Record<GatedAction, readonly Who[]>> = {
  acknowledge: ['paged', 'commander', 'ic'],
  'escalate-now': ['paged', 'commander', 'ic', 'devopsLead', 'onCall'],
  'take-command': ['ic', 'devopsLead', 'onCall'],
  mitigated: ['commander', 'ic'],
  resolve: ['commander', 'ic'],
  'status-page-updated': ['paged', 'commander', 'ic'],
  'done-action': ['owner', 'commander', 'ic'],
  'post-mortem-done': ['commander', 'ic'],
};

/** The users a "who" stands for on this incident (`owner`: the given action item's owner). */
export function holdersOfWho(s: IncidentState, who: Who, owner?: string): string[] {
  switch (who) {
    case 'paged':
      return s.paged;
    case 'commander':
      return s.commander ? [s.commander.user] : [];
    case 'owner':
      return owner ? [owner] : [];
    default:
      return s.rules.holders[who] ?? [];
  }
}

export function may(s: IncidentState, action: GatedAction, user: string, owner?: string): boolean {
  return WHO_MAY[action].some((who) => holdersOfWho(s, who, owner).includes(user));
}

function whoText(s: IncidentState, who: Who, nameOf: NameOf, owner?: string): string | undefined {
  const users = holdersOfWho(s, who, owner);
  if (users.length === 0) return undefined;
  const names = users.map(nameOf).join(', ');
  switch (who) {
    case 'paged':
      return `someone paged for it (${names})`;
    case 'commander':
      return `the incident commander (${names})`;
    case 'owner':
      return `its owner (${names})`;
    default:
      return `${roleLabel(who)} (${names})`;
  }
}

/** "Only the incident commander (Mehmet Demir) or the IC (Ayşe Kaya) can resolve INC-42." */
export function onlyWho(s: IncidentState, action: GatedAction, doing: string, nameOf: NameOf, owner?: string): string {
  const parts = WHO_MAY[action].flatMap((who) => whoText(s, who, nameOf, owner) ?? []);
  const noCommander = WHO_MAY[action].includes('commander') && !s.commander ? ' Nobody has taken command yet.' : '';
  if (parts.length === 0) return `Nobody on ${s.id} can ${doing}: the roles for it have no holders in the config.${noCommander}`;
  return `Only ${parts.join(' or ')} can ${doing}.${noCommander}`;
}
