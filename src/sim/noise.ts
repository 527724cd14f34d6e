/**
 * Deterministic randomness for the simulated platform: same seed, same key, same time → same number.
 * Never Math.random, so a rehearsal replays exactly.
 */

/** FNV-1a over the parts, as an unsigned 32-bit integer. */
export function hash32(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('\u0000')) {
    h ^= ch.codePointAt(0) ?? 0;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a small seeded PRNG answering numbers in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Smooth noise in [-1, 1] as a function of time: a random knot every `periodMs`, eased between knots,
 * so consecutive analysis ticks drift rather than jump.
 */
export function wobble(seed: number, key: string, atMs: number, periodMs = 60_000): number {
  const k = Math.floor(atMs / periodMs);
  const f = (atMs - k * periodMs) / periodMs;
  const knot = (i: number) => prng(hash32(seed, key, i))();
  const a = knot(k);
  const b = knot(k + 1);
  const eased = f * f * (3 - 2 * f);
  return (a + (b - a) * eased) * 2 - 1;
}
