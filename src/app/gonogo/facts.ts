import type { SparkConfig } from '../../config/schema.ts';
import { judgeCi, judgeCoverage, type SourceResult } from '../../domain/gonogo/items.ts';
import type { Binding } from '../../domain/gonogo/types.ts';
import type { EvidenceStore } from '../../evidence/files.ts';
import { verifyEvidence } from '../../evidence/verify.ts';
import type { ReleaseFacts } from '../../ports/release-facts.ts';
import type { Sql } from '../../store/db.ts';
import { latestRedteam } from '../redteam/run.ts';

export interface FactSources {
  config: SparkConfig;
  evidence: EvidenceStore;
  release: ReleaseFacts;
}

/** What a go/no-go session is bound to and fills its items from; or why there is nothing to decide on yet. */
export type Facts = { binding: Binding; results: Record<string, SourceResult> } | { missing: string };

async function read<T>(what: string, get: () => Promise<T>, judge: (v: T) => SourceResult): Promise<SourceResult> {
  try {
    return judge(await get());
  } catch (err) {
    return { outcome: 'fail', summary: `${what} unreadable: ${(err as Error).message}` };
  }
}

/**
 * The facts for `version` now: the latest finished preflight (its checks, its summary's hash and commit), whether
 * the version's evidence verifies, CI and coverage. Without a finished preflight there is nothing to vote on.
 */
/** A rollback the bot completed (any version) within `maxAgeMs`: the rollback plan was tested for real. */
async function lastRollback(tx: Sql, maxAgeMs: number, now: Date): Promise<SourceResult> {
  const [row] = await tx.query<{ id: number; version: string; finished_at: Date }>(
    `SELECT id, version, finished_at FROM canary_run WHERE status = 'rolled-back' AND finished_at >= $1 ORDER BY finished_at DESC LIMIT 1`,
    [new Date(now.getTime() - maxAgeMs)],
  );
  return row
    ? { outcome: 'pass', summary: `${row.version} rolled back ${row.finished_at.toISOString().slice(0, 10)} (canary ${row.id})` }
    : { outcome: 'skipped', summary: `no rollback completed in the last ${Math.round(maxAgeMs / 86_400_000)} days` };
}

export async function gatherFacts(tx: Sql, s: FactSources, version: string, now: Date): Promise<Facts> {
  const [run] = await tx.query<{ id: number; commit: string | null; sha: string }>(
    `SELECT id, commit, summary_sha256 AS sha FROM preflight_run
     WHERE version = $1 AND finished_at IS NOT NULL AND verdict <> 'interrupted' AND summary_sha256 IS NOT NULL
     ORDER BY id DESC LIMIT 1`,
    [version],
  );
  if (!run) return { missing: `no finished preflight for ${version} yet: run \`/spark preflight ${version}\` first, so the votes are bound to its evidence` };
  const checks = await tx.query<{ check_id: string; outcome: SourceResult['outcome']; summary: string }>(
    'SELECT check_id, outcome, summary FROM preflight_check WHERE run_id = $1',
    [run.id],
  );
  const report = await verifyEvidence(tx, s.evidence, version);
  const evidence: SourceResult =
    report.problems.length === 0
      ? { outcome: 'pass', summary: `${report.files} evidence files, intact` }
      : { outcome: 'fail', summary: `${report.problems.length} evidence problems (\`/spark evidence ${version}\`)` };
  const rollback = await lastRollback(tx, s.config.gonogo.rollbackMaxAge, now);
  const [ci, coverage] = await Promise.all([
    read('CI status', () => s.release.ci(), judgeCi),
    read('coverage', () => s.release.coverage(), (pct) => judgeCoverage(pct, s.config.gonogo.coverageMin)),
  ]);
  // A finished red team binds the votes too: one that finishes after them makes them stale.
  const redteam = await latestRedteam(tx, version);
  const redteamHash = redteam?.complete ? redteam.summarySha256 : null;
  return {
    binding: { commit: run.commit ?? 'unknown', preflightHash: run.sha, ...(redteamHash ? { redteamHash } : {}) },
    results: { ...Object.fromEntries(checks.map((c) => [c.check_id, { outcome: c.outcome, summary: c.summary }])), evidence, ci, coverage, rollback },
  };
}
