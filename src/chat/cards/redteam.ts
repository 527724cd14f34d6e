import { roleLabel } from '../../domain/gonogo/roles.ts';
import type { NameOf } from '../../domain/gonogo/types.ts';
import { RED_TEAM_LEAD, verdictOf, type ItemOutcome, type RedteamItem, type RedteamRun, type RedteamVerdict } from '../../domain/redteam.ts';
import type { Block, Card } from '../card.ts';

/** The red-team card's buttons; a Fail opens the form that asks for the note. */
export const REDTEAM_ACTION = { pass: 'redteam.pass', fail: 'redteam.fail' } as const;
export const REDTEAM_FORM_FAIL = 'redteam.fail';

const MARK: Record<ItemOutcome, string> = { pass: '✅', warn: '⚠️', fail: '❌', skipped: '⏭', open: '⬜' };

const VERDICT: Record<RedteamVerdict, string> = {
  passed: '✅ *Passed*',
  'passed-with-warnings': '⚠️ *Passed, with warnings*',
  incomplete: '⏭ *Incomplete*: a skipped item is not a pass',
  'in-review': '🔎 *In review*',
  'not-passed': '❌ *Not passed*',
};

const hhmm = (iso: string) => `${iso.slice(11, 16)} UTC`;
const span = (items: RedteamItem[]) => `${items[0]?.number}–${items.at(-1)?.number}`;
// A note from the form may span lines; on the card each item keeps one.
const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ');

function line(i: RedteamItem, nameOf: NameOf): string {
  const head = `${i.number}. *${i.title}*`;
  if (i.outcome === 'open') return i.kind === 'manual' ? `${MARK.open} ${head}` : `⏳ ${head} — running`;
  const note = i.note ? oneLine(i.note) : '';
  if (i.kind === 'automated') return `${MARK[i.outcome]} ${head} — ${i.outcome === 'skipped' ? 'skipped: ' : ''}${note} _(${hhmm(i.at!)})_`;
  return `${MARK[i.outcome]} ${head} — ${nameOf(i.by!)}, ${hhmm(i.at!)}${note ? `: ${note}` : ''}`;
}

/** The red-team card in #spark-deploys, updated in place after every finding and every tick. */
export function redteamCard(runId: number, run: RedteamRun, nameOf: NameOf): Card {
  const { verdict, counts } = verdictOf(run);
  const open = !run.finishedAt;
  const manual = run.items.filter((i) => i.kind === 'manual');
  const automated = run.items.filter((i) => i.kind === 'automated');
  const blocks: Block[] = [
    { type: 'header', text: `Red team ${run.version}` },
    { type: 'context', text: `${span(manual)}: the expensive mistakes, ticked by ${roleLabel(RED_TEAM_LEAD)}` },
  ];
  for (const item of manual) {
    blocks.push({ type: 'text', text: line(item, nameOf) });
    if (open) {
      const value = `${runId}:${item.id}`;
      blocks.push({ type: 'buttons', buttons: [{ actionId: REDTEAM_ACTION.pass, label: 'Pass', value }, { actionId: REDTEAM_ACTION.fail, label: 'Fail', value }] });
    }
  }
  blocks.push({ type: 'context', text: `${span(automated)}: automated attacks, run by the bot` });
  blocks.push({ type: 'text', text: automated.map((i) => line(i, nameOf)).join('\n') });

  const decided = run.items.length - counts.open;
  const tally = `${counts.pass} pass · ${counts.warn} warn · ${counts.fail} fail · ${counts.skipped} skipped · ${counts.open} open`;
  if (run.supersededBy !== undefined) {
    blocks.push({ type: 'text', text: `⛔ *Superseded* by run ${run.supersededBy}: nothing on this card counts any more.` });
  } else {
    blocks.push({ type: 'text', text: `${VERDICT[verdict]} — ${tally}` });
  }
  blocks.push({ type: 'context', text: `Run ${runId} · started by <@${run.startedBy}>${open ? '' : ` · closed ${hhmm(run.finishedAt!)}`}` });
  const state = run.supersededBy !== undefined ? `superseded by run ${run.supersededBy}` : verdict.replace(/-/g, ' ');
  return { text: `Red team ${run.version}: ${state} (${decided} of ${run.items.length} decided)`, blocks };
}
