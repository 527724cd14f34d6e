import { preflightCard, type CheckLine } from '../../chat/cards/preflight.ts';
import type { Outcome } from '../../domain/preflight/finding.ts';
import { enqueue } from '../../engine/outbox.ts';
import { appendAudit } from '../../evidence/audit.ts';
import type { EvidenceKey } from '../../evidence/key.ts';
import type { Db } from '../../store/db.ts';
import { PREFLIGHT_CHECKS } from './checks.ts';

/**
 * Runs that were still going when a bot stopped (a crash, a deploy) are closed as interrupted, and their cards say
 * so: a half-finished preflight must never look like one still running, nor like one that passed. A run younger
 * than twice the budget may belong to another replica that is still at it, and is left alone.
 */
export async function closeInterruptedRuns(db: Db, key: EvidenceKey, now: Date, budgetMs: number): Promise<number> {
  return db.transaction(async (tx) => {
    const runs = await tx.query<{ id: number; version: string; actor: string; channel: string }>(
      `UPDATE preflight_run SET finished_at = $1, verdict = 'interrupted'
       WHERE finished_at IS NULL AND started_at < $2 RETURNING id, version, actor, channel`,
      [now, new Date(now.getTime() - 2 * budgetMs)],
    );
    for (const run of runs) {
      const done = await tx.query<{ check_id: string; outcome: Outcome; summary: string; ms: number }>(
        'SELECT check_id, outcome, summary, ms FROM preflight_check WHERE run_id = $1',
        [run.id],
      );
      const checks: CheckLine[] = PREFLIGHT_CHECKS.map((c) => {
        const d = done.find((r) => r.check_id === c.id);
        return d ? { title: c.title, outcome: d.outcome, summary: d.summary, ms: d.ms } : { title: c.title };
      });
      const card = preflightCard({ version: run.version, actor: run.actor, runId: run.id, budgetMs, checks, interrupted: true });
      await enqueue(tx, { kind: 'slack.update', channel: run.channel, card, of: `preflight:${run.id}` }, now);
      await appendAudit(tx, key, { at: now, actor: 'spark-bot', action: 'preflight.interrupted', version: run.version, details: { runId: run.id, checksDone: done.length } });
    }
    return runs.length;
  });
}
