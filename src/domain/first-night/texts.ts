/**
 * What the first night writes (RITUAL §6), in Slack mrkdwn: the snapshot posts, the release card's one line,
 * and at T+24h the release note and the mini-RCA template. Pure: every input is passed in.
 *
 * Texts that can grow come back as a list of strings, each at most `SLACK_TEXT_LIMIT` characters (a section
 * block's limit), split between sections, else between lines (`splitForSlack`).
 *
 * Like the canary's cards, the texts do not escape `&`, `<`, `>`: names come from the config and decisions may
 * carry Slack mentions and links (`<@U123>`), which escaping would break.
 */
import type { Comparison, Unit } from '../../config/schema.ts';
import { formatDurationShort, formatValue, SIGN } from '../canary/format.ts';
import type { Verdict } from '../canary/signals.ts';
import { inFastCadence, isOver, nextDueOffset, plannedCount, type NightRules, type NightState } from './schedule.ts';
import type { BreachRecord, CheckResult, NightSummary, SnapshotResult, Trend } from './snapshot.ts';

/** Slack's limit on a section block's text. */
export const SLACK_TEXT_LIMIT = 3000;

const MARK: Record<Verdict, string> = { pass: '✅', fail: '❌', 'no-data': '⚠️' };
/** How many breaches a release note or an RCA lists before `… and N more`. */
const MAX_LISTED = 10;

