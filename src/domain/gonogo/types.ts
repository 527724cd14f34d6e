/**
 * The GO / NO-GO decision of RITUAL §4, as plain data: one session per `/spark gonogo <version>`.
 *
 * Everything here is JSON: times are ISO-8601 UTC strings, so a session can be stored as it is and read
 * back unchanged. The functions that work on it are pure (session.ts, rules.ts, items.ts).
 */

/**
 * What a vote saw. A vote counts only while the session is still bound to the same commit and the same
 * evidence; a new preflight run or a new commit makes every earlier vote stale.
 */
export interface Binding {
  commit: string;
  /** SHA-256 of the latest preflight evidence (its summary file) */
  preflightHash: string;
  /** SHA-256 of the latest red-team evidence, when there is one */
  redteamHash?: string;
}

/** ok: checked and fine · missing: nobody ticked it yet · failed: checked and not fine · unknown: no evidence */
export type ItemState = 'ok' | 'missing' | 'failed' | 'unknown';

interface ItemBase {
  id: string;
  title: string;
  state: ItemState;
  /** One line for the card: what the evidence said, or the ticker's note. */
  detail: string;
  /** The Slack user who ticked it (role items only). */
  by?: string;
  /** When the state was last set. */
  at?: string;
}

/**
 * One of the required items. An item is either filled in by the bot from named evidence sources (preflight
 * check ids such as `headers`, or `ci`, `coverage`) or ticked by hand by the holder of one named role.
 */
export type ChecklistItem =
  | (ItemBase & { source: 'auto'; from: string[] })
  | (ItemBase & { source: 'role'; role: string });

/** A fresh value for an auto item, computed by the caller for a new binding. */
export interface AutoFill {
  id: string;
  state: ItemState;
  detail: string;
}

export type Choice = 'go' | 'nogo';

/** A role's latest vote. Only one per role: a new vote replaces the old one. */
export interface Vote {
  role: string;
  /** the Slack user who cast it */
  user: string;
  choice: Choice;
  /** trimmed; always there for a NO-GO, an optional note for a GO */
  reason?: string;
  at: string;
  /** what the voter saw; the vote is stale once the session's binding differs */
  binding: Binding;
}

/** The config the session was opened with, kept in it: a 10-minute decision runs by the rules it started with. */
export interface GonogoRules {
  /** the roles whose GO is required, in the order the card shows them */
  approvers: string[];
  /** role → Slack user ids (config `roles`); includes the IC and every role that ticks an item */
  holders: Record<string, string[]>;
  timeboxMs: number;
  /** after opening; must be before the timebox */
  reminderAtMs: number;
}

export type DecisionKind = 'go' | 'no-go' | 'expired';

export interface Decision {
  kind: DecisionKind;
  /** when it was decided; for `expired`, the deadline itself */
  at: string;
  /** the IC who confirmed GO or closed as NO-GO; absent for `expired` */
  by?: string;
  /** the IC's reason for a NO-GO */
  reason?: string;
  /** what the decision was about */
  binding: Binding;
  /** what stood in the way of a GO at that moment (empty for `go`) */
  blockers: Blocker[];
}

/**
 * open: still collecting · ready-to-confirm: every item ok and every approver's current GO, waiting for the IC ·
 * standing-no-go: at least one current NO-GO (votes may still change) · go / no-go / expired: decided.
 */
export type GonogoStatus = 'open' | 'ready-to-confirm' | 'standing-no-go' | DecisionKind;

export interface GonogoSession {
  version: string;
  rules: GonogoRules;
  binding: Binding;
  items: ChecklistItem[];
  /** role → that role's latest vote (current or stale) */
  votes: Record<string, Vote>;
  openedAt: string;
  deadline: string;
  /** the IC has used the one extension */
  extended: boolean;
  /** the reminder was sent */
  reminded: boolean;
  /** `statusOf(session)`, kept by `apply` so a stored session can be listed by it */
  status: GonogoStatus;
  decision?: Decision;
}

/** Why a GO cannot be confirmed: a current NO-GO, an item that is not ok, or a role without a current GO. */
export type Blocker =
  | { kind: 'nogo'; role: string; user: string; reason: string }
  | { kind: 'item'; item: ChecklistItem }
  /** never voted, or its vote is stale (`stale` is that old vote) */
  | { kind: 'no-vote'; role: string; stale?: Vote };

export type GonogoEvent =
  | { type: 'vote'; role: string; user: string; choice: Choice; reason?: string }
  | { type: 'tick-item'; itemId: string; user: string; ok: boolean; note?: string }
  /** a new preflight run or commit; `refreshedItems` holds every auto item's value under it */
  | { type: 'rebind'; binding: Binding; refreshedItems: AutoFill[] }
  | { type: 'confirm-go'; user: string }
  | { type: 'close-no-go'; user: string; reason: string }
  | { type: 'extend'; user: string }
  /** the caller's timer fired (see `nextDueAt`); the time is `apply`'s `now` */
  | { type: 'clock' };

export type GonogoOutcome =
  /** the session changed: update the card, write the audit row */
  | { kind: 'changed' }
  /** nothing to do (a repeated click, a Slack retry, a timer with nothing due) */
  | { kind: 'unchanged'; why: string }
  /** the person may not do that; `why` is a sentence for them. The session is untouched. */
  | { kind: 'refused'; why: string }
  /** remind these roles (and mention these users) that their vote is missing */
  | { kind: 'reminder'; missingRoles: string[]; users: string[] }
  /**
   * The session is decided. `dropped` is set when a person's action arrived after the timebox: the session
   * expired instead, and `dropped` tells that person their action was not recorded.
   */
  | { kind: 'decided'; decision: Decision; dropped?: string };

export interface Applied {
  session: GonogoSession;
  outcome: GonogoOutcome;
}

/** Slack user id → the name people know them by (config `people`). */
export type NameOf = (userId: string) => string;
