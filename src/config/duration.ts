/**
 * Durations as people write them in `spark.config.yml`: `500ms`, `10s`, `15m`, `24h`, `90d`,
 * or a sum of such parts, largest first (`1h30m`). Parsed to whole milliseconds.
 */

const UNIT_MS = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
} as const;

type DurationUnit = keyof typeof UNIT_MS;

/** Units from largest to smallest; also the order parts must appear in. */
const UNITS_DESC: readonly DurationUnit[] = ['d', 'h', 'm', 's', 'ms'];

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;

/** The message every config field of duration type uses for a bad value. */
export function durationMessage(got: unknown): string {
  if (got === undefined) return 'required: a duration like 15m, 10s or 24h';
  return `expected a duration like 15m, 10s or 24h, got ${describeValue(got)}`;
}

/**
 * `"15m"` → 900000. Returns `undefined` for anything that is not a duration:
 * empty text, spaces, a bare number (`"15"`: the unit is never guessed), unknown units,
 * a unit repeated or out of order (`"30m1h"`).
 */
export function parseDuration(text: string): number | undefined {
  if (text.length === 0) return undefined;
  PART.lastIndex = 0;
  let total = 0;
  let lastRank = -1;
  while (PART.lastIndex < text.length) {
    const m = PART.exec(text);
    if (!m) return undefined;
    const unit = m[2] as DurationUnit;
    const rank = UNITS_DESC.indexOf(unit);
    if (rank <= lastRank) return undefined;
    lastRank = rank;
    total += Number(m[1]) * UNIT_MS[unit];
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

/** 900000 → `"15m"`, 5400000 → `"1h30m"`, 0 → `"0s"`. The inverse of {@link parseDuration} for whole ms. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`not a duration: ${ms}`);
  let rest = Math.round(ms);
  if (rest === 0) return '0s';
  let out = '';
  for (const unit of UNITS_DESC) {
    const size = UNIT_MS[unit];
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

/** A value quoted the way error messages show it: strings in quotes, lists and maps by kind. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'an empty value';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  return String(v);
}
