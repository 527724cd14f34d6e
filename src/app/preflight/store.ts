import type { Verdict } from '../../domain/preflight/finding.ts';
import type { Finding } from '../../domain/preflight/finding.ts';
import type { Sql } from '../../store/db.ts';

export async function insertRun(tx: Sql, r: { version: string; actor: string; channel: string; at: Date }): Promise<number> {
  const [row] = await tx.query<{ id: number }>(
    'INSERT INTO preflight_run (version, actor, channel, started_at) VALUES ($1, $2, $3, $4) RETURNING id',
    [r.version, r.actor, r.channel, r.at],
  );
  return row!.id;
}

export async function insertCheck(
  tx: Sql,
  c: { runId: number; checkId: string; position: number; finding: Finding; ms: number; evidencePath: string; at: Date },
): Promise<void> {
  await tx.query(
    `INSERT INTO preflight_check (run_id, check_id, position, outcome, summary, data, ms, evidence_path, finished_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [c.runId, c.checkId, c.position, c.finding.outcome, c.finding.summary, JSON.stringify(c.finding.data ?? null), c.ms, c.evidencePath, c.at],
  );
}

export async function finishRun(
  tx: Sql,
  r: { runId: number; at: Date; verdict: Verdict | 'interrupted'; commit: string | null; summaryPath: string | null; summarySha256: string | null },
): Promise<void> {
  await tx.query(
    'UPDATE preflight_run SET finished_at = $2, verdict = $3, commit = $4, summary_path = $5, summary_sha256 = $6 WHERE id = $1',
    [r.runId, r.at, r.verdict, r.commit, r.summaryPath, r.summarySha256],
  );
}

/** The connection count the latest earlier preflight saw in the target database. */
export async function previousConnections(db: Sql): Promise<number | undefined> {
  const [row] = await db.query<{ n: number }>(
    `SELECT (data->>'connections')::int AS n FROM preflight_check WHERE check_id = 'bloat' AND data ? 'connections' ORDER BY finished_at DESC LIMIT 1`,
  );
  return row?.n;
}

export interface LatestRun {
  runId: number;
  version: string;
  actor: string;
  startedAt: Date;
  finishedAt: Date | null;
  verdict: string | null;
  commit: string | null;
  summarySha256: string | null;
  counts: Record<string, number>;
}

/** The latest run of each version, newest first. */
export async function latestRuns(db: Sql, limit: number): Promise<LatestRun[]> {
  return db.query<LatestRun>(
    `SELECT r.id AS "runId", r.version, r.actor, r.started_at AS "startedAt", r.finished_at AS "finishedAt", r.verdict, r.commit,
            r.summary_sha256 AS "summarySha256",
            COALESCE((SELECT jsonb_object_agg(outcome, n) FROM (SELECT outcome, count(*)::int AS n FROM preflight_check c WHERE c.run_id = r.id GROUP BY outcome) x), '{}') AS counts
     FROM preflight_run r
     WHERE r.id = (SELECT max(id) FROM preflight_run l WHERE l.version = r.version)
     ORDER BY r.id DESC LIMIT $1`,
    [limit],
  );
}
