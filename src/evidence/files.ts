import { createHash } from 'node:crypto';
import { mkdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { scrubSecrets } from '../log.ts';
import type { Sql } from '../store/db.ts';
import { appendAudit, EVIDENCE_WRITTEN, lockAuditLog } from './audit.ts';
import { createFile, replaceFile } from './atomic.ts';
import type { EvidenceKey } from './key.ts';
import { formatManifest, MANIFEST } from './manifest.ts';
import { assertKind, assertVersion, evidenceFileNames, relativePath } from './names.ts';

/** Where evidence lives (EVIDENCE_DIR) and the key that seals it. */
export interface EvidenceStore {
  dir: string;
  key: EvidenceKey;
}

export interface Evidence {
  version: string;
  /** the step and what it shows, e.g. `preflight-pgbouncer` */
  kind: string;
  at: Date;
  actor: string;
  title: string;
  /** human-readable markdown or text */
  content: string;
}

export interface SealedFile {
  /** relative to EVIDENCE_DIR, e.g. `v1.4.0/20261124T180000.123Z-preflight-pgbouncer.md` */
  path: string;
  sha256: string;
  bytes: number;
}

/** The file as a reader finds it: a header saying what, which release, who and when, then the content. */
function render(e: Evidence): string {
  const content = e.content.endsWith('\n') ? e.content : `${e.content}\n`;
  return scrubSecrets(`# ${e.title}\n\n- version: ${e.version}\n- kind: ${e.kind}\n- by: ${e.actor}\n- at: ${e.at.toISOString()}\n\n${content}`);
}

/**
 * Writes one evidence file (atomically, never over another) and, in tx, records it, seals its sha256 in an
 * `evidence.written` audit row and rewrites the version's manifest. The file is on disk before tx commits, so a caller whose transaction then
 * rolls back leaves an unrecorded file behind, which verifyEvidence names as `extra`.
 */
export async function writeEvidence(tx: Sql, store: EvidenceStore, e: Evidence): Promise<SealedFile> {
  assertVersion(e.version);
  assertKind(e.kind);
  const text = render(e);
  const sha256 = createHash('sha256').update(text).digest('hex');
  const bytes = Buffer.byteLength(text);

  // Held from before the file exists until tx ends: a verify taking the same lock never meets a file whose
  // record is not committed yet.
  await lockAuditLog(tx);
  const folder = join(store.dir, e.version);
  await mkdir(folder, { recursive: true });
  const name = await createFile(folder, evidenceFileNames(e.at, e.kind), text);
  if (!name) throw new Error(`evidence: too many ${e.kind} files for ${e.version} at ${e.at.toISOString()}`);
  const path = relativePath(e.version, name);
  try {
    await tx.query('INSERT INTO evidence_file (version, path, kind, sha256, bytes, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      e.version, path, e.kind, sha256, bytes, e.at,
    ]);
    await appendAudit(tx, store.key, { at: e.at, actor: e.actor, action: EVIDENCE_WRITTEN, version: e.version, details: { path, sha256, bytes, kind: e.kind, title: scrubSecrets(e.title) } });
    // Still under the lock: a verify never finds a committed record the manifest does not list yet.
    await writeManifest(tx, store, e.version);
  } catch (err) {
    await unlink(join(folder, name)).catch(() => undefined);
    throw err;
  }
  return { path, sha256, bytes };
}

/** (Re)writes `<dir>/<version>/MANIFEST.sha256` from the files recorded as `db` sees them (a writer's or a prune's transaction). */
export async function writeManifest(db: Sql, store: EvidenceStore, version: string): Promise<string> {
  assertVersion(version);
  const rows = await db.query<{ path: string; sha256: string }>('SELECT path, sha256 FROM evidence_file WHERE version = $1', [version]);
  const folder = join(store.dir, version);
  await mkdir(folder, { recursive: true });
  await replaceFile(folder, MANIFEST, formatManifest(rows.map((r) => ({ name: r.path.slice(version.length + 1), sha256: r.sha256 }))));
  return relativePath(version, MANIFEST);
}
