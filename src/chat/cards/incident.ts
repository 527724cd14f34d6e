import { formatDurationShort } from '../../domain/canary/format.ts';
import type { GatedAction } from '../../domain/incident/permissions.ts';
import type { IncidentStatus, NameOf } from '../../domain/incident/state.ts';
import type { IncidentView, LevelView } from '../../domain/incident/view.ts';
import type { Block, Button, Card } from '../card.ts';

/** The incident card's buttons, by what they do. */
export const INCIDENT_ACTION: Readonly<Record<GatedAction, string>> = {
  acknowledge: 'incident.acknowledge',
  'escalate-now': 'incident.escalate',
  'take-command': 'incident.command',
  mitigated: 'incident.mitigated',
  resolve: 'incident.resolve',
  'status-page-updated': 'incident.status-page',
  'done-action': 'incident.action-done',
  'post-mortem-done': 'incident.post-mortem-done',
};

/** "Declare incident" on the release card opens the form that opens an incident (summary, severity, version). */
export const INCIDENT_DECLARE = 'incident.declare';
export const INCIDENT_FORM_DECLARE = 'incident.declare';

/** Escalate now names the level it was pressed at (`escalate@L1`), so a double press escalates once. */
const escalateWhat = (level: string) => `escalate@${level}`;
export const levelOfEscalate = (what: string): string | undefined => /^escalate@(L\d+)$/.exec(what)?.[1];

const STATUS: Record<IncidentStatus, string> = {
  open: '🔴 *Open: not acknowledged*',
  acknowledged: '🟠 *Acknowledged*',
  mitigated: '🟡 *Mitigated*',
  resolved: '✅ *Resolved*',
};

const LABEL: Record<GatedAction, string> = {
  acknowledge: 'Acknowledge',
  'escalate-now': 'Escalate now',
  'take-command': 'Take command',
  mitigated: 'Mitigated',
  resolve: 'Resolve',
  'status-page-updated': 'Status page updated',
  'done-action': 'Done',
  'post-mortem-done': 'Post-mortem done',
};

const hhmm = (t: number) => `${new Date(t).toISOString().slice(11, 16)} UTC`;

function levelLine(l: LevelView): string {
  const mark = { reached: '✅', next: '⏳', pending: '⬜', stopped: '⏹' }[l.state];
  const when = l.reachedAt !== undefined ? `reached ${hhmm(l.reachedAt)}` : l.state === 'stopped' ? 'not needed' : `due ${hhmm(l.dueAt)}`;
  return `${mark} ${l.level} (+${formatDurationShort(l.afterMs)}) ${when}`;
}

function buttonOf(seq: number, v: IncidentView, action: GatedAction): Button {
  const what = action === 'escalate-now' ? escalateWhat(v.level) : action;
  const button: Button = { actionId: INCIDENT_ACTION[action], label: LABEL[action], value: `${seq}:${what}` };
  if (action === 'acknowledge' || action === 'mitigated') return { ...button, style: 'primary' };
  if (action === 'escalate-now') {
    return { ...button, style: 'danger', confirm: { title: 'Escalate now?', text: `Pages the next level of ${v.id} at once.`, yes: 'Escalate', no: 'Cancel' } };
  }
  if (action === 'resolve') return { ...button, confirm: { title: `Resolve ${v.id}?`, text: 'Resolves the page and drafts the report; the post-mortem is due after it.', yes: 'Resolve', no: 'Cancel' } };
  return button;
}

/** The one card of an incident in the incidents channel, edited in place; the timeline goes in its thread. */
export function incidentCard(seq: number, v: IncidentView, nameOf: NameOf): Card {
  const timers = [
    v.timers.nextEscalation ? `next: ${v.timers.nextEscalation.level} at ${hhmm(v.timers.nextEscalation.at)}` : undefined,
    v.timers.repageAt !== undefined ? `re-page at ${hhmm(v.timers.repageAt)}` : undefined,
    v.timers.statusPageReminderAt !== undefined ? `status page reminder at ${hhmm(v.timers.statusPageReminderAt)}` : undefined,
    v.timers.postMortemDueAt !== undefined ? `post-mortem due ${new Date(v.timers.postMortemDueAt).toISOString().slice(0, 16).replace('T', ' ')} UTC` : undefined,
  ].filter((x): x is string => x !== undefined);
  const blocks: Block[] = [
    { type: 'header', text: `${v.id} · ${v.severity} · ${v.summary}`.slice(0, 150) },
    { type: 'text', text: `${STATUS[v.status]}: ${v.headline}` },
    {
      type: 'fields',
      fields: [
        `*Severity*\n${v.severity} (pages as ${v.pageSeverity})`,
        `*Level*\n${v.level}`,
        `*Commander*\n${v.commander ? `<@${v.commander.user}>` : 'nobody yet'}`,
        `*Version*\n${v.version ?? 'not linked to a release'}`,
        `*Opened*\n${hhmm(v.openedAt)} · ${formatDurationShort(v.elapsedMs)} ${v.resolved ? 'to resolve' : 'ago'}`,
        `*Status page*\n${v.statusPage.updated ? `updated by ${nameOf(v.statusPage.firstUpdated?.by ?? '')}` : `not updated (${v.statusPage.reminders} reminder${v.statusPage.reminders === 1 ? '' : 's'})`}`,
      ],
    },
    { type: 'text', text: v.levels.map(levelLine).join('\n') },
  ];
  if (timers.length > 0) blocks.push({ type: 'context', text: `⏱ ${timers.join(' · ')}` });
  if (v.warRoom) blocks.push({ type: 'context', text: `War room: #${v.warRoom}` });
  if (v.blocksCanary) blocks.push({ type: 'context', text: `🚫 No canary starts until ${v.id} is resolved (an emergency rollback stays allowed).` });
  const open = v.actions.open.length;
  if (v.actions.open.length + v.actions.done.length > 0) {
    blocks.push({ type: 'context', text: `Action items: ${open} open, ${v.actions.done.length} done · \`/spark action list ${v.id}\`` });
  }
  const buttons = v.buttons.map((b) => buttonOf(seq, v, b));
  if (buttons.length > 0) blocks.push({ type: 'buttons', buttons });
  return { text: `${v.id} (${v.severity}, ${v.status}): ${v.summary}`.slice(0, 3000), blocks };
}
