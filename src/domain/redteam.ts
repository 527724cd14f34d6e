/**
 * The red team of RITUAL §3 as plain data: one run per `/spark redteam <version>`, fifteen items. Items 1–10 are
 * the team's expensive mistakes, ticked by hand by the Red Team Lead; 11–15 are the bot's automated attacks.
 *
 * Everything here is JSON (times are ISO-8601 UTC strings), so a run is stored as it is, and every function is
 * pure. A run closes by itself when its last item is decided; a closed run refuses every change.
 */
import { roleLabel } from './gonogo/roles.ts';
import type { NameOf } from './gonogo/types.ts';
import type { Outcome } from './preflight/finding.ts';

export const RED_TEAM_LEAD = 'redTeamLead';

/** `open`: not decided yet, a manual item nobody ticked or an automated one still running. */
export type ItemOutcome = Outcome | 'open';

export interface RedteamItem {
  /** 1–15, its place in the ritual's list */
  number: number;
  id: string;
  title: string;
  kind: 'manual' | 'automated';
  outcome: ItemOutcome;
  /** the ticker's note, or what the automated item found */
  note?: string;
  /** the Slack user who ticked it (manual items) */
  by?: string;
  /** when it was decided */
  at?: string;
  /** the automated item's evidence file */
  evidence?: { path: string; sha256: string };
}

export interface RedteamRun {
  version: string;
  startedBy: string;
  startedAt: string;
  items: RedteamItem[];
  /** when the run closed: its last item was decided, or a newer run replaced it */
  finishedAt?: string;
  /** the newer run of the same version that replaced this one before it was complete */
  supersededBy?: number;
}

/** The Red Team Lead's verdict on one manual item. */
export interface Tick {
  itemId: string;
  user: string;
  outcome: 'pass' | 'fail';
  /** optional for a pass, required for a fail */
  note?: string;
}

export type TickOutcome =
  /** the run changed: save it, audit it, update the card */
  | { kind: 'changed' }
  /** the same tick again (a double click, a retry): nothing to do */
  | { kind: 'unchanged'; why: string }
  /** the person may not do that; `why` is a sentence for them. The run is untouched. */
  | { kind: 'refused'; why: string };

export interface Ticked {
  run: RedteamRun;
  outcome: TickOutcome;
}

/** A new run: the manual items first, then the automated ones, numbered in that order, every one open. */
export function openRun(
  version: string,
  startedBy: string,
  manual: readonly { id: string; title: string }[],
  automated: readonly { id: string; title: string }[],
  now: Date,
): RedteamRun {
  const items = [
    ...manual.map((m) => ({ ...m, kind: 'manual' as const })),
    ...automated.map((a) => ({ id: a.id, title: a.title, kind: 'automated' as const })),
  ].map((item, i): RedteamItem => ({ number: i + 1, ...item, outcome: 'open' }));
  return { version, startedBy, startedAt: now.toISOString(), items };
}

/** Every item decided: nothing is `open`. */
export const isComplete = (run: RedteamRun): boolean => run.items.every((i) => i.outcome !== 'open');

/** The run, closed at `now` if that made it complete. */
const closeIfComplete = (run: RedteamRun, now: Date): RedteamRun => (!run.finishedAt && isComplete(run) ? { ...run, finishedAt: now.toISOString() } : run);

const withItem = (run: RedteamRun, next: RedteamItem): RedteamRun => ({ ...run, items: run.items.map((i) => (i.number === next.number ? next : i)) });

/**
 * An automated item's finding and its evidence file. A run closed meanwhile (superseded) still records it: the
 * evidence was taken. Throws for an item that is not an open automated item, a caller's mistake.
 */
export function recordFinding(
  run: RedteamRun,
  itemId: string,
  finding: { outcome: Outcome; summary: string },
  evidence: { path: string; sha256: string },
  now: Date,
): RedteamRun {
  const item = run.items.find((i) => i.id === itemId && i.kind === 'automated');
  if (!item || item.outcome !== 'open') throw new Error(`redteam: "${itemId}" is not an open automated item of the run for ${run.version}`);
  return closeIfComplete(withItem(run, { ...item, outcome: finding.outcome, note: finding.summary, at: now.toISOString(), evidence }), now);
}

