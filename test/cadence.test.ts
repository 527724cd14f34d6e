import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config/schema.ts';
import { snapshotOffsets } from '../src/domain/cadence.ts';

const MIN = 60_000;
const H = 60 * MIN;

describe('first-night cadence', () => {
  it('gives the 31 default snapshots from T+15 min to T+24 h', () => {
    const offsets = snapshotOffsets(defaultConfig().firstNight.cadence);
    expect(offsets).toHaveLength(31);
    expect(offsets.slice(0, 9).map((o) => o / MIN)).toEqual([15, 30, 45, 60, 75, 90, 105, 120, 150]);
    expect(offsets.at(-1)).toBe(24 * H);
    expect(offsets.filter((o) => o > 12 * H && o <= 18 * H).map((o) => o / H)).toEqual([14, 16, 18]);
  });

  it('follows a team cadence', () => {
    expect(snapshotOffsets([{ from: 0, to: H, every: 20 * MIN }, { from: H, to: 2 * H, every: H }]).map((o) => o / MIN)).toEqual([20, 40, 60, 120]);
  });
});
