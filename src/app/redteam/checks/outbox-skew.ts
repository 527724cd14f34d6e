import { findingOf, type Finding, type Outcome } from '../../../domain/preflight/finding.ts';
import { fmt, need } from '../../preflight/check.ts';
import type { RedteamCheck } from '../check.ts';

type Row = { producedAt: Date; dispatchedAt: Date };
type Part = { outcome: Outcome; line: string };

/** The rows listed by name when too many are skewed: enough to find them, not a flood. */
const WORST_SHOWN = 5;

const skewOf = (r: Row) => r.dispatchedAt.getTime() - r.producedAt.getTime();
const seconds = (ms: number) => `${fmt(Math.abs(ms) / 1000, 3)} s`;

function describeRow(r: Row): string {
  const skew = skewOf(r);
  const side = skew >= 0 ? 'after' : 'before';
  return `dispatched ${seconds(skew)} ${side} it was produced (produced ${r.producedAt.toISOString()}, dispatched ${r.dispatchedAt.toISOString()})`;
}

/**
 * Producer against dispatcher clocks: a row dispatched further than the tolerance from when it was produced, either way,
 * means a clock is off. No rows is no evidence, never a pass.
 */
export function judgeSkew(rows: Row[], toleranceMs: number): Part[] {
  const tolerance = `±${seconds(toleranceMs)}`;
  if (rows.length === 0) return [{ outcome: 'fail', line: 'no data: the query returned no dispatched outbox rows to compare' }];
  const byWorst = [...rows].sort((a, b) => Math.abs(skewOf(b)) - Math.abs(skewOf(a)));
  const beyond = byWorst.filter((r) => Math.abs(skewOf(r)) > toleranceMs);
  if (beyond.length === 0) return [{ outcome: 'pass', line: `${rows.length} rows within ${tolerance}; the worst ${describeRow(byWorst[0]!)}` }];
  return [
    { outcome: 'fail', line: `${beyond.length} of ${rows.length} rows beyond ${tolerance}` },
    ...beyond.slice(0, WORST_SHOWN).map((r): Part => ({ outcome: 'fail', line: describeRow(r) })),
  ];
}

/** Item 13: producer clocks within the tolerance of the dispatcher's, read from the platform's outbox. */
export const outboxSkewCheck: RedteamCheck = {
  id: 'outbox-skew',
  number: 13,
  title: 'Outbox clock skew',
  async run({ config, sources }): Promise<Finding> {
    const clock = need(sources.outboxClock);
    const { tolerance } = config.redteam.outboxSkew;
    const rows = await clock.samples();
    const worstMs = rows.length === 0 ? null : Math.max(...rows.map((r) => Math.abs(skewOf(r))));
    return findingOf(judgeSkew(rows, tolerance), `${rows.length} rows within ±${seconds(tolerance)}`, { rows: rows.length, worstMs });
  },
};
