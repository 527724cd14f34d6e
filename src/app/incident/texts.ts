/** What an incident writes in its thread and in the incidents channel, besides its card. */
import { formatDurationShort } from '../../domain/canary/format.ts';
import { originText } from '../../domain/incident/report.ts';
import type { ActionItem, IncidentState, NameOf, Origin, TimelineEntry } from '../../domain/incident/state.ts';
import type { OnCallRoster } from '../../ports/on-call.ts';
import { mentions } from '../first-night/texts.ts';

const hhmm = (t: number) => `${new Date(t).toISOString().slice(11, 19)} UTC`;

/** A timeline line in the thread: `12:04:09 UTC` · who · what. */
export const timelineText = (e: TimelineEntry, nameOf: NameOf): string => `\`${hhmm(e.at)}\` ${e.by ? `*${nameOf(e.by)}*: ` : ''}${e.what}`;

/**
 * Timeline entries the effects already say: a page or a reminder with its mentions, the war room once it is open
 * (its delivery announces it in the thread, with who could not be invited).
 */
const SAID_BY_EFFECTS: ReadonlySet<TimelineEntry['kind']> = new Set(['paged', 'escalated', 'status-page-reminder', 'post-mortem-reminder', 'war-room']);
export const postedAsIs = (e: TimelineEntry) => !SAID_BY_EFFECTS.has(e.kind);

export const withMentions = (users: readonly string[], text: string) => `${mentions(users)} ${text}`;

/** The first post in the thread: how it opened, with the facts an automatic incident arrives with. */
export function openedText(s: IncidentState, nameOf: NameOf, evidence: readonly string[]): string {
  const lines = [`*${s.id}* (${s.severity}${s.version ? `, ${s.version}` : ''}) ${originText(s.origin, nameOf).replace(/\.$/, '')}.`, `> ${s.summary}`];
  lines.push(...originFacts(s.origin));
  if (evidence.length > 0) lines.push(`Evidence: ${evidence.map((p) => `\`${p}\``).join(', ')}`);
  return lines.join('\n');
}

function originFacts(o: Origin): string[] {
  if (o.kind === 'person') return [];
  if (o.kind === 'first-night-breach') return [];
  const lines: string[] = [];
  if (o.trigger) {
    const values = o.trigger.values.map((c) => `${c.latest === null ? 'no data' : c.latest} (${c.comparison} ${c.threshold}; worst ${c.worst ?? 'no data'})`).join('; ');
    lines.push(`Trigger *${o.trigger.id}* (${o.trigger.description}) held ${Math.round(o.trigger.heldMs / 1000)} s of ${Math.round(o.trigger.forMs / 1000)} s: ${values}`);
  }
  if (o.canaryTimeline.length > 0) {
    lines.push('*Canary timeline* (Time | Stage | Metrics | Decision)');
    for (const m of o.canaryTimeline) lines.push(`\`${m.at.slice(11, 19)}\` | ${m.stage} · ${m.weight} % | ${m.metrics || '—'} | ${m.decision}`);
  }
  return lines;
}

/** Who PagerDuty says is on call, and the Slack person of that name when the config knows them. */
export function onCallText(roster: OnCallRoster, slackOf: (name: string) => string | undefined): string {
  const policy = roster.escalationPolicy.name ?? roster.escalationPolicy.id;
  if (roster.level1.length === 0) return `⚠️ PagerDuty has *nobody on call* at level 1 of ${policy} now: page someone by hand.`;
  const who = roster.level1.map((u) => {
    const slack = slackOf(u.name);
    return slack ? `<@${slack}> (${u.name})` : `${u.name}${u.email ? ` <${u.email}>` : ''}`;
  });
  return `📟 On call now in PagerDuty (${policy}, level 1): ${who.join(', ')}.`;
}

export function pagingFailedText(id: string, afterMs: number, error: string | null, oncall: readonly string[]): string {
  return `<!here> ⚠️ *Paging failed for ${id}*: PagerDuty has not accepted its page for ${formatDurationShort(afterMs)}${error ? ` (${error})` : ''}. The bot keeps retrying; until then call the on-call engineer directly${oncall.length > 0 ? `: ${mentions(oncall)}` : ''}.`;
}

export function actionListText(s: IncidentState, nameOf: NameOf): string {
  if (s.actions.length === 0) return `${s.id} has no action items. Add one with \`/spark action add ${s.id} <what is to be done> [@owner]\`.`;
  const line = (a: ActionItem) => `${a.done ? '☑️' : '⬜'} *${a.id}* ${a.text}${a.owner ? ` (${nameOf(a.owner)})` : ''}${a.done ? ` — done by ${nameOf(a.done.by)}` : ''}`;
  const open = s.actions.filter((a) => !a.done).length;
  return [`*${s.id}* action items (${open} open):`, ...s.actions.map(line)].join('\n');
}
