import { rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sql } from '../store/db.ts';
import { appendAudit, EVIDENCE_PRUNED, lockAuditLog, type PrunedDetails } from './audit.ts';
import { writeManifest, type EvidenceStore } from './files.ts';
import { MANIFEST } from './manifest.ts';
import { assertRecordedPath } from './names.ts';

const DAY = 86_400_000;

export interface PruneSummary {
  files: number;
  auditRows: number;
}

/** A version left without files loses its manifest (an empty one fails `sha256sum -c`) and, when empty, its folder. */
async function refreshManifest(tx: Sql, store: EvidenceStore, version: string): Promise<void> {
  const [left] = await tx.query<{ n: number }>('SELECT count(*) AS n FROM evidence_file WHERE version = $1', [version]);
  if (left!.n > 0) {
    await writeManifest(tx, store, version);
    return;
  }
  await rm(join(store.dir, version, MANIFEST), { force: true });
  await rmdir(join(store.dir, version)).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOTEMPTY' && e.code !== 'ENOENT') throw e;
  });
}

/**
 * Removes evidence older than retentionDays, in tx: the files and their records, and the oldest audit rows.
 * One `evidence.pruned` row seals what went (counts, paths, and the last removed audit row, which vouches for
 * where the chain now starts). Nothing pruned, nothing written. Files are deleted and manifests rewritten last,
 * just before the caller commits.
 */
export async function pruneEvidence(tx: Sql, store: EvidenceStore, now: Date, retentionDays: number, actor: string): Promise<PruneSummary> {
  if (!Number.isInteger(retentionDays) || retentionDays < 1) throw new RangeError(`evidence: retentionDays must be a whole number of days, at least 1; got ${retentionDays}`);
  const before = new Date(now.getTime() - retentionDays * DAY);
  await lockAuditLog(tx);

  const files = await tx.query<{ version: string; path: string }>('SELECT version, path FROM evidence_file WHERE created_at < $1 ORDER BY path', [before]);
  for (const f of files) assertRecordedPath(f.path, f.version);
  // Only the oldest rows go, as one block up to the first row still within retention: a hole further on
  // would be indistinguishable from a removed row.
  const [kept] = await tx.query<{ id: number | null }>('SELECT min(id) AS id FROM audit_log WHERE at >= $1', [before]);
  const [through] = await tx.query<{ id: number; hmac: string; n: number }>(
    `SELECT id, hmac, (SELECT count(*) FROM audit_log older WHERE older.id <= last.id) AS n
       FROM audit_log last WHERE $1::bigint IS NULL OR id < $1 ORDER BY id DESC LIMIT 1`,
    [kept?.id ?? null],
  );
  if (!files.length && !through) return { files: 0, auditRows: 0 };

  const details: PrunedDetails = {
    before: before.toISOString(),
    retentionDays,
    files: files.length,
    paths: files.map((f) => f.path),
    auditRows: through?.n ?? 0,
    through: through ? { id: through.id, hmac: through.hmac } : null,
  };
  // Appended before the delete, so it chains to the rows it is about to remove like any other row.
  await appendAudit(tx, store.key, { at: now, actor, action: EVIDENCE_PRUNED, details });
  if (through) await tx.query('DELETE FROM audit_log WHERE id <= $1', [through.id]);
  await tx.query('DELETE FROM evidence_file WHERE path = ANY($1::text[])', [details.paths]);

  for (const f of files) await rm(join(store.dir, f.path), { force: true });
  for (const version of new Set(files.map((f) => f.version))) await refreshManifest(tx, store, version);
  return { files: details.files, auditRows: details.auditRows };
}
