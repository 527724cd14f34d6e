import { MANIFEST } from './manifest.ts';
import { relativePath } from './names.ts';

export interface EvidenceProblem {
  kind: 'changed' | 'missing' | 'extra' | 'manifest' | 'audit';
  /** a relative path, or `row 17` */
  subject: string;
  message: string;
}

/** Everything known about one version's evidence, each map keyed by path relative to EVIDENCE_DIR. */
export interface EvidenceFacts {
  version: string;
  /** evidence_file rows: path → sha256 */
  records: Map<string, string>;
  /** intact `evidence.written` audit rows: path → the sealed sha256; undefined when the key opens no seal at all */
  seals: Map<string, { sha256: string; row: number }> | undefined;
  /** paths an intact `evidence.pruned` row says were removed */
  pruned: Set<string>;
  /** what is in the version's folder besides the manifest: path → sha256, or null for what is not a regular file */
  disk: Map<string, string | null>;
  /** MANIFEST.sha256 (path → sha256 and its malformed line numbers), undefined when there is none */
  manifest: { entries: Map<string, string>; malformed: number[] } | undefined;
}

const short = (sha256: string) => `${sha256.slice(0, 12)}…`;
const sorted = (paths: Iterable<string>) => [...new Set(paths)].sort();

/** Names every way the files on disk, the records, their seals and the manifest disagree. */
export function findProblems(f: EvidenceFacts): EvidenceProblem[] {
  const problems: EvidenceProblem[] = [];
  const add = (kind: EvidenceProblem['kind'], subject: string, message: string) => void problems.push({ kind, subject, message });
  const seals = f.seals ?? new Map<string, { sha256: string; row: number }>();

  for (const path of sorted([...f.records.keys(), ...seals.keys(), ...f.disk.keys()])) {
    const recorded = f.records.get(path);
    const seal = seals.get(path);
    const onDisk = f.disk.get(path);
    if (recorded === undefined && seal === undefined) {
      if (onDisk !== undefined) add('extra', path, f.pruned.has(path) ? 'pruned, yet still on disk' : 'on disk, but never recorded');
      continue;
    }
    if (!seal && f.seals) add('audit', path, 'recorded, but no intact evidence.written audit row seals it');
    else if (seal && recorded === undefined) add('missing', path, `sealed by audit row ${seal.row}, but its evidence_file record was removed`);
    else if (seal && recorded !== seal.sha256) add('audit', path, `its evidence_file record says sha256 ${short(recorded!)}, its seal ${short(seal.sha256)}`);

    const [truth, said] = seal ? [seal.sha256, 'sealed'] : [recorded!, 'recorded'];
    if (onDisk === undefined) add('missing', path, `${said} sha256 ${short(truth)}, not on disk`);
    else if (onDisk === null) add('changed', path, 'no longer a regular file');
    else if (onDisk !== truth) add('changed', path, `${said} sha256 ${short(truth)}, now ${short(onDisk)}`);
  }
  return [...problems, ...manifestProblems(f)];
}

/** The manifest is derived from the records: it must list exactly them. */
function manifestProblems(f: EvidenceFacts): EvidenceProblem[] {
  const problem = (subject: string, message: string): EvidenceProblem => ({ kind: 'manifest', subject, message });
  const manifestPath = relativePath(f.version, MANIFEST);
  if (!f.manifest) return f.records.size ? [problem(manifestPath, 'missing, though files are recorded')] : [];
  const { entries, malformed } = f.manifest;
  const problems = malformed.map((n) => problem(manifestPath, `line ${n} is not "<sha256>  <name>"`));
  for (const path of sorted([...f.records.keys(), ...entries.keys()])) {
    const recorded = f.records.get(path);
    const listed = entries.get(path);
    if (listed === undefined) problems.push(problem(path, `recorded, but not in ${MANIFEST}`));
    else if (recorded === undefined) problems.push(problem(path, `in ${MANIFEST}, but not recorded`));
    else if (listed !== recorded) problems.push(problem(path, `${MANIFEST} says sha256 ${short(listed)}, the record ${short(recorded)}`));
  }
  return problems;
}
