import { parseArgs } from 'node:util';
import { VERSION } from '../domain/version.ts';
import type { EvidenceKey } from '../evidence/key.ts';
import { verifyEvidence, type VerifyReport } from '../evidence/verify.ts';
import type { Db } from '../store/db.ts';
import { UsageError } from './usage.ts';

export interface EvidenceVerifyDeps {
  openDb: () => Promise<Db>;
  key: () => Promise<EvidenceKey>;
  /** EVIDENCE_DIR; `--evidence-dir` overrides it */
  evidenceDir: string;
  out: (line: string) => void;
  err: (line: string) => void;
}

function parse(args: string[]): { version: string; evidenceDir: string | undefined } {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { 'evidence-dir': { type: 'string' } } });
  } catch (e) {
    throw new UsageError(`evidence verify: ${(e as Error).message}`);
  }
  const [version, ...extra] = parsed.positionals;
  if (!version) throw new UsageError('evidence verify: a version is missing, e.g. `npm start -- evidence verify v1.4.0`');
  if (!VERSION.test(version)) throw new UsageError(`evidence verify: "${version}" is not a version: use vMAJOR.MINOR.PATCH, e.g. v1.4.0`);
  if (extra.length) throw new UsageError(`evidence verify: unexpected "${extra.join(' ')}"`);
  return { version, evidenceDir: parsed.values['evidence-dir'] };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function problemCount(r: VerifyReport): string {
  const byKind = new Map<string, number>();
  for (const p of r.problems) byKind.set(p.kind, (byKind.get(p.kind) ?? 0) + 1);
  return `${plural(r.problems.length, 'problem')}: ${[...byKind].map(([kind, n]) => `${n} ${kind}`).join(', ')}`;
}

/**
 * `evidence verify <version> [--evidence-dir DIR]`: the report on out, one line per problem, then the verdict;
 * 0 intact · 1 tampered or missing. A version without any evidence is not intact: that goes to err, exit 1.
 */
export async function evidenceVerify(args: string[], deps: EvidenceVerifyDeps): Promise<number> {
  const { version, evidenceDir } = parse(args);
  const key = await deps.key();
  const db = await deps.openDb();
  let r: VerifyReport;
  try {
    r = await db.transaction((tx) => verifyEvidence(tx, { dir: evidenceDir ?? deps.evidenceDir, key }, version));
  } finally {
    await db.close();
  }
  for (const p of r.problems) deps.out(`${p.kind.padEnd(8)} ${p.subject}  ${p.message}`);
  if (r.files === 0 && r.rows === 0) {
    deps.err(`no evidence recorded for ${version}${r.problems.length ? `; ${problemCount(r)}` : ''}`);
    return 1;
  }
  if (r.problems.length) {
    deps.out(`${version}: ${problemCount(r)}`);
    return 1;
  }
  deps.out(`${version}: ${plural(r.files, 'file')}, ${plural(r.rows, 'audit row')}, intact`);
  return 0;
}
