/**
 * JSON with object keys sorted (by UTF-16 code unit, at every depth), so the same details always seal to the
 * same text. Otherwise it follows JSON.stringify (toJSON is used, undefined and function members are dropped),
 * but it refuses what JSON would silently change: NaN and Infinity (they would become null), and bigint.
 */
export function canonicalJson(value: unknown): string {
  const v = typeof (value as { toJSON?: unknown } | null)?.toJSON === 'function' ? (value as { toJSON(): unknown }).toJSON() : value;
  if (typeof v === 'number' && !Number.isFinite(v)) throw new TypeError(`canonical JSON: ${v} is not a JSON number`);
  if (typeof v === 'bigint') throw new TypeError('canonical JSON: a bigint has no JSON form; pass a string or a number');
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  const absent = (x: unknown) => x === undefined || typeof x === 'function' || typeof x === 'symbol';
  if (Array.isArray(v)) return `[${v.map((x) => (absent(x) ? 'null' : canonicalJson(x))).join(',')}]`;
  const o = v as Record<string, unknown>;
  const members = Object.keys(o)
    .filter((k) => !absent(o[k]))
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`);
  return `{${members.join(',')}}`;
}
