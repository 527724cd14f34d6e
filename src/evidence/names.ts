import { VERSION } from '../domain/version.ts';

const KIND = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** More files of one kind in one millisecond than this is a bug, not a busy release. */
const MAX_SAME_NAME = 1000;

/** A release version names a folder under EVIDENCE_DIR; anything else (`../../etc`) is refused. */
export function assertVersion(version: string): void {
  if (!VERSION.test(version)) throw new Error(`evidence: "${version}" is not a version: use vMAJOR.MINOR.PATCH, e.g. v1.4.0`);
}

/** A kind (`preflight-pgbouncer`) is part of a file name: lowercase letters, digits and single dashes. */
export function assertKind(kind: string): void {
  if (kind.length > 64 || !KIND.test(kind)) throw new Error(`evidence: "${kind}" is not a kind: use lowercase letters, digits and dashes, e.g. preflight-pgbouncer`);
}

/** `20261124T180000.123Z`: UTC with milliseconds; names sort in time order. */
export function compactUtc(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '');
}

/** `<stamp>-<kind>.md`, then `<stamp>-<kind>-2.md`, `-3`, … for files of the same kind in the same millisecond. */
export function* evidenceFileNames(at: Date, kind: string): Generator<string> {
  const base = `${compactUtc(at)}-${kind}`;
  yield `${base}.md`;
  for (let n = 2; n <= MAX_SAME_NAME; n++) yield `${base}-${n}.md`;
}

/** Where a file is recorded: relative to EVIDENCE_DIR, with forward slashes on every platform. */
export const relativePath = (version: string, name: string) => `${version}/${name}`;

/** Throws unless a recorded path is `<version>/<file name>`: a tampered record must not steer a delete elsewhere. */
export function assertRecordedPath(path: string, version: string): void {
  const [folder, name, ...rest] = path.split('/');
  if (!VERSION.test(version) || folder !== version || !name || name === '.' || name === '..' || name.includes('\\') || rest.length) {
    throw new Error(`evidence: the recorded path "${path}" (version "${version}") is not a file in a version folder; refusing to touch it`);
  }
}
