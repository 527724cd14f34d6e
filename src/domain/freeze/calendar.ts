/**
 * The freeze calendar's clock work: local days and times in `freeze.timezone`, and the weeks in which a
 * reference market shifts its clocks. Offsets come from the runtime's time-zone database (through luxon);
 * no DST dates are written down here, so a zone that changes its rules needs only a tzdata update.
 */
import { DateTime, IANAZone } from 'luxon';

const DAY_MS = 86_400_000;

/** An instant as the freeze calendar shows it: `2026-11-02 09:30 Europe/Istanbul`. */
export const formatTime = (at: Date, zone: string): string => `${local(at, zone).toFormat('yyyy-MM-dd HH:mm')} ${zone}`;

/** `2026-11-02 09:30–18:00 Europe/Istanbul`, or both dates when it spans midnight; `… until lifted` when open-ended. */
export function formatSpan(start: Date, end: Date | undefined, zone: string): string {
  const a = local(start, zone);
  const from = a.toFormat('yyyy-MM-dd HH:mm');
  if (end === undefined) return `${from} ${zone} until lifted`;
  const b = local(end, zone);
  return a.hasSame(b, 'day') ? `${from}–${b.toFormat('HH:mm')} ${zone}` : `${from} – ${b.toFormat('yyyy-MM-dd HH:mm')} ${zone}`;
}

export const local = (at: Date | number, zone: string): DateTime => DateTime.fromMillis(+at, { zone });

/** The local day at `HH:MM`. */
export function atTime(day: DateTime, hhmm: string): DateTime {
  const [hour = 0, minute = 0] = hhmm.split(':').map(Number);
  return day.set({ hour, minute, second: 0, millisecond: 0 });
}

/** A reference zone changing its UTC offset. */
export interface ClockChange {
  zone: string;
  at: Date;
  /** the zone's own date of the change, YYYY-MM-DD */
  date: string;
}

/** The instants in [from, to) at which `zone`'s offset differs from the millisecond before. */
function offsetChanges(zone: string, from: number, to: number): number[] {
  const z = IANAZone.create(zone);
  const found: number[] = [];
  // Days are short enough that no zone changes twice within one; each change is then narrowed down to the ms.
  for (let a = from - 1; a < to - 1; a += DAY_MS) {
    const b = Math.min(a + DAY_MS, to - 1);
    const before = z.offset(a);
    if (z.offset(b) === before) continue;
    let lo = a;
    let hi = b;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (z.offset(mid) === before) lo = mid;
      else hi = mid;
    }
    found.push(hi);
  }
  return found;
}

/**
 * The DST weeks of the ritual: the weeks (Monday 00:00 – Sunday 24:00 in the freeze time zone; a week is
 * passed in as its start) in which one of `referenceZones` changes its clocks, and the weeks after.
 */
export class DstWeeks {
  private readonly changes = new Map<number, ClockChange[]>();
  private readonly causesOf = new Map<number, ClockChange[]>();

  constructor(private readonly referenceZones: readonly string[]) {}

  /** The clock changes of the reference zones within the week starting `week`. */
  changesIn(week: DateTime): ClockChange[] {
    const key = week.toMillis();
    let list = this.changes.get(key);
    if (list === undefined) {
      const end = week.plus({ weeks: 1 }).toMillis();
      list = this.referenceZones.flatMap((zone) =>
        offsetChanges(zone, key, end).map((t) => ({ zone, at: new Date(t), date: local(t, zone).toISODate() ?? '' })),
      );
      this.changes.set(key, list);
    }
    return list;
  }

  /** Why the week starting `week` is a DST week: the changes in it and in the week before; empty when it is not. */
  causes(week: DateTime): ClockChange[] {
    const key = week.toMillis();
    let list = this.causesOf.get(key);
    if (list === undefined) {
      list = [...this.changesIn(week.minus({ weeks: 1 })), ...this.changesIn(week)];
      this.causesOf.set(key, list);
    }
    return list;
  }

  isDstWeek(week: DateTime): boolean {
    return this.causes(week).length > 0;
  }

  /** The Monday 00:00 on which the run of DST weeks containing `week` ends. */
  periodEnd(week: DateTime): DateTime {
    let w = week;
    // Bounded: even a zone changing every week could not hold the calendar closed for more than a year.
    for (let i = 0; i < 53 && this.isDstWeek(w); i++) w = w.plus({ weeks: 1 });
    return w;
  }
}
