import type { SparkConfig } from '../../config/schema.ts';
import { judgeCi, judgeCoverage, type SourceResult } from '../../domain/gonogo/items.ts';
import type { Binding } from '../../domain/gonogo/types.ts';
import type { EvidenceStore } from '../../evidence/files.ts';
import { verifyEvidence } from '../../evidence/verify.ts';
import type { ReleaseFacts } from '../../ports/release-facts.ts';
import type { Sql } from '../../store/db.ts';
import { latestRedteam } from '../redteam/run.ts';
import { latestDrill } from '../rollback-drill.ts';

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

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The rollback plan was tested within `maxAgeMs`: the bot rolled a canary back (any version), or the team recorded a
 * rollback drill. The more recent of the two is shown.
 */
async function lastRollback(tx: Sql, evidence: EvidenceStore, maxAgeMs: number, now: Date): Promise<SourceResult> {
  const since = new Date(now.getTime() - maxAgeMs);
  const [real] = await tx.query<{ id: number; version: string; finished_at: Date }>(
    `SELECT id, version, finished_at FROM canary_run WHERE status = 'rolled-back' AND finished_at >= $1 ORDER BY finished_at DESC LIMIT 1`,
    [since],
  );
  const drill = await latestDrill(tx, evidence, since);
  if (drill && (!real || drill.at > real.finished_at)) return { outcome: 'pass', summary: `rollback drill of ${drill.version} on ${day(drill.at)}: ${drill.note}` };
  if (real) return { outcome: 'pass', summary: `${real.version} rolled back ${day(real.finished_at)} (canary ${real.id})` };
  const days = Math.round(maxAgeMs / 86_400_000);
  return { outcome: 'skipped', summary: `no rollback and no rollback drill in the last ${days} days: after a drill, record it with \`/spark drill <version> <how it went>\`` };
}

/**
 * The facts for `version` now: the latest finished preflight (its checks, its summary's hash and commit), whether
 * the version's evidence verifies, CI and coverage. Without a finished preflight there is nothing to vote on.
 */
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
  const rollback = await lastRollback(tx, s.evidence, s.config.gonogo.rollbackMaxAge, now);
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
