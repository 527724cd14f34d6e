/**
 * The forbidden windows of RITUAL §7 as intervals of time: BIST hours (schema changes), the closed hours of
 * DST weeks (every deploy) and the change freeze of the run of show (every deploy). Start inclusive, end
 * exclusive.
 */
import type { SparkConfig } from '../../config/schema.ts';
import { atTime, type ClockChange, DstWeeks, formatTime, local } from './calendar.ts';
import type { DateTime } from 'luxon';

export type FreezeRules = SparkConfig['freeze'];

/** The change freeze of the run of show: from T-30 until the freeze lift (open-ended until it is lifted). */
export interface ChangeFreeze {
  from: Date;
  until?: Date;
  reason: string;
}

export type WindowKind = 'freeze' | 'dst' | 'bist';

export interface ForbiddenWindow {
  kind: WindowKind;
  start: Date;
  /** undefined: until the freeze is lifted */
  end: Date | undefined;
  /** only schema changes are refused in it (BIST hours); the other windows refuse every deploy */
  schemaOnly: boolean;
  /** why, in a sentence for the release captain */
  why: string;
  /** kind `dst`: the clock changes that make these DST weeks */
  clockChanges?: ClockChange[];
}

/** When windows overlap, the one named is the most sweeping. */
const PRIORITY: Record<WindowKind, number> = { freeze: 0, dst: 1, bist: 2 };
export const byPriority = (a: ForbiddenWindow, b: ForbiddenWindow): number => PRIORITY[a.kind] - PRIORITY[b.kind];

/** Whether the window refuses something in [from, to); an empty span counts as its instant `from`. */
export const overlaps = (w: ForbiddenWindow, from: number, to: number): boolean =>
  +w.start < Math.max(to, from + 1) && (w.end === undefined || +w.end > from);

/** Every forbidden window overlapping [from, to), whole (not clipped), by start. */
export function forbiddenWindows(rules: FreezeRules, from: Date, to: Date, freezes: readonly ChangeFreeze[]): ForbiddenWindow[] {
  const tz = rules.timezone;
  const dst = new DstWeeks(rules.dstReferenceZones);
  const found: ForbiddenWindow[] = [];
  const last = local(to, tz).startOf('day');
  // From the day before: its night window may reach into `from`.
  for (let day = local(from, tz).startOf('day').minus({ days: 1 }); day <= last; day = day.plus({ days: 1 })) {
    found.push(...bistWindows(rules, day), ...dstWindows(rules, dst, day));
  }
  found.push(...freezes.flatMap((f) => freezeWindow(f)));
  return found.filter((w) => overlaps(w, +from, +to)).sort((a, b) => +a.start - +b.start || byPriority(a, b));
}

export const isTradingDay = (rules: FreezeRules, day: DateTime): boolean =>
  rules.tradingDays.includes(day.weekday) && !rules.holidays.includes(day.toISODate() ?? '');

function bistWindows(rules: FreezeRules, day: DateTime): ForbiddenWindow[] {
  if (!isTradingDay(rules, day)) return [];
  const { start, end } = rules.bistHours;
  return [
    {
      kind: 'bist',
      start: atTime(day, start).toJSDate(),
      end: atTime(day, end).toJSDate(),
      schemaOnly: true,
      why: `no schema changes during BIST trading hours ${start}–${end} ${rules.timezone} on a trading day`,
    },
  ];
}

/** A DST day is closed outside the morning window; the night runs on into the next day when that is a DST day too. */
function dstWindows(rules: FreezeRules, dst: DstWeeks, day: DateTime): ForbiddenWindow[] {
  const isDst = (d: DateTime) => dst.isDstWeek(d.startOf('week'));
  if (!isDst(day)) return [];
  const morning = rules.dstMorningWindow;
  const next = day.plus({ days: 1 });
  const windows: ForbiddenWindow[] = [];
  const opens = atTime(day, morning.start);
  if (!isDst(day.minus({ days: 1 })) && opens > day) windows.push(dstWindow(rules, dst, day, opens));
  windows.push(dstWindow(rules, dst, atTime(day, morning.end), isDst(next) ? atTime(next, morning.start) : next));
  return windows;
}

function dstWindow(rules: FreezeRules, dst: DstWeeks, start: DateTime, end: DateTime): ForbiddenWindow {
  const weeks = [start.startOf('week'), end.minus({ milliseconds: 1 }).startOf('week')];
  const seen = new Set<string>();
  const changes = weeks
    .flatMap((w) => dst.causes(w))
    .filter((c) => !seen.has(`${c.zone}@${+c.at}`) && seen.add(`${c.zone}@${+c.at}`))
    .sort((a, b) => +a.at - +b.at);
  const told = changes.map((c) => `${c.zone} ${+c.at <= +start ? 'changed' : 'changes'} its clocks on ${c.date}`).join(', ');
  const until = formatTime(dst.periodEnd(weeks[0]!).toJSDate(), rules.timezone);
  const { start: from, end: to } = rules.dstMorningWindow;
  return {
    kind: 'dst',
    start: start.toJSDate(),
    end: end.toJSDate(),
    schemaOnly: false,
    why: `DST week: ${told}; until ${until} deploys only ${from}–${to} ${rules.timezone}`,
    clockChanges: changes,
  };
}

function freezeWindow(f: ChangeFreeze): ForbiddenWindow[] {
  if (f.until !== undefined && +f.until <= +f.from) return [];
  return [{ kind: 'freeze', start: f.from, end: f.until, schemaOnly: false, why: `change freeze (${f.reason}): no deploys, emergency rollback only` }];
}
