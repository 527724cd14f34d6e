import type { Finding, RunVerdict } from '../../domain/preflight/finding.ts';
import type { SealedFile } from '../../evidence/files.ts';

export const OUTCOME = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skipped: 'SKIPPED' } as const;

/** The human-readable evidence file of one check. */
export function checkEvidence(e: { runId: number; number: number; finding: Finding; ms: number }): string {
  const data = e.finding.data ? ['', '## Data', '```json', JSON.stringify(e.finding.data, null, 2), '```'] : [];
  return [
    `Check ${e.number} of run ${e.runId} · took ${e.ms} ms`,
    '',
    `Outcome: **${OUTCOME[e.finding.outcome]}** — ${e.finding.summary}`,
    '',
    '## What was seen',
    ...e.finding.lines,
    ...data,
    '',
  ].join('\n');
}

/** The run's summary: every check's outcome and the sha256 of its evidence file. */
export function summaryEvidence(e: {
  commit: string | null;
  started: Date;
  end: Date;
  verdict: RunVerdict;
  titles: string[];
  findings: Finding[];
  files: SealedFile[];
}): string {
  const { counts } = e.verdict;
  return [
    `Commit ${e.commit ?? 'unknown'} · ${e.started.toISOString()} → ${e.end.toISOString()} (${e.end.getTime() - e.started.getTime()} ms)`,
    '',
    `Verdict: **${e.verdict.verdict}** — ${counts.pass} pass, ${counts.warn} warn, ${counts.fail} fail, ${counts.skipped} skipped`,
    '',
    '| # | check | outcome | summary | evidence | sha256 |',
    '| --- | --- | --- | --- | --- | --- |',
    ...e.titles.map((title, i) => {
      const f = e.findings[i];
      const file = e.files[i];
      return `| ${i + 1} | ${title} | ${f ? OUTCOME[f.outcome] : '-'} | ${(f?.summary ?? '').replace(/\|/g, '\\|')} | ${file?.path ?? '-'} | ${file?.sha256 ?? '-'} |`;
    }),
    '',
  ].join('\n');
}
