import { describeBlocker } from '../../domain/gonogo/rules.ts';
import { roleLabel } from '../../domain/gonogo/roles.ts';
import type { GonogoSession, NameOf } from '../../domain/gonogo/types.ts';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The decision as a human-readable evidence file: what it was bound to, every item, every vote, and why. */
export function decisionEvidence(id: number, s: GonogoSession, nameOf: NameOf): string {
  const d = s.decision!;
  return [
    `Session ${id} · opened ${s.openedAt} · deadline ${s.deadline}${s.extended ? ' (extended once)' : ''}`,
    '',
    `Decision: **${d.kind.toUpperCase()}** at ${d.at}${d.by ? ` by ${nameOf(d.by)} (${d.by})` : ''}${d.reason ? ` — ${d.reason}` : ''}`,
    '',
    `Bound to commit ${s.binding.commit}, preflight evidence sha256 ${s.binding.preflightHash}${s.binding.redteamHash ? `, red team ${s.binding.redteamHash}` : ''}`,
    '',
    '## Items',
    '| item | state | detail | by | at |',
    '| --- | --- | --- | --- | --- |',
    ...s.items.map((i) => `| ${cell(i.title)} | ${i.state} | ${cell(i.detail)} | ${i.by ? nameOf(i.by) : i.source === 'auto' ? 'the bot' : '-'} | ${i.at ?? '-'} |`),
    '',
    '## Votes',
    '| role | choice | by | at | reason | bound to |',
    '| --- | --- | --- | --- | --- | --- |',
    ...s.rules.approvers.map((role) => {
      const v = s.votes[role];
      if (!v) return `| ${roleLabel(role)} | none | - | - | - | - |`;
      return `| ${roleLabel(role)} | ${v.choice === 'go' ? 'GO' : 'NO-GO'} | ${nameOf(v.user)} (${v.user}) | ${v.at} | ${cell(v.reason ?? '')} | ${v.binding.commit} / ${v.binding.preflightHash.slice(0, 16)} |`;
    }),
    '',
    '## What stood in the way of GO',
    ...(d.blockers.length ? d.blockers.map((b) => `- ${describeBlocker(b, nameOf)}`) : ['- nothing']),
    '',
  ].join('\n');
}
