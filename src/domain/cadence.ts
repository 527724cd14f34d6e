import type { CadenceWindow } from '../config/schema.ts';

/**
 * The first-night snapshot times, as offsets from the moment stage 5 passed: every `every` within each
 * window, ending each window at its `to`. The defaults give 31: T+15 min … T+24 h.
 */
export function snapshotOffsets(cadence: CadenceWindow[]): number[] {
  const offsets: number[] = [];
  for (const w of cadence) {
    for (let t = w.from + w.every; t <= w.to; t += w.every) offsets.push(t);
  }
  return offsets;
}
