/** CI status and coverage from the documents the config points at (a file the pipeline writes, or a URL). */
import { z } from 'zod';
import { SourceError } from '../ports/errors.ts';
import type { CiStatus, ReleaseFacts } from '../ports/release-facts.ts';
import { readJsonDocument } from './json-document.ts';

const GREEN = new Set(['success', 'succeeded', 'passed', 'green', 'completed']);

// {"status": "success"}, or GitHub's combined status {"state": …} / a check run's {"conclusion": …}
const ciShape = z.union([z.object({ status: z.string() }), z.object({ state: z.string() }), z.object({ conclusion: z.string() })]);
// {"total": 96.4}, {"coverage": 96.4}, or istanbul's coverage-summary.json {"total": {"lines": {"pct": 96.4}}}
const coverageShape = z.union([
  z.object({ total: z.number() }).transform((c) => c.total),
  z.object({ coverage: z.number() }).transform((c) => c.coverage),
  z.object({ total: z.object({ lines: z.object({ pct: z.number() }) }) }).transform((c) => c.total.lines.pct),
]);

/** Each source: undefined when the config names none, else where to read it (or why it cannot be read). */
type Where = { port: string } | { missing: string } | undefined;

function located(where: Where): string | undefined {
  if (where && 'missing' in where) throw new SourceError(where.missing);
  return where?.port;
}

export function releaseFacts(sources: { ci: Where; coverage: Where }, timeoutMs: number): ReleaseFacts {
  return {
    async ci(): Promise<CiStatus | undefined> {
      const at = located(sources.ci);
      if (!at) return undefined;
      const parsed = ciShape.safeParse(await readJsonDocument(at, 'the CI status', timeoutMs));
      if (!parsed.success) throw new SourceError('the CI status has no "status", "state" or "conclusion"');
      const d = parsed.data;
      const said = 'status' in d ? d.status : 'state' in d ? d.state : d.conclusion;
      return { green: GREEN.has(said.toLowerCase()), said };
    },
    async coverage() {
      const at = located(sources.coverage);
      if (!at) return undefined;
      const parsed = coverageShape.safeParse(await readJsonDocument(at, 'the coverage report', timeoutMs));
      if (!parsed.success) throw new SourceError('the coverage report has no total: expected {"total": 96.4} or istanbul\'s coverage-summary.json');
      return parsed.data;
    },
  };
}
