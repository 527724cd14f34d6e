/**
 * The incident state machine (RITUAL §8): `openIncident(rules, request, now)` and
 * `apply(state, event, now, nameOf)` → the next state, the effects the caller performs (PagerDuty events,
 * posts, the war room, the report, reminders — as outbox rows) and an outcome for the person who acted.
 *
 * Pure: no I/O, no clock but `now`, and the input state is never mutated. A refusal never changes the state;
 * a repeated press changes nothing and says so.
 *
 * The timeline (levels from the config, defaults L1 at 0 on-call · L2 at 15 min DevOps Lead + CTO · L3 at
 * 30 min IC + DevOps Lead + CTO with a war room):
 * - Opening reaches the first level: its roles are paged (severity SEV1 → critical, SEV2 → error, SEV3 →
 *   warning; the incident id is PagerDuty's dedup key) and mentioned.
 * - Each later level is due at `openedAt + after` and is reached once, by the clock or earlier by
 *   "Escalate now" (one level up at once). A level that has the war room asks for it, once.
 * - Until someone acknowledges, the current level is paged again every `repageEveryMs` (a re-page).
 *   Acknowledging stops the re-pages, not the escalation: only "Mitigated" stops the escalation clock.
 * - The status page reminder comes at +5 min and every 5 min until "Status page updated" (or the resolve).
 * - Resolving resolves the page (same dedup key), hands out the report's draft, and starts the post-mortem:
 *   due `postMortemDue` after the resolve, with reminders before (24 h by default), at the due time, and then
 *   daily until it is marked done. Action items are kept in the state (A1, A2, …) until done.
 *
 * The `clock` event performs everything due at `now`, once: after a restart a clock long after several due
 * times reaches the highest level due in one step (one page to everyone the skipped levels would have paged,
 * one mention, the war room once), skips the re-page (the escalation page is the page), and sends one
 * status page reminder, not one per missed slot. `nextDueAt` tells the caller when to arm its durable timer.
 *
 * Who may press what: permissions.ts.
 */
import { formatDurationShort } from '../canary/format.ts';
import { roleLabel } from '../gonogo/roles.ts';
import { may, onlyWho, type GatedAction } from './permissions.ts';
import { originText, reportOf, warRoomChannel, warRoomProtocol } from './report.ts';
import {
  pageSeverityOf,
  SEVERITIES,
  type Applied,
  type IncidentEffect,
  type IncidentEvent,
  type IncidentRules,
  type IncidentState,
  type NameOf,
  type OpenRequest,
  type ReachedLevel,
  type TimelineEntry,
} from './state.ts';

const plainName: NameOf = (id) => id;

// ---------------------------------------------------------------------------------------------
// Opening
// ---------------------------------------------------------------------------------------------

/** Throws on rules the config checks should have caught. */
export function checkRules(rules: IncidentRules): void {
  const problems: string[] = [];
  if (rules.levels.length === 0) problems.push('there are no escalation levels');
  else if (rules.levels[0]?.afterMs !== 0) problems.push('the first escalation level must page at once (after 0)');
  rules.levels.forEach((l, i) => {
    const prev = rules.levels[i - 1];
    if (prev && !(l.afterMs > prev.afterMs)) problems.push(`level ${l.level} must come after ${prev.level}`);
  });
  if (!(rules.statusPageReminderMs > 0)) problems.push('the status page reminder must be longer than 0');
  if (!(rules.postMortemDueMs > 0)) problems.push('the post-mortem due time must be longer than 0');
  if (!(rules.repageEveryMs >= 0)) problems.push('the re-page interval must be 0 (never) or longer');
  if (!(rules.postMortemOverdueEveryMs >= 0)) problems.push('the overdue post-mortem reminder interval must be 0 (never) or longer');
  if (problems.length > 0) throw new Error(`incident: cannot run with these rules: ${problems.join('; ')}`);
}

/**
 * A new incident at `now`: the first level paged and mentioned, the status page reminder armed. Throws on a
 * request the surface should have refused (no id, no summary, an unknown severity).
 */
