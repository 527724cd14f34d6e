import { Decimal } from 'decimal.js';
import { findingOf, type Finding, type Outcome } from '../../../domain/preflight/finding.ts';
import { need } from '../../preflight/check.ts';
import type { RedteamCheck } from '../check.ts';

type Sample = { value: string; scale: number };

/** The exact decimal value rounded to its scale with banker's rounding (half to even), as display text. */
export function bankersRounding({ value, scale }: Sample): string {
  return new Decimal(value).toDecimalPlaces(scale, Decimal.ROUND_HALF_EVEN).toFixed(scale);
}

const asDecimal = (text: string): Decimal | undefined => {
  try {
    return new Decimal(text.trim());
  } catch {
    return undefined;
  }
};

/** Each of the platform's answers against the exact one; equal values pass whatever their trailing zeros. */
export function judgeRounding(samples: Sample[], got: (string | undefined)[]): { outcome: Outcome; line: string }[] {
  return samples.map((sample, i) => {
    const expected = bankersRounding(sample);
    const answer = got[i];
    const where = `${sample.value} at scale ${sample.scale}`;
    if (answer === undefined) return { outcome: 'fail', line: `${where}: expected ${expected}, got no answer` };
    const value = asDecimal(answer);
    if (value === undefined) return { outcome: 'fail', line: `${where}: expected ${expected}, got "${answer}", not a decimal` };
    return value.eq(expected) ? { outcome: 'pass', line: `${where} → ${answer}` } : { outcome: 'fail', line: `${where}: expected ${expected}, got ${answer}` };
  });
}

/** Item 12: the platform's rounding against exact decimal arithmetic with banker's rounding. */
export const decimalCheck: RedteamCheck = {
  id: 'decimal',
  number: 12,
  title: 'Decimal tick drift',
  async run({ config, sources }): Promise<Finding> {
    const service = need(sources.rounding);
    const { samples } = config.redteam.decimal;
    const got = await service.round(samples);
    const parts = judgeRounding(samples, got);
    const drift = parts.filter((p) => p.outcome !== 'pass').length;
    return findingOf(parts, `${samples.length} samples round half to even`, { samples: samples.length, drift });
  },
};