type Time = Date | number;
const ms = (t: Time): number => (typeof t === 'number' ? t : t.getTime());
/** `2026-03-10 14:05 UTC` */
const utc = (t: Time): string => `${new Date(ms(t)).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
/** `14:05` */
const hhmm = (t: Time): string => new Date(ms(t)).toISOString().slice(11, 16);
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

const HOUR = 3_600_000;

/** An offset from the release, in hours at most (the night is 24 h, never `1d`): `T+1h15m`, `T+24h`. */
export function offsetText(offsetMs: number): string {
  const total = Math.max(0, offsetMs);
  const hours = Math.floor(total / HOUR);
  const rest = total - hours * HOUR;
  if (hours === 0) return `T+${formatDurationShort(rest)}`;
  return `T+${hours}h${rest >= 1000 ? formatDurationShort(rest) : ''}`;
}

/** `< 200ms` */
export const limitText = (c: { comparison: Comparison; threshold: number; unit: Unit }): string => `${SIGN[c.comparison]} ${formatValue(c.threshold, c.unit)}`;

/** `↑ +12ms`, `↓ -3ms`, `→ flat`, `first value`; empty with no value now. */
export function trendText(trend: Trend, unit: Unit): string {
  switch (trend.dir) {
    case 'none':
      return '';
    case 'first':
      return 'first value';
    case 'flat':
      return '→ flat';
    case 'up':
      return `↑ +${formatValue(trend.delta, unit)}`;
    case 'down':
      return `↓ -${formatValue(-trend.delta, unit)}`;
  }
}

/** What a check measured: `240ms`, or `no data` with why when it is more than that. */
function measured(c: Pick<CheckResult, 'outcome' | 'value' | 'unit' | 'why'>): string {
  if (c.outcome !== 'no-data' && c.value !== undefined) return formatValue(c.value, c.unit);
  return c.why && c.why !== 'no data' ? `no data (${c.why})` : 'no data';
}

/** One check of a snapshot: `❌ *API p95*: 240ms (< 200ms) · ↑ +40ms`. */
export function checkLine(c: CheckResult): string {
  const trend = trendText(c.trend, c.unit);
  return `${MARK[c.outcome]} *${c.name}*: ${measured(c)} (${limitText(c)})${trend ? ` · ${trend}` : ''}`;
}

/** `API p95 240ms (< 200ms), Outbox lag p99 no data` */
const breachChecks = (checks: BreachRecord['checks']): string => checks.map((c) => `${c.name} ${measured(c)} (${limitText(c)})`).join(', ');

/**
 * A snapshot's post: `*First-night snapshot 5/31 · T+1h15m* — ✅ clean`, then one line per check.
 * `n`/`of`: the snapshot's number and the night's planned count once it is counted
 * (`after.n` and `plannedCount(after, rules)` with `after = afterSnapshot(…)`).
 */
export function snapshotPost(result: SnapshotResult, pos: { n: number; of: number }): string[] {
  const bad = result.checks.filter((c) => c.outcome !== 'pass');
  const failed = bad.filter((c) => c.outcome === 'fail');
  const verdict = result.clean
    ? '✅ clean'
    : failed.length > 0
      ? `❌ breach: ${bad.map((c) => c.name).join(', ')}`
      : `⚠️ no data: ${bad.map((c) => c.name).join(', ')}`;
  const head = `*First-night snapshot ${pos.n}/${pos.of} · ${offsetText(result.offsetMs)}* — ${verdict}`;
  const lines = result.checks.length > 0 ? result.checks.map(checkLine) : ['_no check applies at this time_'];
  return splitForSlack([[head, ...lines].join('\n')]);
}

/**
 * The release card's line about the night: `🌙 First night 5/31 · all clean · next T+1h30m`; during a breach
 * the fast cadence; once over, the tally.
 */
export function nightLine(summary: NightSummary, state: NightState, rules: NightRules): string {
  const breaches = summary.breaches.length;
  const lastBreach = summary.breaches.at(-1);
  const tally = lastBreach
    ? `${plural(breaches, 'breach', 'breaches')}, last ${offsetText(lastBreach.offsetMs)} (${lastBreach.checks.map((c) => c.name).join(', ')})`
    : 'all clean';
  if (isOver(state, rules)) {
    return `${breaches === 0 ? '✅' : '⚠️'} First night over · ${summary.clean}/${summary.taken} snapshots clean${breaches === 0 ? '' : ` · ${tally}`}`;
  }
  const parts = [`🌙 First night ${state.n}/${plannedCount(state, rules)}`];
  if (state.n > 0) parts.push(breaches === 0 ? tally : `${summary.last?.clean === false ? '❌' : '⚠️'} ${tally}`);
  if (inFastCadence(state)) {
    parts.push(`every ${formatDurationShort(rules.fastEveryMs)} until ${plural(state.fastUntilCleanRuns, 'more clean snapshot')}`);
  }
  parts.push(`next ${offsetText(nextDueOffset(state, rules) as number)}`);
  return parts.join(' · ');
}

/** One breach: `T+3h (snapshot 10, 2026-03-10 17:00 UTC): API p95 240ms (< 200ms)`. */
function breachLine(b: BreachRecord, releasedAt: Time | undefined): string {
  const when = releasedAt === undefined ? `snapshot ${b.n}` : `snapshot ${b.n}, ${utc(ms(releasedAt) + b.offsetMs)}`;
  return `${offsetText(b.offsetMs)} (${when}): ${breachChecks(b.checks)}`;
}

function listed<T>(items: readonly T[], line: (x: T) => string, none: string): string[] {
  if (items.length === 0) return [none];
  const shown = items.slice(0, MAX_LISTED).map((x) => `• ${line(x)}`);
  return items.length > MAX_LISTED ? [...shown, `• … and ${items.length - MAX_LISTED} more (see the evidence files)`] : shown;
}

/** The night in a sentence: `31 snapshots, all clean.` / `32 snapshots, 30 clean; 2 breaches.` */
export function nightTally(summary: NightSummary): string {
  if (summary.taken === 0) return 'No snapshot was taken.';
  const breaches = summary.breaches.length;
  return breaches === 0
    ? `${plural(summary.taken, 'snapshot')}, all clean.`
    : `${plural(summary.taken, 'snapshot')}, ${summary.clean} clean; ${plural(breaches, 'breach', 'breaches')}.`;
}

export interface ReleaseNoteFacts {
  version: string;
  /** T+0: stage 5 passed */
  releasedAt: Time;
  /** the night's last snapshot (T+24h) */
  closedAt: Time;
  stages: { stage: number; weight: number; startedAt: Time; endedAt: Time; /** `passed`, `promoted early by …` */ ended: string }[];
  /** the golden signals over the canary */
  signals: { name: string; unit: Unit; value: number | null; verdict: Verdict }[];
  /** the release one-liner (canary/oneliner.ts) */
  oneLiner: string;
  /** already written: `GO by Ayşe Kaya (IC)` */
  decisions: { at: Time; text: string }[];
  incidents: { at: Time; title: string; status?: string; link?: string }[];
  night: NightSummary;
}

/** The T+24h release note, as one or more Slack-sized texts. */
export function releaseNote(f: ReleaseNoteFacts): string[] {
  const header = [
    `*Release note — ${f.version}*`,
    `At 100 % since ${utc(f.releasedAt)}; first night closed ${utc(f.closedAt)}.`,
    `> ${f.oneLiner.replace(/\n/g, ' ')}`,
  ].join('\n');
  const stages = [
    '*Canary stages*',
    ...listedAll(f.stages, (s) => `Stage ${s.stage} · ${s.weight} % · ${hhmm(s.startedAt)} → ${hhmm(s.endedAt)} UTC (${formatDurationShort(ms(s.endedAt) - ms(s.startedAt))}) · ${s.ended}`, '_none recorded_'),
  ].join('\n');
  const signals = [
    '*Golden signals* (over the canary)',
    ...listedAll(f.signals, (s) => `${MARK[s.verdict]} ${s.name}: ${s.value === null ? 'no data' : formatValue(s.value, s.unit)}`, '_none recorded_'),
  ].join('\n');
  const night = [
    '*First night*',
    nightTally(f.night),
    ...(f.night.breaches.length > 0 ? listed(f.night.breaches, (b) => breachLine(b, f.releasedAt), '') : []),
    ...(f.night.worst.length > 0
      ? [`Worst values: ${f.night.worst.map((w) => `${w.name} ${formatValue(w.value, w.unit)} at ${offsetText(w.offsetMs)} (${limitText(w)})`).join(' · ')}`]
      : []),
  ].join('\n');
  const decisions = ['*Decisions*', ...listedAll(f.decisions, (d) => `${utc(d.at)} — ${d.text}`, '_none recorded_')].join('\n');
  const incidents = [
    '*Incidents*',
    ...listedAll(
      f.incidents,
      (i) => `${utc(i.at)} — ${i.link ? `<${i.link}|${i.title}>` : i.title}${i.status ? ` (${i.status})` : ''}`,
      'None.',
    ),
  ].join('\n');
  return splitForSlack([header, stages, signals, night, decisions, incidents]);
}

/** Every item as a bullet (the text is split for Slack, not cut). */
const listedAll = <T>(items: readonly T[], line: (x: T) => string, none: string): string[] => (items.length === 0 ? [none] : items.map((x) => `• ${line(x)}`));

const BLANK = '_(to fill)_';

/**
 * The mini-RCA template: what happened / impact / detection / root cause / action items. Blank for the team to
 * fill, with what happened and the detection prefilled from the night's breaches, if any.
 */
export function miniRca(f: { version: string; releasedAt: Time; night: NightSummary }): string[] {
  const b = f.night.breaches;
  const first = b[0];
  const happened = [
    '*What happened*',
    ...(b.length === 0 ? [`No breach during the first night: ${nightTally(f.night)}`] : listed(b, (x) => breachLine(x, f.releasedAt), '')),
    BLANK,
  ].join('\n');
  const impact = ['*Impact*', '_Who or what was affected, for how long, how badly (orders, users, money)._', BLANK].join('\n');
  const detection = [
    '*Detection*',
    ...(first
      ? [`First seen by first-night snapshot ${first.n} at ${offsetText(first.offsetMs)} (${utc(ms(f.releasedAt) + first.offsetMs)}).`]
      : []),
    BLANK,
  ].join('\n');
  const cause = ['*Root cause*', BLANK].join('\n');
  const actions = ['*Action items*', '• [ ] _action_ — _owner_ — _due date_', '• [ ] _action_ — _owner_ — _due date_'].join('\n');
  return splitForSlack([`*Mini RCA — ${f.version} first night*`, happened, impact, detection, cause, actions]);
}

/**
 * Packs sections into texts of at most `limit` characters: sections joined by a blank line; a section that
 * does not fit starts a new text, and one longer than the limit is split between lines (a longer line is cut).
 */
export function splitForSlack(sections: readonly string[], limit = SLACK_TEXT_LIMIT): string[] {
  const out: string[] = [];
  let cur = '';
  const add = (piece: string, sep: string) => {
    if (cur === '') cur = piece;
    else if (cur.length + sep.length + piece.length <= limit) cur += sep + piece;
    else {
      out.push(cur);
      cur = piece;
    }
  };
  for (const section of sections) {
    if (section.length <= limit) {
      add(section, '\n\n');
      continue;
    }
    section.split('\n').forEach((line, i) => {
      for (const part of cut(line, limit)) add(part, i === 0 ? '\n\n' : '\n');
    });
  }
  if (cur !== '') out.push(cur);
  return out;
}

/** A line in pieces of at most `limit`, never between the two halves of a surrogate pair. */
function cut(line: string, limit: number): string[] {
  const parts: string[] = [];
  let rest = line;
  while (rest.length > limit) {
    let at = limit;
    const code = rest.charCodeAt(at - 1);
    if (code >= 0xd800 && code <= 0xdbff) at--;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at);
  }
  parts.push(rest);
  return parts;
}
