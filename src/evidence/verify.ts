import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sql } from '../store/db.ts';
import { EVIDENCE_PRUNED, EVIDENCE_WRITTEN, lockAuditLog, NO_ROW_SEALED, sealedDetails, verifyAuditChain, type PrunedDetails } from './audit.ts';
import { findProblems, type EvidenceFacts, type EvidenceProblem } from './compare.ts';
import type { EvidenceStore, SealedFile } from './files.ts';
import { MANIFEST, parseManifest } from './manifest.ts';
import { assertVersion, relativePath } from './names.ts';

export interface VerifyReport {
  version: string;
  /** evidence files recorded for the version */
  files: number;
  /** audit rows recorded for the version */
  rows: number;
  /** intact when empty */
  problems: EvidenceProblem[];
}

async function unlessMissing<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

const sha256Of = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function readFolder(folder: string, version: string): Promise<EvidenceFacts['disk']> {
  const disk: EvidenceFacts['disk'] = new Map();
  for (const entry of (await unlessMissing(readdir(folder, { withFileTypes: true }))) ?? []) {
    if (entry.name === MANIFEST && entry.isFile()) continue;
    if (!entry.isFile()) {
      disk.set(relativePath(version, entry.name), null);
      continue;
    }
    // A manifest being replaced leaves a temporary file for a moment: one that is gone by now was never evidence.
    const data = await unlessMissing(readFile(join(folder, entry.name)));
    if (data) disk.set(relativePath(version, entry.name), sha256Of(data));
  }
  return disk;
}

async function readManifest(folder: string, version: string): Promise<EvidenceFacts['manifest']> {
  const text = await unlessMissing(readFile(join(folder, MANIFEST), 'utf8'));
  if (text === undefined) return undefined;
  const { entries, malformed } = parseManifest(text);
  return { entries: new Map([...entries].map(([name, sha256]) => [relativePath(version, name), sha256])), malformed };
}

/**
 * Checks one version's evidence: the files in its folder, MANIFEST.sha256, the evidence_file records, the sha256
 * each file's `evidence.written` audit row seals (the truth the others are held to), and the whole audit chain.
 * Run it in a transaction while the bot may be writing: it takes the lock writers hold from file to commit, so
 * a write in flight finishes first and is never mistaken for an extra file.
 */
export async function verifyEvidence(db: Sql, store: EvidenceStore, version: string): Promise<VerifyReport> {
  assertVersion(version);
  await lockAuditLog(db);
  const folder = join(store.dir, version);
  const records = await db.query<{ path: string; sha256: string }>('SELECT path, sha256 FROM evidence_file WHERE version = $1', [version]);
  const [counted] = await db.query<{ n: number }>('SELECT count(*) AS n FROM audit_log WHERE version = $1', [version]);
  const chain = await verifyAuditChain(db, store.key);
  const keyOpensNoSeal = chain.length === 1 && chain[0]!.message === NO_ROW_SEALED;

  const pruned = new Set((await sealedDetails<PrunedDetails>(db, store.key, EVIDENCE_PRUNED)).flatMap((r) => r.details.paths));
  let seals: EvidenceFacts['seals'];
  if (!keyOpensNoSeal) {
    seals = new Map();
    for (const { id, details } of await sealedDetails<SealedFile>(db, store.key, EVIDENCE_WRITTEN, version)) {
      if (!pruned.has(details.path)) seals.set(details.path, { sha256: details.sha256, row: id });
    }
  }

  const problems = findProblems({
    version,
    records: new Map(records.map((r) => [r.path, r.sha256])),
    seals,
    pruned,
    disk: await readFolder(folder, version),
    manifest: await readManifest(folder, version),
  });
  for (const p of chain) problems.push({ kind: 'audit', subject: `row ${p.row}`, message: p.message });
  return { version, files: records.length, rows: counted!.n, problems };
}
