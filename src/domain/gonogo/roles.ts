/** Who holds a role, and how a role is named in a sentence. */
import type { GonogoRules, NameOf } from './types.ts';

const LABELS: Record<string, string> = {
  ic: 'the IC',
  devopsLead: 'the DevOps Lead',
  cto: 'the CTO',
  productOwner: 'the Product Owner',
  securityTeam: 'the Security Team',
  redTeamLead: 'the Red Team Lead',
  onCall: 'the on-call engineer',
};

/** `cto` → "the CTO"; a role the ritual does not know keeps its config name: "the qaLead". */
export const roleLabel = (role: string): string => LABELS[role] ?? `the ${role}`;

export const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

export const holdersOf = (rules: GonogoRules, role: string): string[] => rules.holders[role] ?? [];

export const holds = (rules: GonogoRules, role: string, user: string): boolean => holdersOf(rules, role).includes(user);

/** "Only the CTO (Zeynep Arslan) can vote for the CTO." */
export function onlyHolders(rules: GonogoRules, role: string, action: string, nameOf: NameOf): string {
  const names = holdersOf(rules, role).map(nameOf);
  if (names.length === 0) return `Nobody holds ${roleLabel(role)} role in the config, so nobody can ${action}.`;
  return `Only ${roleLabel(role)} (${names.join(' or ')}) can ${action}.`;
}
