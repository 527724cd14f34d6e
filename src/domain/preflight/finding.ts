/** What one preflight check found (RITUAL §2): an outcome, one line for the card, and the lines of its evidence file. */

export type Outcome = 'pass' | 'warn' | 'fail' | 'skipped';

export interface Finding {
  outcome: Outcome;
  /** One line for the card. */
  summary: string;
  /** What was seen, line by line: the body of the check's evidence file. */
  lines: string[];
  /** Values later steps read (the baseline, the connection count). */
  data?: Record<string, unknown>;
}

const RANK: Record<Outcome, number> = { pass: 0, skipped: 1, warn: 2, fail: 3 };

export const worstOf = (outcomes: Outcome[]): Outcome => outcomes.reduce<Outcome>((a, b) => (RANK[b] > RANK[a] ? b : a), 'pass');

/** A finding whose outcome is the worst of its parts, with a summary made of the parts that are not a pass. */
export function findingOf(parts: { outcome: Outcome; line: string }[], passSummary: string, data?: Record<string, unknown>): Finding {
  const outcome = worstOf(parts.map((p) => p.outcome));
  const notable = parts.filter((p) => p.outcome === outcome && outcome !== 'pass').map((p) => p.line);
  const summary = outcome === 'pass' ? passSummary : notable.length > 2 ? `${notable.slice(0, 2).join('; ')}; and ${notable.length - 2} more` : notable.join('; ');
  const mark = { pass: 'ok  ', warn: 'WARN', fail: 'FAIL', skipped: 'SKIP' } as const;
  return { outcome, summary, lines: parts.map((p) => `${mark[p.outcome]}  ${p.line}`), ...(data ? { data } : {}) };
}

export type Verdict = 'ready' | 'ready-with-warnings' | 'incomplete' | 'not-ready';

export interface RunVerdict {
  verdict: Verdict;
  counts: Record<Outcome, number>;
}

/** A run is ready only when every check ran and none failed; a skipped check makes it incomplete, never ready. */
export function verdictOf(outcomes: Outcome[]): RunVerdict {
  const counts: Record<Outcome, number> = { pass: 0, warn: 0, fail: 0, skipped: 0 };
  for (const o of outcomes) counts[o]++;
  const verdict: Verdict = counts.fail > 0 ? 'not-ready' : counts.skipped > 0 ? 'incomplete' : counts.warn > 0 ? 'ready-with-warnings' : 'ready';
  return { verdict, counts };
}