/** A newer run of the same version replaces this one; a run already closed stays as it is. */
export const supersede = (run: RedteamRun, by: number, now: Date): RedteamRun => (run.finishedAt ? run : { ...run, finishedAt: now.toISOString(), supersededBy: by });

export const mayTick = (holders: Readonly<Record<string, readonly string[]>>, user: string): boolean => (holders[RED_TEAM_LEAD] ?? []).includes(user);

const plainName: NameOf = (id) => id;

/**
 * The run after the Red Team Lead's tick at `now`. Refused: an item that is not one of 1–10, a closed run, a
 * person who does not hold `redTeamLead` in `holders` (config `roles`), a fail without a note. The same tick again
 * is unchanged, even on the run it closed; another verdict, note or ticker replaces the earlier one.
 */
export function tick(run: RedteamRun, t: Tick, now: Date, holders: Readonly<Record<string, readonly string[]>>, nameOf: NameOf = plainName): Ticked {
  const refused = (why: string): Ticked => ({ run, outcome: { kind: 'refused', why } });
  const item = run.items.find((i) => i.id === t.itemId && i.kind === 'manual');
  if (!item) {
    const automated = run.items.find((i) => i.id === t.itemId);
    return refused(automated ? `Item ${automated.number}, "${automated.title}", is checked by the bot; it cannot be ticked by hand.` : `There is no item "${t.itemId}" in this red team.`);
  }
  const note = t.note?.trim() || undefined;
  const same = item.outcome === t.outcome && item.by === t.user && item.note === note;
  const word = t.outcome === 'pass' ? 'a pass' : 'a fail';
  if (same) return { run, outcome: { kind: 'unchanged', why: `Item ${item.number}, "${item.title}", is already ${word}.` } };
  if (run.supersededBy !== undefined) return refused(`This red team for ${run.version} was replaced by run ${run.supersededBy}: tick the items on its card.`);
  if (run.finishedAt) return refused(`The red team for ${run.version} is complete and its summary sealed; nothing can be changed. Run \`/spark redteam ${run.version}\` for a new review.`);
  if (!mayTick(holders, t.user)) {
    const names = (holders[RED_TEAM_LEAD] ?? []).map(nameOf);
    const lead = roleLabel(RED_TEAM_LEAD);
    return refused(names.length === 0 ? `Nobody holds ${lead} role in the config, so nobody can tick the red team's items.` : `Only ${lead} (${names.join(' or ')}) can tick the red team's items.`);
  }
  if (t.outcome === 'fail' && !note) return refused(`Marking item ${item.number}, "${item.title}", as a fail needs a note.`);
  const next: RedteamItem = { number: item.number, id: item.id, title: item.title, kind: 'manual', outcome: t.outcome, by: t.user, at: now.toISOString(), ...(note ? { note } : {}) };
  return { run: closeIfComplete(withItem(run, next), now), outcome: { kind: 'changed' } };
}

/** passed-with-warnings: an automated item warned · in-review: items still open · incomplete: an automated item was skipped. */
export type RedteamVerdict = 'passed' | 'passed-with-warnings' | 'incomplete' | 'in-review' | 'not-passed';

export interface RunVerdict {
  verdict: RedteamVerdict;
  counts: Record<ItemOutcome, number>;
}

/** Like preflight's: any fail means not passed, at once; a skipped item means incomplete, never passed. */
export function verdictOf(run: RedteamRun): RunVerdict {
  const counts: Record<ItemOutcome, number> = { pass: 0, warn: 0, fail: 0, skipped: 0, open: 0 };
  for (const i of run.items) counts[i.outcome]++;
  const verdict: RedteamVerdict =
    counts.fail > 0 ? 'not-passed' : counts.open > 0 ? 'in-review' : counts.skipped > 0 ? 'incomplete' : counts.warn > 0 ? 'passed-with-warnings' : 'passed';
  return { verdict, counts };
}
