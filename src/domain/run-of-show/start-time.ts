/**
 * When T-0 is, from what was typed after the version: `HH:MM` (today) or `YYYY-MM-DD HH:MM`, a wall-clock time in
 * the bot's time zone (Europe/Istanbul by default). A time the clocks skip (a spring-forward gap) is refused; a time
 * they show twice (a fall-back hour) is the first of the two. T-0 must be far enough ahead for the whole countdown:
 * at least the change freeze's offset (30 min) from now.
 */
import { DateTime } from 'luxon';
import { formatDurationShort } from '../canary/format.ts';

export type StartAt = { ok: true; t0: Date } | { ok: false; problem: string };

export interface StartRequest {
  version: string;
  now: Date;
  zone: string;
  /** how far ahead T-0 must be at least */
  leadMs: number;
}

const SHAPE = /^(?:(\d{4})-(\d{2})-(\d{2}) )?(\d{2}):(\d{2})$/;

const localText = (at: DateTime) => at.toFormat('yyyy-MM-dd HH:mm');

/** The instant the wall-clock time shows in `zone`, the earlier of two in a fall-back hour; undefined in a gap. */
function instantOf(wall: { year: number; month: number; day: number; hour: number; minute: number }, zone: string): DateTime | undefined {
  const guess = DateTime.fromObject(wall, { zone });
  const wanted = localText(DateTime.fromObject(wall, { zone: 'UTC' }));
  // Luxon moves a time in a gap forward (past the gap) and may pick either instant of a doubled hour: look an hour to each side.
  const found = [guess.minus({ hours: 1 }), guess, guess.plus({ hours: 1 })].filter((d) => localText(d) === wanted);
  return found.sort((a, b) => a.toMillis() - b.toMillis())[0];
}

/** Parses and checks the start time; the problem says what was wrong and what to type instead. */
export function startAt(text: string, req: StartRequest): StartAt {
  const { version, zone } = req;
  const now = DateTime.fromJSDate(req.now, { zone });
  const typed = text.trim();
  const example = (at: DateTime) => `\`/spark runofshow ${version} ${at.hasSame(now, 'day') ? at.toFormat('HH:mm') : localText(at)}\``;
  const earliest = DateTime.fromMillis(Math.ceil((req.now.getTime() + req.leadMs) / 60_000) * 60_000, { zone });
  const m = SHAPE.exec(typed);
  if (!m) return { ok: false, problem: `\`${typed}\` is not a start time: use HH:MM (${zone}, today) or YYYY-MM-DD HH:MM, e.g. ${example(earliest)}` };
  const [, y, mo, d, h, mi] = m;
  const hour = Number(h);
  const minute = Number(mi);
  if (hour > 23 || minute > 59) return { ok: false, problem: `\`${typed}\` is not a time of day: use 00:00 to 23:59, e.g. ${example(earliest)}` };
  const day = y === undefined ? now : DateTime.fromObject({ year: Number(y), month: Number(mo), day: Number(d) }, { zone });
  if (!day.isValid) return { ok: false, problem: `\`${typed}\` is not a date: use YYYY-MM-DD HH:MM, e.g. ${example(earliest)}` };
  const at = instantOf({ year: day.year, month: day.month, day: day.day, hour, minute }, zone);
  const wall = `${day.toFormat('yyyy-MM-dd')} ${h}:${mi}`;
  if (at === undefined) {
    return { ok: false, problem: `${wall} does not exist in ${zone}: the clocks skip it that night. Type a time after the change, e.g. ${example(DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour, minute }, { zone }))}` };
  }
  const ahead = at.toMillis() - req.now.getTime();
  if (ahead <= 0) {
    const tomorrow = at.plus({ days: 1 });
    const hint = y === undefined ? `a later time today, or tomorrow with its date, e.g. \`/spark runofshow ${version} ${localText(tomorrow)}\`` : `a time after ${localText(earliest)}, e.g. ${example(earliest)}`;
    return { ok: false, problem: `T-0 at ${wall} ${zone} has already passed (it is ${localText(now)}): type ${hint}` };
  }
  if (ahead < req.leadMs) {
    return {
      ok: false,
      problem: `T-0 at ${wall} ${zone} is only ${formatDurationShort(ahead)} away: the countdown begins ${formatDurationShort(req.leadMs)} before T-0 with the change freeze. Type ${localText(earliest)} or later, e.g. ${example(earliest)}`,
    };
  }
  return { ok: true, t0: at.toJSDate() };
}
