import { findingOf, type Finding, type Outcome } from '../../../domain/preflight/finding.ts';
import { need, type PreflightCheck } from '../check.ts';

type FlagValue = boolean | string;

export function judgeFlags(expected: Record<string, FlagValue>, actual: Record<string, FlagValue>): { outcome: Outcome; line: string }[] {
  const show = (v: FlagValue) => JSON.stringify(v);
  return Object.entries(expected).map(([flag, want]) => {
    if (!(flag in actual)) return { outcome: 'fail', line: `${flag}: missing, expected ${show(want)}` };
    const got = actual[flag]!;
    return got === want ? { outcome: 'pass', line: `${flag} = ${show(got)}` } : { outcome: 'fail', line: `${flag} = ${show(got)}, expected ${show(want)}` };
  });
}

/** Check 7: every flag this release expects is in the expected state. */
export const flagsCheck: PreflightCheck = {
  id: 'flags',
  title: 'Feature flags',
  async run({ config, sources }): Promise<Finding> {
    const expected = config.preflight.flags.expected;
    const actual = await need(sources.flags).flags();
    const parts = judgeFlags(expected, actual);
    if (parts.length === 0) return { outcome: 'warn', summary: 'no expected flags configured (preflight.flags.expected)', lines: Object.entries(actual).map(([k, v]) => `${k} = ${JSON.stringify(v)}`) };
    return findingOf(parts, `${parts.length} flags as expected`);
  },
};
