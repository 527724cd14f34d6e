import { describeBlocker, staleVote, currentVote } from '../../domain/gonogo/rules.ts';
import { capitalize, roleLabel } from '../../domain/gonogo/roles.ts';
import type { GonogoSession, ItemState, NameOf } from '../../domain/gonogo/types.ts';
import type { Block, Card } from '../card.ts';
import { ACTION } from '../ids.ts';

const ITEM: Record<ItemState, string> = { ok: '✅', missing: '⬜', failed: '❌', unknown: '❔' };

const hhmm = (iso: string) => `${iso.slice(11, 16)} UTC`;

const STATUS: Record<GonogoSession['status'], string> = {
  open: '🗳 *Open*: collecting votes',
  'ready-to-confirm': '🟢 *Ready*: every item and every approver says GO — the IC confirms',
  'standing-no-go': '🛑 *NO-GO stands*: GO cannot be confirmed while it does',
  go: '✅ *GO*: confirmed by the IC',
  'no-go': '⛔ *NO-GO*: closed by the IC',
  expired: '⌛ *NO-GO (expired)*: the timebox ran out without a decision',
};

/** The red team's latest run for the version, as the card shows it beside the items. */
export interface RedteamLine {
  runId: number;
  verdict: string;
  counts: Record<string, number>;
}

function redteamText(r: RedteamLine | undefined, version: string): string {
  if (!r) return `*Red team*: not run yet (\`/spark redteam ${version}\`)`;
  const c = r.counts;
  return `*Red team* (run ${r.runId}): ${r.verdict.replace(/-/g, ' ')} — ${c.pass ?? 0} pass · ${c.warn ?? 0} warn · ${c.fail ?? 0} fail · ${c.skipped ?? 0} skipped · ${c.open ?? 0} open`;
}

/** The decision card in #spark-deploys, updated in place after every vote, tick and decision. */
export function gonogoCard(id: number, s: GonogoSession, nameOf: NameOf, redteam?: RedteamLine): Card {
  const v = (what: string) => `${id}:${what}`;
  const open = !s.decision;
  const okCount = s.items.filter((i) => i.state === 'ok').length;
  const items = s.items
    .map((i) => {
      const by = i.by ? ` — ${nameOf(i.by)}, ${hhmm(i.at ?? s.openedAt)}` : '';
      const who = i.source === 'role' && i.state === 'missing' ? ` _(${roleLabel(i.role)} ticks it)_` : '';
      return `${ITEM[i.state]} ${i.title}: ${i.detail}${who}${by}`;
    })
    .join('\n');
  const blocks: Block[] = [
    { type: 'header', text: `GO / NO-GO ${s.version}` },
    { type: 'text', text: `${STATUS[s.status]}\nBound to commit \`${s.binding.commit.slice(0, 12)}\` and preflight evidence \`${s.binding.preflightHash.slice(0, 12)}\`` },
    { type: 'text', text: `*Items ${okCount}/${s.items.length}*\n${items}` },
    { type: 'text', text: redteamText(redteam, s.version) },
  ];
  const tickable = s.items.filter((i) => i.source === 'role');
  if (open && tickable.length) {
    blocks.push({
      type: 'buttons',
      buttons: tickable.flatMap((i) => [
        { actionId: ACTION.gonogoTick, label: `✓ ${i.title}`, value: v(i.id) },
        { actionId: ACTION.gonogoUntick, label: `✗ ${i.title}`, value: v(i.id) },
      ]),
    });
  }
  for (const role of s.rules.approvers) {
    const vote = currentVote(s, role);
    const stale = staleVote(s, role);
    const said = vote
      ? `${vote.choice === 'go' ? '✅ GO' : '🛑 NO-GO'} — ${nameOf(vote.user)}, ${hhmm(vote.at)}${vote.reason ? `: ${vote.reason}` : ''}`
      : stale
        ? `♻️ stale (${stale.choice === 'go' ? 'GO' : 'NO-GO'} by ${nameOf(stale.user)} before the new evidence): vote again`
        : '⬜ not voted';
    blocks.push({ type: 'text', text: `*${capitalize(roleLabel(role))}*: ${said}` });
    if (open) {
      blocks.push({
        type: 'buttons',
        buttons: [
          { actionId: ACTION.gonogoGo, label: 'GO', value: v(role), style: 'primary' },
          { actionId: ACTION.gonogoNoGo, label: 'NO-GO', value: v(role), style: 'danger' },
        ],
      });
    }
  }
  if (s.decision) {
    const d = s.decision;
    const why = d.blockers.length ? `\n${d.blockers.map((b) => `• ${describeBlocker(b, nameOf)}`).join('\n')}` : '';
    blocks.push({ type: 'text', text: `*Decision* ${hhmm(d.at)}${d.by ? ` by ${nameOf(d.by)}` : ''}${d.reason ? `: ${d.reason}` : ''}${why}` });
  } else {
    blocks.push({
      type: 'buttons',
      buttons: [
        { actionId: ACTION.gonogoConfirm, label: 'Confirm GO (IC)', value: v('confirm'), style: 'primary' },
        { actionId: ACTION.gonogoClose, label: 'Close as NO-GO (IC)', value: v('close'), style: 'danger' },
        ...(s.extended ? [] : [{ actionId: ACTION.gonogoExtend, label: 'Extend once (IC)', value: v('extend') }]),
      ],
    });
  }
  blocks.push({ type: 'context', text: open ? `Closes at ${hhmm(s.deadline)} unless decided${s.extended ? ' (extended once)' : ''}` : `Session ${id}` });
  const verdict = s.status === 'go' ? 'GO' : s.status === 'no-go' || s.status === 'expired' ? 'NO-GO' : s.status.replace(/-/g, ' ');
  return { text: `GO / NO-GO ${s.version}: ${verdict} (items ${okCount}/${s.items.length})`, blocks };
}
