import { findingOf, type Finding, type Outcome } from '../../../domain/preflight/finding.ts';
import type { SequenceRow } from '../../../ports/target-db.ts';
import { fmt, need, type PreflightCheck } from '../check.ts';

export function judgeSequences(rows: SequenceRow[], warnAt: number, failAt: number): { outcome: Outcome; line: string }[] {
  return rows.map((s) => {
    const last = s.lastValue ?? 0;
    const used = last / s.maxValue;
    const feeds = s.feeds ? ` (${s.feeds.table}.${s.feeds.column})` : '';
    if (s.feeds && s.columnMax !== null && last < s.columnMax) {
      return { outcome: 'fail', line: `${s.name}${feeds} is at ${last}, behind max ${s.columnMax}: the next insert collides (restored without setval?)` };
    }
    const outcome: Outcome = used >= failAt ? 'fail' : used >= warnAt ? 'warn' : 'pass';
    return { outcome, line: `${s.name}${feeds} at ${last} of ${s.maxValue} (${fmt(100 * used, 2)} % used)` };
  });
}

/** Check 6: sequences near their max, and sequences behind the column they feed. */
export const sequencesCheck: PreflightCheck = {
  id: 'sequences',
  title: 'Sequence anomalies',
  async run({ config, sources }): Promise<Finding> {
    const rows = await need(sources.targetDb).sequences();
    const { warnAtFraction, failAtFraction } = config.preflight.sequences;
    return findingOf(judgeSequences(rows, warnAtFraction, failAtFraction), `${rows.length} sequences ahead of their columns, none near its max`);
  },
};