export function openIncident(rules: IncidentRules, req: OpenRequest, now: Date, nameOf: NameOf = plainName): Applied {
  checkRules(rules);
  const id = req.id.trim();
  const summary = req.summary.trim();
  if (!id) throw new Error('incident: an incident needs an id (the PagerDuty dedup key)');
  if (!summary) throw new Error(`incident: ${id} needs a summary`);
  if (!SEVERITIES.includes(req.severity)) throw new Error(`incident: ${id}: unknown severity ${String(req.severity)}`);
  const t = now.getTime();
  const version = req.version?.trim() || (req.origin.kind === 'person' ? undefined : req.origin.version);
  const base: IncidentState = {
    id,
    rules,
    summary,
    severity: req.severity,
    ...(version ? { version } : {}),
    origin: req.origin,
    status: 'open',
    openedAt: t,
    level: 0,
    reached: [],
    paged: [],
    lastPagedAt: t,
    statusPage: { nextReminderAt: t + rules.statusPageReminderMs, reminders: 0, updates: 0 },
    actions: [],
    timeline: [],
  };
  const by = req.origin.kind === 'person' ? req.origin.by : undefined;
  const opened = entry(t, by, 'opened', `${id} (${req.severity}${version ? `, ${version}` : ''}) ${originText(req.origin, nameOf)}: ${summary}`);
  const r = reach({ ...base, timeline: [opened] }, 0, t, 'open', undefined, nameOf);
  return changed(r.state, r.effects);
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

export function apply(s: IncidentState, e: IncidentEvent, now: Date, nameOf: NameOf = plainName): Applied {
  const t = now.getTime();
  switch (e.type) {
    case 'clock':
      return clock(s, t, nameOf);
    case 'acknowledge':
      return acknowledge(s, e.by, t, nameOf);
    case 'escalate-now':
      return escalateNow(s, e.by, e.from, t, nameOf);
    case 'take-command':
      return takeCommand(s, e.by, t, nameOf);
    case 'mitigated':
      return mitigate(s, e.by, e.note, t, nameOf);
    case 'resolve':
      return resolve(s, e.by, e.note, t, nameOf);
    case 'status-page-updated':
      return statusPageUpdated(s, e.by, e.note, t, nameOf);
    case 'add-action':
      return addAction(s, e.by, e.text, e.owner, t, nameOf);
    case 'done-action':
      return doneAction(s, e.by, e.id, t, nameOf);
    case 'post-mortem-done':
      return postMortemDone(s, e.by, e.link, t, nameOf);
    case 'note': {
      const text = e.text.trim();
      if (!text) return refused(s, 'A note needs a text.');
      return changed(withEntry(s, entry(t, e.by, 'note', text)), []);
    }
  }
}

function acknowledge(s: IncidentState, by: string, t: number, nameOf: NameOf): Applied {
  if (s.status === 'resolved') return refused(s, `${s.id} is already resolved: there is nothing to acknowledge.`);
  const gate = gated(s, 'acknowledge', by, `acknowledge ${s.id}`, nameOf);
  if (gate) return gate;
  if (s.acknowledged) return unchanged(s, `${s.id} was already acknowledged by ${nameOf(s.acknowledged.by)} at ${at(s, s.acknowledged.at)}.`);
  const next = nextLevel(s);
  const clockText = s.status === 'mitigated' ? '' : next ? ` The escalation goes on until it is mitigated: ${next.level} at ${at(s, s.openedAt + next.afterMs)}.` : '';
  const state: IncidentState = {
    ...withEntry(s, entry(t, by, 'acknowledged', `Acknowledged by ${nameOf(by)} after ${formatDurationShort(t - s.openedAt)}: no more re-pages.${clockText}`)),
    acknowledged: { by, at: t },
    ...(s.status === 'open' ? { status: 'acknowledged' as const } : {}),
  };
  return changed(state, [{ type: 'pager-acknowledge', dedupKey: s.id }]);
}

function escalateNow(s: IncidentState, by: string, from: string | undefined, t: number, nameOf: NameOf): Applied {
  if (s.status === 'resolved') return refused(s, `${s.id} is resolved: there is nobody left to escalate to.`);
  const gate = gated(s, 'escalate-now', by, `escalate ${s.id}`, nameOf);
  if (gate) return gate;
  const cur = levelName(s);
  if (from !== undefined && from !== cur) return unchanged(s, `${s.id} is already at ${cur}.`);
  if (!nextLevel(s)) return refused(s, `${s.id} is already at ${cur}, the last escalation level: everyone in the escalation has been paged.`);
  const r = reach(s, s.level + 1, t, 'escalate-now', by, nameOf);
  return changed(r.state, r.effects);
}

function takeCommand(s: IncidentState, by: string, t: number, nameOf: NameOf): Applied {
  const gate = gated(s, 'take-command', by, `take command of ${s.id}`, nameOf);
  if (gate) return gate;
  if (s.commander?.user === by) return unchanged(s, `You are already the commander of ${s.id}.`);
  const what = s.commander ? `${nameOf(by)} took command from ${nameOf(s.commander.user)}.` : `${nameOf(by)} took command.`;
  return changed({ ...withEntry(s, entry(t, by, 'command', what)), commander: { user: by, since: t } }, []);
}

function mitigate(s: IncidentState, by: string, noteText: string | undefined, t: number, nameOf: NameOf): Applied {
  if (s.status === 'resolved') return refused(s, `${s.id} is already resolved.`);
  const gate = gated(s, 'mitigated', by, `mark ${s.id} mitigated`, nameOf);
  if (gate) return gate;
  if (s.mitigated) return unchanged(s, `${s.id} was already marked mitigated by ${nameOf(s.mitigated.by)} at ${at(s, s.mitigated.at)}.`);
  const note = noteText?.trim() || undefined;
  const next = nextLevel(s);
  const what = `Mitigated by ${nameOf(by)} after ${formatDurationShort(t - s.openedAt)}${note ? `: ${note}` : ''}. The escalation stops${next ? ` (${next.level} was due at ${at(s, s.openedAt + next.afterMs)})` : ''}.`;
  const state: IncidentState = {
    ...withEntry(s, entry(t, by, 'mitigated', what)),
    status: 'mitigated',
    mitigated: { by, at: t, ...(note ? { note } : {}) },
    ...(s.acknowledged ? {} : { acknowledged: { by, at: t } }),
  };
  return changed(state, s.acknowledged ? [] : [{ type: 'pager-acknowledge', dedupKey: s.id }]);
}

function resolve(s: IncidentState, by: string, noteText: string | undefined, t: number, nameOf: NameOf): Applied {
  const gate = gated(s, 'resolve', by, `resolve ${s.id}`, nameOf);
  if (gate) return gate;
  if (s.resolved) return unchanged(s, `${s.id} was already resolved by ${nameOf(s.resolved.by)} at ${at(s, s.resolved.at)}.`);
  const note = noteText?.trim() || undefined;
  const dueAt = t + s.rules.postMortemDueMs;
  const { nextReminderAt: _stop, ...statusPage } = s.statusPage;
  const reminderAt = postMortemSlotAfter(s.rules, t, dueAt, t);
  const resolved: IncidentState = {
    ...withEntry(
      s,
      entry(t, by, 'resolved', `Resolved by ${nameOf(by)} after ${formatDurationShort(t - s.openedAt)}${note ? `: ${note}` : ''}. The post-mortem is due ${iso(dueAt)} (in ${formatDurationShort(s.rules.postMortemDueMs)}).`),
    ),
    status: 'resolved',
    resolved: { by, at: t, ...(note ? { note } : {}) },
    statusPage,
    postMortem: { dueAt, reminders: 0, ...(reminderAt !== undefined ? { nextReminderAt: reminderAt } : {}) },
  };
  return changed(resolved, [
    { type: 'pager-resolve', dedupKey: s.id },
    { type: 'report-draft', report: reportOf(resolved) },
  ]);
}

function statusPageUpdated(s: IncidentState, by: string, noteText: string | undefined, t: number, nameOf: NameOf): Applied {
  const gate = gated(s, 'status-page-updated', by, `mark the status page of ${s.id} updated`, nameOf);
  if (gate) return gate;
  const note = noteText?.trim() || undefined;
  const first = s.statusPage.firstUpdated === undefined;
  const { nextReminderAt: _stop, ...rest } = s.statusPage;
  const what = `Status page updated by ${nameOf(by)}${note ? `: ${note}` : ''}${first ? ` (${formatDurationShort(t - s.openedAt)} in; no more reminders)` : ''}.`;
  return changed({
    ...withEntry(s, entry(t, by, 'status-page-updated', what)),
    statusPage: { ...rest, updates: s.statusPage.updates + 1, ...(first ? { firstUpdated: { by, at: t } } : {}) },
  }, []);
}

function addAction(s: IncidentState, by: string, textIn: string, ownerIn: string | undefined, t: number, nameOf: NameOf): Applied {
  const text = textIn.trim();
  if (!text) return refused(s, 'An action item needs a text: what is to be done.');
  const owner = ownerIn?.trim() || undefined;
  const id = `A${s.actions.length + 1}`;
  const what = `Action item ${id} added by ${nameOf(by)}: ${text}${owner ? ` (owner: ${nameOf(owner)})` : ''}.`;
  return changed({
    ...withEntry(s, entry(t, by, 'action-added', what)),
    actions: [...s.actions, { id, text, ...(owner ? { owner } : {}), added: { by, at: t } }],
  }, []);
}

function doneAction(s: IncidentState, by: string, idIn: string, t: number, nameOf: NameOf): Applied {
  const id = idIn.trim().toUpperCase();
  const item = s.actions.find((a) => a.id === id);
  if (!item) {
    const known = s.actions.map((a) => a.id);
    return refused(s, `There is no action item "${idIn.trim()}" on ${s.id}${known.length > 0 ? ` (it has ${known.join(', ')})` : ' (it has none yet)'}.`);
  }
  const gate = gated(s, 'done-action', by, `mark action item ${id} done`, nameOf, item.owner);
  if (gate) return gate;
  if (item.done) return unchanged(s, `Action item ${id} was already marked done by ${nameOf(item.done.by)}.`);
  const open = s.actions.filter((a) => !a.done && a.id !== id).length;
  return changed({
    ...withEntry(s, entry(t, by, 'action-done', `Action item ${id} done (${nameOf(by)}): ${item.text}. ${open === 0 ? 'No action item is open.' : `${open} still open.`}`)),
    actions: s.actions.map((a) => (a.id === id ? { ...a, done: { by, at: t } } : a)),
  }, []);
}

function postMortemDone(s: IncidentState, by: string, linkIn: string | undefined, t: number, nameOf: NameOf): Applied {
  const pm = s.postMortem;
  if (!pm) return refused(s, `${s.id} is not resolved yet: the post-mortem comes after the resolve.`);
  const gate = gated(s, 'post-mortem-done', by, `mark the post-mortem of ${s.id} done`, nameOf);
  if (gate) return gate;
  if (pm.done) return unchanged(s, `The post-mortem of ${s.id} was already marked done by ${nameOf(pm.done.by)}.`);
  const link = linkIn?.trim() || undefined;
  const late = t > pm.dueAt ? `, ${formatDurationShort(t - pm.dueAt)} after it was due` : '';
  const { nextReminderAt: _stop, ...rest } = pm;
  return changed({
    ...withEntry(s, entry(t, by, 'post-mortem-done', `Post-mortem done (${nameOf(by)})${late}${link ? `: ${link}` : ''}.`)),
    postMortem: { ...rest, done: { by, at: t, ...(link ? { link } : {}) } },
  }, []);
}

// ---------------------------------------------------------------------------------------------
// The clock
// ---------------------------------------------------------------------------------------------

function clock(s: IncidentState, t: number, nameOf: NameOf): Applied {
  let state = s;
  const effects: IncidentEffect[] = [];

  // 1. Escalation: the highest level due, once; stopped by mitigation.
  if (escalating(state)) {
    const due = highestLevelDue(state, t);
    if (due > state.level) {
      const r = reach(state, due, t, 'clock', undefined, nameOf);
      state = r.state;
      effects.push(...r.effects);
    }
  }

  // 2. Re-page while nobody has acknowledged. Reaching a level just now set `lastPagedAt`: that page is the page.
  const repageAt = repageDueAt(state);
  if (repageAt !== undefined && t >= repageAt) {
    const lvl = state.rules.levels[state.level];
    if (lvl) {
      const users = holdersOf(state.rules, lvl.roles);
      const what = `${state.id} is still not acknowledged after ${formatDurationShort(t - state.openedAt)}: paging ${rolesText(state.rules, lvl.roles, nameOf)} again (${lvl.level}).`;
      state = { ...withEntry(state, entry(t, undefined, 'repaged', what)), lastPagedAt: t };
      effects.push(pageEffect(state, lvl.level, lvl.roles, users, true), { type: 'mention', level: lvl.level, roles: lvl.roles, users, text: what });
    }
  }

  // 3. The status page reminder: one, however many slots were missed.
  const sp = state.statusPage;
  if (sp.nextReminderAt !== undefined && t >= sp.nextReminderAt) {
    const n = sp.reminders + 1;
    const interval = state.rules.statusPageReminderMs;
    const text = `The status page of ${state.id} has not been updated, ${formatDurationShort(t - state.openedAt)} into the incident (reminder ${n}). Press "Status page updated" once it is.`;
    state = {
      ...withEntry(state, entry(t, undefined, 'status-page-reminder', text)),
      statusPage: { ...sp, reminders: n, nextReminderAt: state.openedAt + (Math.floor((t - state.openedAt) / interval) + 1) * interval },
    };
    effects.push({ type: 'status-page-reminder', n, users: remindWhom(state, true), text });
  }

  // 4. The post-mortem reminder: one, however many slots were missed.
  const pm = state.postMortem;
  if (pm && !pm.done && pm.nextReminderAt !== undefined && t >= pm.nextReminderAt && state.resolved) {
    const n = pm.reminders + 1;
    const overdue = t >= pm.dueAt;
    const open = state.actions.filter((a) => !a.done).length;
    const when = t - pm.dueAt < 60_000 && t >= pm.dueAt ? 'is due now' : overdue ? `was due ${formatDurationShort(t - pm.dueAt)} ago (${iso(pm.dueAt)})` : `is due in ${formatDurationShort(pm.dueAt - t)} (${iso(pm.dueAt)})`;
    const text = `The post-mortem of ${state.id} ${when}. ${open === 0 ? 'No action item is open.' : `${open} action item${open === 1 ? ' is' : 's are'} open.`}`;
    const nextAt = postMortemSlotAfter(state.rules, state.resolved.at, pm.dueAt, t);
    const { nextReminderAt: _old, ...rest } = pm;
    state = {
      ...withEntry(state, entry(t, undefined, 'post-mortem-reminder', text)),
      postMortem: { ...rest, reminders: n, ...(nextAt !== undefined ? { nextReminderAt: nextAt } : {}) },
    };
    effects.push({ type: 'post-mortem-reminder', n, dueAt: pm.dueAt, overdue, users: remindWhom(state, false), text });
  }

  if (effects.length === 0) return unchanged(s, 'Nothing is due yet.');
  return changed(state, effects);
}

/** The next post-mortem reminder after `t`: the ones before the due time (after the resolve), the due time, then every `postMortemOverdueEveryMs`. */
function postMortemSlotAfter(rules: IncidentRules, resolvedAt: number, dueAt: number, t: number): number | undefined {
  const slots = [...rules.postMortemRemindBeforeMs.map((b) => dueAt - b).filter((x) => x > resolvedAt && x < dueAt), dueAt].sort((a, b) => a - b);
  const hit = slots.find((x) => x > t);
  if (hit !== undefined) return hit;
  const every = rules.postMortemOverdueEveryMs;
  if (!(every > 0)) return undefined;
  return dueAt + (Math.floor((t - dueAt) / every) + 1) * every;
}

// ---------------------------------------------------------------------------------------------
// Reading the state
// ---------------------------------------------------------------------------------------------

/** The escalation clock runs until the incident is mitigated (or resolved). */
export const escalating = (s: IncidentState): boolean => s.status === 'open' || s.status === 'acknowledged';

export const levelName = (s: IncidentState): string => s.rules.levels[s.level]?.level ?? '?';

/** The level after the current one, if there is one. */
export const nextLevel = (s: IncidentState) => s.rules.levels[s.level + 1];

/** When the clock reaches the next level; undefined when mitigated, resolved, or at the last level. */
export function nextEscalationAt(s: IncidentState): number | undefined {
  const next = nextLevel(s);
  return escalating(s) && next ? s.openedAt + next.afterMs : undefined;
}

/** When the current level is paged again; undefined once acknowledged (or mitigated, resolved), or when re-paging is off. */
export function repageDueAt(s: IncidentState): number | undefined {
  return s.status === 'open' && s.rules.repageEveryMs > 0 ? s.lastPagedAt + s.rules.repageEveryMs : undefined;
}

function highestLevelDue(s: IncidentState, t: number): number {
  let due = s.level;
  s.rules.levels.forEach((l, i) => {
    if (s.openedAt + l.afterMs <= t) due = Math.max(due, i);
  });
  return due;
}

/**
 * The next instant the caller's durable timer must apply a `clock` event: the earliest of the next level,
 * the next re-page, the next status page reminder and the next post-mortem reminder; undefined when nothing
 * is left to time. It may be in the past (the timer then fires at once).
 */
export function nextDueAt(s: IncidentState): Date | undefined {
  const due = [nextEscalationAt(s), repageDueAt(s), s.statusPage.nextReminderAt, s.postMortem?.nextReminderAt].filter(
    (x): x is number => x !== undefined,
  );
  return due.length > 0 ? new Date(Math.min(...due)) : undefined;
}

/** An incident blocks a new canary while it is not resolved and is linked to a release (it names a version). */
export const blocksCanary = (s: IncidentState): boolean => s.status !== 'resolved' && s.version !== undefined;

/** Over for good: resolved, the post-mortem done and every action item done. */
export const isClosed = (s: IncidentState): boolean => s.status === 'resolved' && s.postMortem?.done !== undefined && s.actions.every((a) => a.done);

// ---------------------------------------------------------------------------------------------
// Paging
// ---------------------------------------------------------------------------------------------

const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

function holdersOf(rules: IncidentRules, roles: readonly string[]): string[] {
  return unique(roles.flatMap((r) => rules.holders[r] ?? []));
}

function listText(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/** "the DevOps Lead (Mehmet Demir) and the CTO (Zeynep Arslan)" */
function rolesText(rules: IncidentRules, roles: readonly string[], nameOf: NameOf): string {
  return listText(roles.map((r) => {
    const users = rules.holders[r] ?? [];
    return `${roleLabel(r)} (${users.length > 0 ? users.map(nameOf).join(', ') : 'nobody holds the role'})`;
  }));
}

function pageEffect(s: IncidentState, level: string, roles: string[], users: string[], repeat: boolean): IncidentEffect {
  return { type: 'page', dedupKey: s.id, severity: pageSeverityOf(s.severity), summary: `[${s.severity}] ${s.id}: ${s.summary}`.slice(0, 1024), level, roles, users, repeat };
}

/**
 * Reaches level `target` (from the one after the current, or the first at opening): pages and mentions
 * everyone the crossed levels name, in one page and one mention; asks for the war room if a crossed level
 * has it and it was not asked for yet.
 */
function reach(s: IncidentState, target: number, t: number, via: ReachedLevel['via'], by: string | undefined, nameOf: NameOf): { state: IncidentState; effects: IncidentEffect[] } {
  const crossed = s.rules.levels.slice(via === 'open' ? 0 : s.level + 1, target + 1);
  const top = crossed.at(-1);
  if (!top) return { state: s, effects: [] };
  const roles = unique(crossed.flatMap((l) => l.roles));
  const users = holdersOf(s.rules, roles);
  const who = rolesText(s.rules, roles, nameOf);
  const topDue = s.openedAt + top.afterMs;
  const late = via === 'clock' && (crossed.length > 1 || t - topDue >= 60_000);
  const lateText = late ? ` (${crossed.map((l) => `${l.level} was due at ${at(s, s.openedAt + l.afterMs)}`).join(', ')}; reached at ${at(s, t)}, after a gap)` : '';
  const what =
    via === 'open' ? `${top.level}: paging ${who}.`
    : via === 'escalate-now' ? `${nameOf(by ?? '')} escalated ${s.id} to ${top.level}: paging ${who}.`
    : `${top.level}: ${s.id} is not mitigated after ${formatDurationShort(t - s.openedAt)}: paging ${who}${lateText}.`;
  const reached: ReachedLevel[] = crossed.map((l) => ({ level: l.level, dueAt: s.openedAt + l.afterMs, at: t, via, ...(by ? { by } : {}) }));
  let state: IncidentState = {
    ...withEntry(s, entry(t, by, via === 'open' ? 'paged' : 'escalated', what)),
    level: target,
    reached: [...s.reached, ...reached],
    paged: unique([...s.paged, ...users]),
    lastPagedAt: t,
  };
  const effects: IncidentEffect[] = [pageEffect(state, top.level, roles, users, false), { type: 'mention', level: top.level, roles, users, text: via === 'open' ? `${s.timeline.at(-1)?.what ?? s.summary} — ${what}` : what }];
  if (!s.warRoom && crossed.some((l) => l.warRoom)) {
    const channel = warRoomChannel(s.id);
    const allRoles = unique(state.reached.flatMap((r) => state.rules.levels.find((l) => l.level === r.level)?.roles ?? []));
    const invite = unique([...state.paged, ...(state.commander ? [state.commander.user] : [])]);
    state = { ...withEntry(state, entry(t, undefined, 'war-room', `War room #${channel} opened for ${s.id}: ${listText(invite.map(nameOf))} invited, the protocol pinned.`)), warRoom: { at: t, channel } };
    effects.push({ type: 'war-room', incidentId: s.id, channel, topic: `${s.id} (${s.severity}): ${s.summary}`.slice(0, 250), invite, roles: allRoles, pin: warRoomProtocol(state, nameOf) });
  }
  return { state, effects };
}

/** Whom a reminder mentions: the commander; without one, for the status page everyone paged, for the post-mortem the IC. */
function remindWhom(s: IncidentState, statusPage: boolean): string[] {
  if (s.commander) return [s.commander.user];
  return statusPage ? s.paged : (s.rules.holders.ic ?? []);
}

// ---------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------

const iso = (t: number): string => new Date(t).toISOString();
/** A moment of the incident, for people: `+15m` from opening. */
const at = (s: IncidentState, t: number): string => `+${formatDurationShort(t - s.openedAt)}`;

function entry(t: number, by: string | undefined, kind: TimelineEntry['kind'], what: string): TimelineEntry {
  return { at: t, ...(by ? { by } : {}), kind, what };
}

const withEntry = (s: IncidentState, e: TimelineEntry): IncidentState => ({ ...s, timeline: [...s.timeline, e] });

function gated(s: IncidentState, action: GatedAction, by: string, doing: string, nameOf: NameOf, owner?: string): Applied | undefined {
  return may(s, action, by, owner) ? undefined : refused(s, onlyWho(s, action, doing, nameOf, owner));
}

const changed = (state: IncidentState, effects: IncidentEffect[]): Applied => ({ state, effects: [...effects, { type: 'card' }], outcome: { kind: 'changed' } });
const unchanged = (state: IncidentState, why: string): Applied => ({ state, effects: [], outcome: { kind: 'unchanged', why } });
const refused = (state: IncidentState, why: string): Applied => ({ state, effects: [], outcome: { kind: 'refused', why } });
