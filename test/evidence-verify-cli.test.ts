import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidenceVerify } from '../src/cli/evidence-verify.ts';
import { UsageError } from '../src/cli/usage.ts';
import { writeEvidence, writeManifest, type EvidenceStore, type SealedFile } from '../src/evidence/files.ts';
import { evidenceKeyFrom } from '../src/evidence/key.ts';
import type { Db } from '../src/store/db.ts';
import { openTestDb, TEST_ENGINE } from './support/db.ts';
import { tempDir } from './support/temp.ts';

describe(`evidence verify on ${TEST_ENGINE}`, () => {
  let db: Db;
  let files: SealedFile[];
  const store: EvidenceStore = { dir: tempDir('spark-verify-'), key: evidenceKeyFrom('test-evidence-key') };
  let opened = 0;

  beforeAll(async () => {
    db = await openTestDb();
    files = [];
    for (const [i, version] of ['v1.4.0', 'v1.4.0', 'v1.5.0'].entries()) {
      files.push(
        await db.transaction((tx) =>
          writeEvidence(tx, store, { version, kind: 'preflight-summary', at: new Date(Date.UTC(2026, 10, 24, 18, 0, i)), actor: 'U_CAPTAIN', title: 'Preflight', content: 'ready\n' }),
        ),
      );
    }
    await writeManifest(db, store, 'v1.4.0');
    await writeManifest(db, store, 'v1.5.0');
  });
  afterAll(() => db.close());

  async function run(args: string[], evidenceDir = store.dir) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await evidenceVerify(args, {
      // The command closes what it opens; the suite's database stays open for the next test.
      openDb: async () => {
        opened++;
        return { ...db, close: async () => undefined };
      },
      key: async () => store.key,
      evidenceDir,
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    });
    return { code, out, err };
  }

  it('prints intact and exits 0 for a good version', async () => {
    expect(await run(['v1.4.0'])).toEqual({ code: 0, out: ['v1.4.0: 2 files, 2 audit rows, intact'], err: [] });
  });

  it('reads the folder given with --evidence-dir', async () => {
    expect((await run(['v1.4.0', '--evidence-dir', store.dir], join(store.dir, 'elsewhere'))).code).toBe(0);
    expect((await run(['v1.4.0'], join(store.dir, 'elsewhere'))).code).toBe(1);
  });

  it('names the changed file and exits 1', async () => {
    const changed = files[2]!;
    const file = join(store.dir, changed.path);
    writeFileSync(file, readFileSync(file, 'utf8').replace('ready', 'READY'));
    const r = await run(['v1.5.0']);
    expect(r.code).toBe(1);
    expect(r.out).toEqual([expect.stringMatching(new RegExp(`^changed  ${changed.path}  sealed sha256 ${changed.sha256.slice(0, 12)}…, now [0-9a-f]{12}…$`)), 'v1.5.0: 1 problem: 1 changed']);
  });

  it('says so and exits 1 for a version without evidence', async () => {
    expect(await run(['v9.9.9'])).toEqual({ code: 1, out: [], err: ['no evidence recorded for v9.9.9'] });
  });

  it('throws a UsageError for a bad command line, before opening anything', async () => {
    const before = opened;
    for (const args of [[], ['1.4'], ['../../etc'], ['v1.4.0', 'v1.5.0'], ['v1.4.0', '--json'], ['v1.4.0', '--evidence-dir']]) {
      await expect(run(args), args.join(' ')).rejects.toBeInstanceOf(UsageError);
    }
    expect(opened).toBe(before);
  });
});
