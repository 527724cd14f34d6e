import { findingOf, type Finding, type Outcome } from '../../../domain/preflight/finding.ts';
import type { MigrationRow } from '../../../ports/target-db.ts';
import { need, type PreflightCheck } from '../check.ts';

export function judgeMigrations(rows: MigrationRow[], expected: number | undefined): { outcome: Outcome; line: string }[] {
  const parts: { outcome: Outcome; line: string }[] = [];
  for (const r of rows) {
    if (r.rolledBackAt) parts.push({ outcome: 'fail', line: `${r.name} was rolled back at ${r.rolledBackAt.toISOString()}` });
    else if (!r.finishedAt) parts.push({ outcome: 'fail', line: `${r.name} never finished${r.logs ? `: ${r.logs.split('\n')[0]}` : ''}` });
  }
  const applied = rows.filter((r) => r.finishedAt && !r.rolledBackAt).length;
  if (expected === undefined) parts.push({ outcome: 'warn', line: `${applied} applied; the expected count is not configured (preflight.prisma.expectedMigrations)` });
  else if (applied !== expected) parts.push({ outcome: 'fail', line: `${applied} applied, this release expects ${expected}` });
  else parts.push({ outcome: 'pass', line: `${applied} applied, as expected` });
  return parts;
}

/** Check 4: `_prisma_migrations` — nothing unfinished or rolled back, and the applied count this release expects. */
export const prismaCheck: PreflightCheck = {
  id: 'prisma',
  title: 'Prisma migrations',
  async run({ config, sources }): Promise<Finding> {
    const rows = await need(sources.targetDb).prismaMigrations();
    const parts = judgeMigrations(rows, config.preflight.prisma.expectedMigrations);
    const last = rows.at(-1)?.name;
    return findingOf(parts, `${rows.length} applied${last ? `, latest ${last}` : ''}`);
  },
};
