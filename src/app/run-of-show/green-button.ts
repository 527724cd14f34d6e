/** The T-2 green button's release evidence: the SBOM and the provenance attestation the config names. */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { SparkConfig } from '../../config/schema.ts';

export type Artifact = { what: string; key: string; path: string; content: string; sha256: string; bytes: number } | { what: string; key: string; missing: string };

const ARTIFACTS = [
  { field: 'sbom', what: 'SBOM', kind: 'sbom' },
  { field: 'provenance', what: 'Provenance', kind: 'provenance' },
] as const;

/** Reads each configured file; one not configured or unreadable says why. */
export async function readArtifacts(config: SparkConfig): Promise<Artifact[]> {
  return Promise.all(
    ARTIFACTS.map(async ({ field, what, kind }): Promise<Artifact> => {
      const path = config.runOfShow.greenButton[field];
      if (path === undefined) return { what, key: kind, missing: `not configured: set runOfShow.greenButton.${field}` };
      try {
        const buffer = await readFile(path);
        return { what, key: kind, path, content: buffer.toString('utf8'), sha256: createHash('sha256').update(buffer).digest('hex'), bytes: buffer.length };
      } catch (err) {
        return { what, key: kind, missing: `${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
      }
    }),
  );
}
