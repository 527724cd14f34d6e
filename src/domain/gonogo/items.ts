/**
 * The required items of RITUAL §4: which the bot fills in from evidence, which a role ticks by hand (as the config says), and
 * how evidence becomes an item's state. Missing evidence is never a pass: it leaves an item unknown.
 */
import type { Outcome } from '../preflight/finding.ts';
import type { AutoFill, ChecklistItem, ItemState } from './types.ts';

/** A required item as the config has it: filled by the bot (`auto`) or ticked by a role (`tickedBy`), never both. */
export interface ItemSpec {
  id: string;
  title: string;
  auto?: string | { preflight: readonly string[] };
  tickedBy?: string;
}

/** The sources an auto item reads: preflight check ids, or `evidence`, `ci`, `coverage`. */
const sourcesOf = (auto: NonNullable<ItemSpec['auto']>): string[] => (typeof auto === 'string' ? [auto] : [...auto.preflight]);

/** A session's items for the config's list, in its order: auto items start unknown (no evidence yet), role items missing. */
export function planItems(items: readonly ItemSpec[]): ChecklistItem[] {
  return items.map(({ id, title, auto, tickedBy }): ChecklistItem => {
    if (auto !== undefined) return { id, title, state: 'unknown', detail: 'no evidence yet', source: 'auto', from: sourcesOf(auto) };
    if (tickedBy === undefined) throw new Error(`gonogo: item "${id}" is neither filled by the bot nor ticked by a role`);
    return { id, title, state: 'missing', detail: 'not ticked yet', source: 'role', role: tickedBy };
  });
}

/** What one evidence source said: a preflight check's finding, or a judged CI status or coverage report. */
export interface SourceResult {
  outcome: Outcome;
  summary: string;
}

/**
 * Every auto item's value from the evidence, keyed by source id: any source failed → failed; any skipped or
 * absent → unknown; otherwise ok (a warning shows in the detail).
 */
export function autoFill(items: readonly ChecklistItem[], evidence: Readonly<Record<string, SourceResult>>): AutoFill[] {
  const fills: AutoFill[] = [];
  for (const item of items) {
    if (item.source !== 'auto') continue;
    const seen = item.from.map((src) => ({ src, result: evidence[src] }));
    const failed = seen.filter((s) => s.result?.outcome === 'fail');
    const unknown = seen.filter((s) => s.result === undefined || s.result.outcome === 'skipped');
    const warned = seen.filter((s) => s.result?.outcome === 'warn');
    const [state, notable]: [ItemState, typeof seen] = failed.length ? ['failed', failed] : unknown.length ? ['unknown', unknown] : ['ok', warned];
    const line = ({ src, result }: (typeof seen)[number]) => `${src}: ${result ? `${result.outcome} — ${result.summary}` : 'no evidence'}`;
    const detail =
      notable.length > 0 ? notable.map(line).join('; ')
      : seen.length === 1 ? (seen[0]?.result?.summary ?? '')
      : `${item.from.join(', ')}: pass`;
    fills.push({ id: item.id, state, detail });
  }
  return fills;
}

/** The `ci` source: green or not, as the pipeline said it. */
export function judgeCi(ci: { green: boolean; said: string } | undefined): SourceResult {
  if (!ci) return { outcome: 'skipped', summary: 'no CI status configured' };
  return ci.green ? { outcome: 'pass', summary: `CI says "${ci.said}"` } : { outcome: 'fail', summary: `CI says "${ci.said}", not green` };
}

/** The `coverage` source: the report's total against `gonogo.coverageMin`. */
export function judgeCoverage(percent: number | undefined, min: number): SourceResult {
  if (percent === undefined) return { outcome: 'skipped', summary: 'no coverage report configured' };
  return percent >= min
    ? { outcome: 'pass', summary: `coverage ${percent} % (minimum ${min} %)` }
    : { outcome: 'fail', summary: `coverage ${percent} % is below the minimum ${min} %` };
}

/**
 * The items under a new binding: each auto item takes its fill (unknown when none is given: evidence from
 * the old binding does not carry over); role items keep their ticks. A fill for an item that is not an auto
 * item is a caller's mistake and throws.
 */
export function refreshItems(items: readonly ChecklistItem[], fills: readonly AutoFill[], at: string): ChecklistItem[] {
  for (const f of fills) {
    const item = items.find((i) => i.id === f.id);
    if (!item) throw new Error(`gonogo: no item "${f.id}" to refresh`);
    if (item.source !== 'auto') throw new Error(`gonogo: item "${f.id}" is ticked by ${item.role}, not filled in by the bot`);
  }
  return items.map((item): ChecklistItem => {
    if (item.source !== 'auto') return item;
    const f = fills.find((x) => x.id === item.id);
    const next = f ? { state: f.state, detail: f.detail } : { state: 'unknown' as const, detail: 'not refreshed for the new evidence' };
    if (next.state === item.state && next.detail === item.detail) return item;
    return { ...item, ...next, at };
  });
}
