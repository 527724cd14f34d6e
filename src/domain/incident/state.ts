/**
 * An incident of RITUAL §8 as plain data: one state per incident in `#spark-incidents`, changed only by
 * `apply` (machine.ts).
 *
 * The state is JSON (stored as jsonb and read back unchanged after a restart). Every time in it is absolute,
 * in epoch milliseconds: the escalation levels are due at `openedAt + after`, the reminders at the moments
 * kept here, so a restored incident keeps its timeline. The rules it was opened with are kept in it: an
 * incident runs to the end by the escalation it started with.
 */
import type { SparkConfig } from '../../config/schema.ts';
import type { FiredTrigger } from '../canary/triggers.ts';
import type { CheckResult } from '../first-night/snapshot.ts';

export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** PagerDuty's Events v2 severities this ritual uses (the pager port's `PagerSeverity`, minus `info`). */
export type PageSeverity = 'critical' | 'error' | 'warning';

/** SEV1 → critical, SEV2 → error, SEV3 → warning. */
export function pageSeverityOf(sev: Severity): PageSeverity {
  switch (sev) {
    case 'SEV1':
      return 'critical';
    case 'SEV2':
      return 'error';
    case 'SEV3':
      return 'warning';
  }
}

/** One escalation level, as the config has it (`after` in ms from opening). */
export interface LevelRule {
  level: string;
  afterMs: number;
  roles: string[];
  warRoom: boolean;
}

/** The config the incident was opened with. */
export interface IncidentRules {
  /** ascending by `afterMs`; the first is at 0 (the config checks say so) */
  levels: LevelRule[];
  /** role → Slack user ids (config `roles`) */
  holders: Record<string, string[]>;
  /** status page reminders: at `openedAt + k × this` until "Status page updated" */
  statusPageReminderMs: number;
  /** after resolving */
  postMortemDueMs: number;
  /** post-mortem reminders this long before the due time (only those after the resolve); then one at the due time */
  postMortemRemindBeforeMs: number[];
  /** after the due time, a reminder this often until the post-mortem is marked done */
  postMortemOverdueEveryMs: number;
  /** while nobody has acknowledged, the current level is paged again this often; 0: never */
  repageEveryMs: number;
}

/** The rules from the config (`escalation`, `roles`). */
export function rulesFrom(config: Pick<SparkConfig, 'escalation' | 'roles'>): IncidentRules {
  const e = config.escalation;
  return {
    levels: e.levels.map((l) => ({ level: l.level, afterMs: l.after, roles: [...l.roles], warRoom: l.warRoom })),
    holders: Object.fromEntries(Object.entries(config.roles).map(([role, users]) => [role, [...users]])),
    statusPageReminderMs: e.statusPageReminder,
    postMortemDueMs: e.postMortemDue,
    postMortemRemindBeforeMs: [...e.postMortemRemindBefore],
    postMortemOverdueEveryMs: e.postMortemOverdueEvery,
    repageEveryMs: e.repageEvery,
  };
}

/** A war-room minute of the canary, as the incident keeps it (the canary's `Minute` fits). */
export interface CanaryMinute {
  /** ISO-8601 */
  at: string;
  stage: number;
  weight: number;
  metrics: string;
  decision: string;
}

/** A first-night check that failed or had no data. */
export type BreachedCheck = Omit<CheckResult, 'trend'>;

/** How the incident came to be: a person, or the bot on an auto-rollback or a first-night breach. */
export type Origin =
  | { kind: 'person'; by: string }
  | {
      kind: 'auto-rollback';
      version: string;
      stage: number;
      weight: number;
      /** the rollback's one-sentence reason */
      reason: string;
      /** the trigger that fired, with its values (absent for a rollback with another cause) */
      trigger?: FiredTrigger;
      /** the canary's minutes up to the rollback */
      canaryTimeline: CanaryMinute[];
    }
  | {
      kind: 'first-night-breach';
      version: string;
      /** the snapshot's offset from the release, in ms */
      offsetMs: number;
      checks: BreachedCheck[];
    };

/** What opens an incident. Automatic ones arrive pre-filled (auto.ts). */
export interface OpenRequest {
  /** given by the app; it is PagerDuty's dedup_key for every event of this incident */
  id: string;
  summary: string;
  severity: Severity;
  /** the affected version: links the incident to a release (see `blocksCanary`); auto incidents take their origin's */
  version?: string;
  origin: Origin;
}

/**
 * open: paged, nobody has acknowledged · acknowledged: someone is on it (no more re-pages; the escalation
 * clock runs on) · mitigated: the impact is stopped (the escalation clock stops) · resolved: over; the
 * post-mortem and the action items remain.
 */
export type IncidentStatus = 'open' | 'acknowledged' | 'mitigated' | 'resolved';

/** Who did something and when. */
export interface Stamp {
  by: string;
  at: number;
}

/** A level the incident reached. Levels crossed together (a catch-up after a gap) share `at`. */
export interface ReachedLevel {
  level: string;
  /** `openedAt + after` */
  dueAt: number;
  at: number;
  /** how: at opening, by the escalation clock, or by a person's "Escalate now" */
  via: 'open' | 'clock' | 'escalate-now';
  by?: string;
}

