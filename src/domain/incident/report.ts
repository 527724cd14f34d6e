/**
 * The texts an incident hands out whole: the report's draft (from the timeline, at the resolve) and the
 * war-room protocol pinned in the war room's channel. Plain data and plain text; `chat/` renders them.
 */
import { formatDurationShort } from '../canary/format.ts';
import type { IncidentReport, IncidentState, NameOf, Origin } from './state.ts';

/** The report's draft for a resolved incident. Throws for one that is not resolved (a caller's mistake). */
export function reportOf(s: IncidentState): IncidentReport {
  const resolved = s.resolved;
  const pm = s.postMortem;
  if (!resolved || !pm) throw new Error(`incident: ${s.id} is not resolved, so it has no report yet`);
  return {
    id: s.id,
    summary: s.summary,
    severity: s.severity,
    ...(s.version !== undefined ? { version: s.version } : {}),
    origin: s.origin,
    openedAt: s.openedAt,
    ...(s.acknowledged ? { acknowledged: s.acknowledged, timeToAcknowledgeMs: s.acknowledged.at - s.openedAt } : {}),
    ...(s.mitigated ? { mitigated: s.mitigated, timeToMitigateMs: s.mitigated.at - s.openedAt } : {}),
    resolved,
    ...(s.commander ? { commander: s.commander.user } : {}),
    timeToResolveMs: resolved.at - s.openedAt,
    highestLevel: s.rules.levels[s.level]?.level ?? '?',
    levels: s.reached,
    ...(s.warRoom ? { warRoom: s.warRoom.channel } : {}),
    statusPage: { ...(s.statusPage.firstUpdated ? { firstUpdated: s.statusPage.firstUpdated } : {}), reminders: s.statusPage.reminders, updates: s.statusPage.updates },
    timeline: s.timeline,
    actions: s.actions,
    postMortemDueAt: pm.dueAt,
  };
}

const iso = (t: number): string => new Date(t).toISOString();
const plus = (from: number, t: number): string => `+${formatDurationShort(t - from)}`;

export function originText(o: Origin, nameOf: NameOf): string {
  switch (o.kind) {
    case 'person':
      return `opened by ${nameOf(o.by)}`;
    case 'auto-rollback':
      return `opened automatically: ${o.version} was rolled back from stage ${o.stage} (${o.weight} %): ${o.reason}`;
    case 'first-night-breach':
      return `opened automatically: the first-night snapshot of ${o.version} at +${formatDurationShort(o.offsetMs)} breached ${o.checks
        .map((c) => `${c.name}${c.value === undefined ? ` (${c.why ?? 'no data'})` : ` ${c.value}${c.unit} (must be ${c.comparison} ${c.threshold}${c.unit})`}`)
        .join(', ')}`;
  }
}

/** The report's draft as Markdown, for a file shared in the incident's thread. */
export function reportMarkdown(r: IncidentReport, nameOf: NameOf = (id) => id): string {
  const lines: string[] = [
    `# Incident report (draft): ${r.id} — ${r.summary}`,
    '',
    `- Severity: ${r.severity}${r.version ? ` · version ${r.version}` : ''}`,
    `- Origin: ${originText(r.origin, nameOf)}`,
    `- Opened: ${iso(r.openedAt)}`,
    `- Acknowledged: ${r.acknowledged ? `${plus(r.openedAt, r.acknowledged.at)} by ${nameOf(r.acknowledged.by)}` : 'never'}`,
    `- Mitigated: ${r.mitigated ? `${plus(r.openedAt, r.mitigated.at)} by ${nameOf(r.mitigated.by)}${r.mitigated.note ? ` — ${r.mitigated.note}` : ''}` : 'not marked'}`,
    `- Resolved: ${plus(r.openedAt, r.resolved.at)} by ${nameOf(r.resolved.by)}${r.resolved.note ? ` — ${r.resolved.note}` : ''}`,
    `- Commander: ${r.commander ? nameOf(r.commander) : 'nobody took command'}`,
    `- Escalation: reached ${r.highestLevel}${r.warRoom ? ` · war room ${r.warRoom}` : ''}`,
    `- Status page: ${r.statusPage.firstUpdated ? `first updated ${plus(r.openedAt, r.statusPage.firstUpdated.at)} by ${nameOf(r.statusPage.firstUpdated.by)}` : 'never updated'} (${r.statusPage.reminders} reminder${r.statusPage.reminders === 1 ? '' : 's'})`,
    `- Post-mortem due: ${iso(r.postMortemDueAt)}`,
    '',
    '## Timeline',
    '',
    '| Time | Who | What |',
    '| --- | --- | --- |',
    ...r.timeline.map((e) => `| ${iso(e.at)} (${plus(r.openedAt, e.at)}) | ${e.by ? nameOf(e.by) : 'Spark'} | ${e.what.replaceAll('|', '\\|')} |`),
  ];
  if (r.origin.kind === 'auto-rollback' && r.origin.canaryTimeline.length > 0) {
    lines.push('', '## Canary minutes', '', '| Time | Stage | Metrics | Decision |', '| --- | --- | --- | --- |');
    for (const m of r.origin.canaryTimeline) lines.push(`| ${m.at} | ${m.stage} (${m.weight} %) | ${m.metrics} | ${m.decision.replaceAll('|', '\\|')} |`);
  }
  lines.push('', '## Action items', '');
  if (r.actions.length === 0) lines.push('None yet.');
  for (const a of r.actions) lines.push(`- [${a.done ? 'x' : ' '}] ${a.id}: ${a.text}${a.owner ? ` (${nameOf(a.owner)})` : ''}`);
  return `${lines.join('\n')}\n`;
}

/** The protocol pinned in the war room. */
export function warRoomProtocol(s: IncidentState, nameOf: NameOf): string[] {
  return [
    `War room for ${s.id} (${s.severity}): ${s.summary}`,
    `1. One decision-maker: the incident commander${s.commander ? ` (${nameOf(s.commander.user)})` : ' — nobody yet: the IC takes command with "Take command"'}. Everyone else proposes.`,
    '2. Say what you are about to do before you do it, and what happened after. No deploy, rollback or flag change without the commander.',
    `3. The status page is updated within ${formatDurationShort(s.rules.statusPageReminderMs)} and after every change of impact; press "Status page updated".`,
    '4. This channel is the timeline: facts and decisions here, side conversations in threads.',
    `5. "Mitigated" when the impact stops; "Resolve" when it is over. The post-mortem is due ${formatDurationShort(s.rules.postMortemDueMs)} after the resolve.`,
  ];
}

/** A channel name Slack accepts (lowercase letters, digits, `-`, `_`; at most 80): `war-inc-42`. */
export function warRoomChannel(id: string): string {
  const slug = id.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  return `war-${slug || 'incident'}`.slice(0, 80);
}
