import { findingOf, type Finding, type Outcome } from '../../../domain/preflight/finding.ts';
import type { TableStats } from '../../../ports/target-db.ts';
import { fmt, need, type PreflightCheck } from '../check.ts';

interface BloatRules {
  deadTupleWarnPercent: number;
  deadTupleFailPercent: number;
  minTuples: number;
  autovacuumMaxAge: number;
  connectionCreepPercent: number;
}

type Part = { outcome: Outcome; line: string };

export function judgeTables(tables: TableStats[], rules: BloatRules, now: Date): Part[] {
  return tables
    .filter((t) => t.liveTuples + t.deadTuples >= rules.minTuples)
    .flatMap((t): Part[] => {
      const dead = (100 * t.deadTuples) / (t.liveTuples + t.deadTuples);
      const outcome: Outcome = dead >= rules.deadTupleFailPercent ? 'fail' : dead >= rules.deadTupleWarnPercent ? 'warn' : 'pass';
      const parts: Part[] = [{ outcome, line: `${t.table}: ${fmt(dead)} % dead tuples (${t.deadTuples} of ${t.liveTuples + t.deadTuples})` }];
      const age = t.lastAutovacuum ? now.getTime() - t.lastAutovacuum.getTime() : undefined;
      if (age === undefined) parts.push({ outcome: 'warn', line: `${t.table}: never autovacuumed` });
      else if (age > rules.autovacuumMaxAge) parts.push({ outcome: 'warn', line: `${t.table}: last autovacuum ${fmt(age / 3_600_000)} h ago` });
      return parts;
    });
}

export function judgeConnections(count: number, previous: number | undefined, creepPercent: number): Part {
  if (previous === undefined) return { outcome: 'pass', line: `${count} connections (first sample: creep is judged from the next preflight)` };
  const growth = previous > 0 ? (100 * (count - previous)) / previous : 0;
  const line = `${count} connections, ${previous} at the previous preflight (${growth >= 0 ? '+' : ''}${fmt(growth)} %)`;
  return { outcome: growth > creepPercent ? 'warn' : 'pass', line };
}

/** Check 10: dead tuples per table, recent autovacuum, and no connection creep since the previous preflight. */
export const bloatCheck: PreflightCheck = {
  id: 'bloat',
  title: 'PostgreSQL bloat',
  async run({ now, config, sources, previousConnections }): Promise<Finding> {
    const db = need(sources.targetDb);
    const [tables, connections] = await Promise.all([db.tableStats(), db.connectionCount()]);
    const rules = config.preflight.bloat;
    const parts = [...judgeTables(tables, rules, now()), judgeConnections(connections, previousConnections, rules.connectionCreepPercent)];
    const judged = tables.filter((t) => t.liveTuples + t.deadTuples >= rules.minTuples).length;
    return findingOf(parts, `${judged} tables under ${rules.deadTupleWarnPercent} % dead, ${connections} connections`, { connections });
  },
};