export interface ActionItem {
  /** A1, A2, … in the order they were added */
  id: string;
  text: string;
  owner?: string;
  added: Stamp;
  done?: Stamp;
}

export type TimelineKind =
  | 'opened'
  | 'paged'
  | 'repaged'
  | 'escalated'
  | 'war-room'
  | 'acknowledged'
  | 'command'
  | 'mitigated'
  | 'resolved'
  | 'status-page-updated'
  | 'status-page-reminder'
  | 'action-added'
  | 'action-done'
  | 'post-mortem-reminder'
  | 'post-mortem-done'
  | 'note';

/** One line of the incident's timeline: when, who (a Slack user; absent: the bot), what (one sentence). */
export interface TimelineEntry {
  at: number;
  by?: string;
  kind: TimelineKind;
  what: string;
}

export interface IncidentState {
  id: string;
  rules: IncidentRules;
  summary: string;
  severity: Severity;
  version?: string;
  origin: Origin;
  status: IncidentStatus;
  openedAt: number;
  /** index in `rules.levels` of the highest level reached (0 from opening) */
  level: number;
  reached: ReachedLevel[];
  /** every user paged so far, in the order they were first paged */
  paged: string[];
  /** the last page (a level reached or a re-page): re-pages count from it */
  lastPagedAt: number;
  acknowledged?: Stamp;
  commander?: { user: string; since: number };
  mitigated?: Stamp & { note?: string };
  resolved?: Stamp & { note?: string };
  /** the war room was asked for (once) */
  warRoom?: { at: number; channel: string };
  statusPage: {
    /** the next reminder; absent once updated, or once resolved */
    nextReminderAt?: number;
    reminders: number;
    firstUpdated?: Stamp;
    updates: number;
  };
  /** from the resolve on */
  postMortem?: {
    dueAt: number;
    /** absent once done */
    nextReminderAt?: number;
    reminders: number;
    done?: Stamp & { link?: string };
  };
  actions: ActionItem[];
  timeline: TimelineEntry[];
}

export type IncidentEvent =
  | { type: 'acknowledge'; by: string }
  /** one level up at once; `from` is the level the person saw, so a double press escalates once */
  | { type: 'escalate-now'; by: string; from?: string }
  | { type: 'take-command'; by: string }
  | { type: 'mitigated'; by: string; note?: string }
  | { type: 'resolve'; by: string; note?: string }
  | { type: 'status-page-updated'; by: string; note?: string }
  | { type: 'add-action'; by: string; text: string; owner?: string }
  | { type: 'done-action'; by: string; id: string }
  | { type: 'post-mortem-done'; by: string; link?: string }
  /** a free line in the timeline */
  | { type: 'note'; by: string; text: string }
  /** the caller's durable timer fired (see `nextDueAt`); performs everything due at `now`, once */
  | { type: 'clock' };

/** The incident report's draft, from the state at the resolve. */
export interface IncidentReport {
  id: string;
  summary: string;
  severity: Severity;
  version?: string;
  origin: Origin;
  openedAt: number;
  acknowledged?: Stamp;
  mitigated?: Stamp & { note?: string };
  resolved: Stamp & { note?: string };
  commander?: string;
  /** ms from opening */
  timeToAcknowledgeMs?: number;
  timeToMitigateMs?: number;
  timeToResolveMs: number;
  highestLevel: string;
  levels: ReachedLevel[];
  warRoom?: string;
  statusPage: { firstUpdated?: Stamp; reminders: number; updates: number };
  timeline: TimelineEntry[];
  actions: ActionItem[];
  postMortemDueAt: number;
}

export type IncidentEffect =
  /** a PagerDuty trigger event (dedup key = incident id); `repeat` for a re-page of the same level */
  | {
      type: 'page';
      dedupKey: string;
      severity: PageSeverity;
      summary: string;
      level: string;
      roles: string[];
      users: string[];
      repeat: boolean;
    }
  /** PagerDuty acknowledge / resolve events for the same dedup key */
  | { type: 'pager-acknowledge'; dedupKey: string }
  | { type: 'pager-resolve'; dedupKey: string }
  /** a post in the incident's thread mentioning these users */
  | { type: 'mention'; level: string; roles: string[]; users: string[]; text: string }
  /** create a dedicated channel, invite these users, pin the war-room protocol */
  | { type: 'war-room'; incidentId: string; channel: string; topic: string; invite: string[]; roles: string[]; pin: string[] }
  | { type: 'status-page-reminder'; n: number; users: string[]; text: string }
  /** share the report's draft (report.ts renders it as text) */
  | { type: 'report-draft'; report: IncidentReport }
  | { type: 'post-mortem-reminder'; n: number; dueAt: number; overdue: boolean; users: string[]; text: string }
  /** re-render the incident card from the state */
  | { type: 'card' };

export type IncidentOutcome =
  | { kind: 'changed' }
  /** nothing to do: a repeated press, a timer with nothing due */
  | { kind: 'unchanged'; why: string }
  /** not allowed (now, or for this person); `why` is a sentence for them. The state is untouched. */
  | { kind: 'refused'; why: string };

export interface Applied {
  state: IncidentState;
  effects: IncidentEffect[];
  outcome: IncidentOutcome;
}

/** Slack user id → the name people know them by (config `people`). */
export type NameOf = (userId: string) => string;
