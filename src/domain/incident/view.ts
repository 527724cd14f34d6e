/**
 * What the incident card shows, as plain data: the renderers in `chat/` turn it into Block Kit or terminal
 * text. Derived from the state at a moment; nothing here is stored.
 */
import { formatDurationShort } from '../canary/format.ts';
import { blocksCanary, isClosed, levelName, nextEscalationAt, nextLevel, repageDueAt } from './machine.ts';
import type { GatedAction } from './permissions.ts';
import { pageSeverityOf, type ActionItem, type IncidentState, type IncidentStatus, type NameOf, type Origin, type PageSeverity, type Severity, type Stamp, type TimelineEntry } from './state.ts';

export interface LevelView {
  level: string;
  afterMs: number;
  dueAt: number;
  roles: string[];
  warRoom: boolean;
  /** reached · next: the clock reaches it at `dueAt` · pending: later · stopped: mitigated or resolved before it */
  state: 'reached' | 'next' | 'pending' | 'stopped';
  reachedAt?: number;
}

export interface IncidentView {
  id: string;
  summary: string;
  severity: Severity;
  pageSeverity: PageSeverity;
  status: IncidentStatus;
  /** resolved, post-mortem done, every action item done */
  closed: boolean;
  version?: string;
  origin: Origin['kind'];
  openedBy?: string;
  openedAt: number;
  /** since opening; until the resolve once resolved */
  elapsedMs: number;
  level: string;
  levels: LevelView[];
  commander?: { user: string; since: number };
  acknowledged?: Stamp;
  mitigated?: Stamp & { note?: string };
  resolved?: Stamp & { note?: string };
  warRoom?: string;
  timers: {
    nextEscalation?: { level: string; at: number; inMs: number };
    repageAt?: number;
    statusPageReminderAt?: number;
    postMortemDueAt?: number;
    postMortemReminderAt?: number;
  };
  statusPage: { updated: boolean; firstUpdated?: Stamp; reminders: number };
  actions: { open: ActionItem[]; done: ActionItem[] };
  blocksCanary: boolean;
  /** the buttons that do something now (who may press them: permissions.ts) */
  buttons: GatedAction[];
  /** one sentence: where the incident stands */
  headline: string;
  timeline: TimelineEntry[];
}

export function incidentView(s: IncidentState, now: Date, nameOf: NameOf = (id) => id): IncidentView {
  const t = now.getTime();
  const reachedAt = new Map(s.reached.map((r) => [r.level, r.at]));
  const nextAt = nextEscalationAt(s);
  const levels = s.rules.levels.map((l, i): LevelView => {
    const dueAt = s.openedAt + l.afterMs;
    const at = reachedAt.get(l.level);
    const state = i <= s.level ? 'reached' : nextAt === undefined ? 'stopped' : i === s.level + 1 ? 'next' : 'pending';
    return { level: l.level, afterMs: l.afterMs, dueAt, roles: l.roles, warRoom: l.warRoom, state, ...(at !== undefined ? { reachedAt: at } : {}) };
  });
  const next = nextLevel(s);
  const repageAt = repageDueAt(s);
  const pm = s.postMortem;
  const resolved = s.status === 'resolved';
  const buttons: GatedAction[] = [
    ...(s.status === 'open' ? (['acknowledge'] as const) : []),
    ...(!resolved && next ? (['escalate-now'] as const) : []),
    ...(!resolved ? (['take-command'] as const) : []),
    ...(s.status === 'open' || s.status === 'acknowledged' ? (['mitigated'] as const) : []),
    ...(!resolved ? (['resolve', 'status-page-updated'] as const) : []),
    ...(pm && !pm.done ? (['post-mortem-done'] as const) : []),
  ];
  return {
    id: s.id,
    summary: s.summary,
    severity: s.severity,
    pageSeverity: pageSeverityOf(s.severity),
    status: s.status,
    closed: isClosed(s),
    ...(s.version !== undefined ? { version: s.version } : {}),
    origin: s.origin.kind,
    ...(s.origin.kind === 'person' ? { openedBy: s.origin.by } : {}),
    openedAt: s.openedAt,
    elapsedMs: (s.resolved?.at ?? t) - s.openedAt,
    level: levelName(s),
    levels,
    ...(s.commander ? { commander: s.commander } : {}),
    ...(s.acknowledged ? { acknowledged: s.acknowledged } : {}),
    ...(s.mitigated ? { mitigated: s.mitigated } : {}),
    ...(s.resolved ? { resolved: s.resolved } : {}),
    ...(s.warRoom ? { warRoom: s.warRoom.channel } : {}),
    timers: {
      ...(nextAt !== undefined && next ? { nextEscalation: { level: next.level, at: nextAt, inMs: Math.max(0, nextAt - t) } } : {}),
      ...(repageAt !== undefined ? { repageAt } : {}),
      ...(s.statusPage.nextReminderAt !== undefined ? { statusPageReminderAt: s.statusPage.nextReminderAt } : {}),
      ...(pm ? { postMortemDueAt: pm.dueAt } : {}),
      ...(pm && !pm.done && pm.nextReminderAt !== undefined ? { postMortemReminderAt: pm.nextReminderAt } : {}),
    },
    statusPage: { updated: s.statusPage.firstUpdated !== undefined, ...(s.statusPage.firstUpdated ? { firstUpdated: s.statusPage.firstUpdated } : {}), reminders: s.statusPage.reminders },
    actions: { open: s.actions.filter((a) => !a.done), done: s.actions.filter((a) => a.done) },
    blocksCanary: blocksCanary(s),
    buttons,
    headline: headline(s, t, nameOf),
    timeline: s.timeline,
  };
}

function headline(s: IncidentState, t: number, nameOf: NameOf): string {
  const next = nextLevel(s);
  const nextAt = nextEscalationAt(s);
  const escalation = next && nextAt !== undefined ? `${next.level} in ${formatDurationShort(Math.max(0, nextAt - t))}` : `at ${levelName(s)}, the last level`;
  const cmd = s.commander ? `commander ${nameOf(s.commander.user)}` : 'nobody in command';
  switch (s.status) {
    case 'open':
      return `${s.severity} at ${levelName(s)}, not acknowledged; ${escalation}; ${cmd}.`;
    case 'acknowledged':
      return `${s.severity} at ${levelName(s)}, acknowledged by ${nameOf(s.acknowledged?.by ?? '')}; ${next ? `${escalation} unless mitigated` : escalation}; ${cmd}.`;
    case 'mitigated':
      return `${s.severity} mitigated by ${nameOf(s.mitigated?.by ?? '')} after ${formatDurationShort((s.mitigated?.at ?? t) - s.openedAt)}; the escalation stopped at ${levelName(s)}; ${cmd}.`;
    case 'resolved': {
      const pm = s.postMortem;
      const open = s.actions.filter((a) => !a.done).length;
      const follow = isClosed(s) ? 'closed' : `${pm?.done ? 'post-mortem done' : `post-mortem due ${new Date(pm?.dueAt ?? t).toISOString()}`}; ${open} action item${open === 1 ? '' : 's'} open`;
      return `Resolved after ${formatDurationShort((s.resolved?.at ?? t) - s.openedAt)}; ${follow}.`;
    }
  }
}
