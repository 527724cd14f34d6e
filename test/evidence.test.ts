import { execFileSync } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appendAudit, NO_ROW_SEALED, verifyAuditChain } from '../src/evidence/audit.ts';
import { canonicalJson } from '../src/evidence/canonical-json.ts';
import { writeEvidence, writeManifest, type EvidenceStore, type SealedFile } from '../src/evidence/files.ts';
import { evidenceKeyFrom, loadOrCreateLocalKey, sealText } from '../src/evidence/key.ts';
import { pruneEvidence } from '../src/evidence/prune.ts';
import { verifyEvidence } from '../src/evidence/verify.ts';
import type { Db, Sql } from '../src/store/db.ts';
import { openTestDb, TEST_ENGINE } from './support/db.ts';
import { tempDir } from './support/temp.ts';

const T0 = new Date('2026-11-24T18:00:00.123Z');
const DAY = 86_400_000;
const at = (ms: number) => new Date(T0.getTime() + ms);
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const short = (hex: string) => `${hex.slice(0, 12)}…`;
const hmacHex = (k: Buffer, text: string) => createHmac('sha256', k).update(text).digest('hex');
const key = evidenceKeyFrom('test-evidence-key');

describe(`evidence on ${TEST_ENGINE}`, () => {
  let db: Db;
  let store: EvidenceStore;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    await db.query('TRUNCATE evidence_file, audit_log RESTART IDENTITY');
    store = { dir: tempDir('spark-evidence-'), key };
  });

  const write = (kind: string, when: Date, version = 'v1.4.0', content = `${kind}: all green\n`): Promise<SealedFile> =>
    db.transaction((tx) => writeEvidence(tx, store, { version, kind, at: when, actor: 'U_CAPTAIN', title: `${kind} for ${version}`, content }));
  const vote = (when: Date, version = 'v1.4.0') =>
    db.transaction((tx) => appendAudit(tx, key, { at: when, actor: 'U_APPROVER', action: 'gonogo.vote', version, details: { vote: 'go', round: 1 } }));
  const disk = (path: string) => join(store.dir, path);
  const verify = (version = 'v1.4.0') => verifyEvidence(db, store, version);

  /** Runs a change, looks at the chain as it then is, and rolls the change back. */
  async function chainWith(change: string): Promise<Awaited<ReturnType<typeof verifyAuditChain>>> {
    let seen: Awaited<ReturnType<typeof verifyAuditChain>> = [];
    const undo = new Error('undo');
    await expect(
      db.transaction(async (tx: Sql) => {
        await tx.query(change);
        seen = await verifyAuditChain(tx, key);
        throw undo;
      }),
    ).rejects.toBe(undo);
    return seen;
  }

  it('seals each file in the audit log, and the manifest passes sha256sum -c', async () => {
    const files = [await write('preflight-pgbouncer', T0), await write('preflight-db-health', at(1000)), await write('gonogo-decision', at(2000))];
    expect(files.map((f) => f.path)).toEqual([
      'v1.4.0/20261124T180000.123Z-preflight-pgbouncer.md',
      'v1.4.0/20261124T180001.123Z-preflight-db-health.md',
      'v1.4.0/20261124T180002.123Z-gonogo-decision.md',
    ]);
    for (const f of files) {
      const bytes = readFileSync(disk(f.path));
      expect({ sha256: sha256(bytes), bytes: bytes.length }).toEqual({ sha256: f.sha256, bytes: f.bytes });
    }
    expect(readFileSync(disk(files[0]!.path), 'utf8')).toBe(
      '# preflight-pgbouncer for v1.4.0\n\n- version: v1.4.0\n- kind: preflight-pgbouncer\n- by: U_CAPTAIN\n- at: 2026-11-24T18:00:00.123Z\n\npreflight-pgbouncer: all green\n',
    );
    const rows = await db.query<{ id: number; action: string; body: string }>('SELECT id, action, body FROM audit_log ORDER BY id');
    expect(rows.map((r) => [r.id, r.action, JSON.parse(r.body).path, JSON.parse(r.body).sha256])).toEqual(
      files.map((f, i) => [i + 1, 'evidence.written', f.path, f.sha256]),
    );

    expect(await writeManifest(db, store, 'v1.4.0')).toBe('v1.4.0/MANIFEST.sha256');
    expect(readFileSync(disk('v1.4.0/MANIFEST.sha256'), 'utf8')).toBe(files.map((f) => `${f.sha256}  ${f.path.slice('v1.4.0/'.length)}\n`).join(''));
    const checked = execFileSync('sha256sum', ['-c', 'MANIFEST.sha256'], { cwd: disk('v1.4.0'), encoding: 'utf8' });
    expect(checked.trim().split('\n')).toHaveLength(3);
    expect(checked).not.toMatch(/FAILED/);

    expect(await verify()).toEqual({ version: 'v1.4.0', files: 3, rows: 3, problems: [] });
  });

  it('a verify right after a write commits finds the manifest listing it: a GO / NO-GO never sees a false problem', async () => {
    await write('canary-stage-1', T0);
    // no writeManifest after the commit: the write itself keeps the manifest current
    expect((await verify()).problems).toEqual([]);
    expect(readFileSync(disk('v1.4.0/MANIFEST.sha256'), 'utf8')).toContain('-canary-stage-1.md');
  });

  it('names a changed, a missing and an extra file, an edited audit row and a removed one', async () => {
    const changed = await write('preflight-pgbouncer', T0);
    await vote(at(500));
    const missing = await write('preflight-db-health', at(1000));
    await vote(at(1500));
    await write('gonogo-decision', at(2000));
    await vote(at(2500));
    await writeManifest(db, store, 'v1.4.0');

    const bytes = readFileSync(disk(changed.path));
    bytes[bytes.length - 2] = bytes[bytes.length - 2]! ^ 1;
    writeFileSync(disk(changed.path), bytes);
    unlinkSync(disk(missing.path));
    writeFileSync(disk('v1.4.0/notes.txt'), 'added by hand\n');
    await db.query(`UPDATE audit_log SET body = '{"round":1,"vote":"no-go"}' WHERE id = 2`);
    await db.query('DELETE FROM audit_log WHERE id = 4');

    expect(await verify()).toEqual({
      version: 'v1.4.0',
      files: 3,
      rows: 5,
      problems: [
        { kind: 'changed', subject: changed.path, message: `sealed sha256 ${short(changed.sha256)}, now ${short(sha256(bytes))}` },
        { kind: 'missing', subject: missing.path, message: `sealed sha256 ${short(missing.sha256)}, not on disk` },
        { kind: 'extra', subject: 'v1.4.0/notes.txt', message: 'on disk, but never recorded' },
        { kind: 'audit', subject: 'row 2', message: 'content does not match its seal' },
        { kind: 'audit', subject: 'row 5', message: 'does not follow row 3 (a row before it was removed or changed)' },
      ],
    });
  });

  it('names a forged file even when its record, the manifest and its audit row were rewritten to match', async () => {
    const forged = await write('gonogo-decision', T0);
    await write('preflight-pgbouncer', at(1000));
    const lie = '# gonogo-decision for v1.4.0\n\nGO, unanimous\n';
    writeFileSync(disk(forged.path), lie);
    await db.query('UPDATE evidence_file SET sha256 = $1 WHERE path = $2', [sha256(lie), forged.path]);
    await db.query('UPDATE audit_log SET body = replace(body, $1, $2) WHERE id = 1', [forged.sha256, sha256(lie)]);
    await writeManifest(db, store, 'v1.4.0');

    expect((await verify()).problems).toEqual([
      { kind: 'audit', subject: forged.path, message: 'recorded, but no intact evidence.written audit row seals it' },
      { kind: 'audit', subject: 'row 1', message: 'content does not match its seal' },
    ]);
  });

  it('seals every column: a change to any of them breaks the row', async () => {
    for (let i = 0; i < 3; i++) await vote(at(i * 1000));
    const broken = [{ row: 2, message: 'content does not match its seal' }];
    expect(await chainWith(`UPDATE audit_log SET at = at + interval '1 microsecond' WHERE id = 2`)).toEqual(broken);
    expect(await chainWith(`UPDATE audit_log SET actor = 'U_SOMEONE_ELSE' WHERE id = 2`)).toEqual(broken);
    expect(await chainWith(`UPDATE audit_log SET action = 'gonogo.veto' WHERE id = 2`)).toEqual(broken);
    expect(await chainWith(`UPDATE audit_log SET version = NULL WHERE id = 2`)).toEqual(broken);
    expect(await chainWith(`UPDATE audit_log SET prev_hmac = (SELECT hmac FROM audit_log WHERE id = 3) WHERE id = 2`)).toEqual([
      ...broken,
      { row: 2, message: 'does not follow row 1 (a row before it was removed or changed)' },
    ]);
    expect(await chainWith(`UPDATE audit_log SET hmac = repeat('a', 64) WHERE id = 2`)).toEqual([
      ...broken,
      { row: 3, message: 'does not follow row 2 (a row before it was removed or changed)' },
    ]);
    expect(await verifyAuditChain(db, key)).toEqual([]);
  });

  it('detects the oldest audit rows removed by hand', async () => {
    for (let i = 0; i < 3; i++) await vote(at(i * 1000));
    await db.query('DELETE FROM audit_log WHERE id = 1');
    expect(await verifyAuditChain(db, key)).toEqual([
      { row: 2, message: 'the chain starts here, but no evidence.pruned row vouches for the rows before it (the oldest rows were removed)' },
    ]);
  });

  it('says once, not row by row, when the key opens no seal', async () => {
    await write('preflight-pgbouncer', T0);
    await vote(at(1000));
    await writeManifest(db, store, 'v1.4.0');
    expect((await verifyEvidence(db, { ...store, key: evidenceKeyFrom('not-the-key') }, 'v1.4.0')).problems).toEqual([
      { kind: 'audit', subject: 'row 1', message: NO_ROW_SEALED },
    ]);
  });

  it('keeps secrets out of the file and the audit log', async () => {
    const f = await db.transaction((tx) =>
      writeEvidence(tx, store, {
        version: 'v1.4.0',
        kind: 'preflight-db-health',
        at: T0,
        actor: 'U_CAPTAIN',
        title: 'DB health via postgres://spark:hunter2@db/spark',
        content: 'connected to postgres://spark:hunter2@db/spark\nposted with xoxb-1234-5678-abcdefghijkl\n',
      }),
    );
    const text = readFileSync(disk(f.path), 'utf8');
    for (const secret of ['hunter2', 'xoxb-1234-5678-abcdefghijkl']) expect(text).not.toContain(secret);
    expect(text).toContain('connected to postgres://spark:[redacted]@db/spark');
    expect(f.sha256).toBe(sha256(text));
    expect(JSON.stringify(await db.query('SELECT * FROM audit_log'))).not.toContain('hunter2');
  });

  it('refuses a version or kind that is not a safe file name, and writes nothing', async () => {
    const attempt = (version: string, kind: string) =>
      db.transaction((tx) => writeEvidence(tx, store, { version, kind, at: T0, actor: 'U_CAPTAIN', title: 't', content: 'c' }));
    await expect(attempt('../../etc', 'preflight-pgbouncer')).rejects.toThrow('"../../etc" is not a version');
    await expect(attempt('v1.4.0/../../../etc', 'preflight-pgbouncer')).rejects.toThrow('is not a version');
    for (const kind of ['../passwd', 'a/b', 'Preflight', '', 'x--y']) await expect(attempt('v1.4.0', kind)).rejects.toThrow('is not a kind');
    await expect(verifyEvidence(db, store, '../../etc')).rejects.toThrow('is not a version');
    await expect(writeManifest(db, store, '..')).rejects.toThrow('is not a version');
    expect(readdirSync(store.dir)).toEqual([]);
    expect(await db.query('SELECT id FROM audit_log UNION ALL SELECT id FROM evidence_file')).toEqual([]);
  });

  it('never lets a tampered record steer a prune outside the evidence folder', async () => {
    const outside = tempDir('spark-outside-');
    writeFileSync(join(outside, 'victim'), 'keep me\n');
    const escape = `../${outside.split('/').at(-1)}/victim`;
    for (const [version, path] of [['..', escape], ['v1.4.0', `v1.4.0/${escape}`]]) {
      await db.query(`INSERT INTO evidence_file (version, path, kind, sha256, bytes, created_at) VALUES ($1, $2, 'x', 'x', 1, $3)`, [version, path, T0]);
      await expect(db.transaction((tx) => pruneEvidence(tx, store, at(200 * DAY), 90, 'spark-housekeeping'))).rejects.toThrow('refusing');
      await db.query('DELETE FROM evidence_file');
    }
    expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('keep me\n');
  });

  it('gives files written at the same moment distinct names', async () => {
    const files = await Promise.all(Array.from({ length: 4 }, () => write('preflight-pgbouncer', T0)));
    const base = 'v1.4.0/20261124T180000.123Z-preflight-pgbouncer';
    expect(files.map((f) => f.path).sort()).toEqual([`${base}-2.md`, `${base}-3.md`, `${base}-4.md`, `${base}.md`]);
    await writeManifest(db, store, 'v1.4.0');
    expect(await verify()).toMatchObject({ files: 4, rows: 4, problems: [] });
  });

  it('keeps one unbroken chain under concurrent appends', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => vote(at(i))));
    expect(await verifyAuditChain(db, key)).toEqual([]);
    expect(await db.query('SELECT count(*) AS n FROM audit_log')).toEqual([{ n: 20 }]);
  });

  it('prunes what is older than 90 days under one sealed evidence.pruned row, and stays intact', async () => {
    const now = at(200 * DAY);
    const old = [await write('preflight-pgbouncer', at(50 * DAY), 'v1.3.0'), await write('canary-stage-1', at(60 * DAY), 'v1.3.0')];
    await vote(at(61 * DAY), 'v1.3.0');
    const kept = [await write('preflight-pgbouncer', at(199 * DAY)), await write('canary-stage-1', at(199 * DAY + 1))];
    await writeManifest(db, store, 'v1.3.0');
    await writeManifest(db, store, 'v1.4.0');
    const [lastOld] = await db.query<{ hmac: string }>('SELECT hmac FROM audit_log WHERE id = 3');

    expect(await db.transaction((tx) => pruneEvidence(tx, store, now, 90, 'spark-housekeeping'))).toEqual({ files: 2, auditRows: 3 });

    expect(existsSync(disk('v1.3.0'))).toBe(false);
    for (const f of kept) expect(existsSync(disk(f.path))).toBe(true);
    expect(await db.query('SELECT path FROM evidence_file ORDER BY path')).toEqual(kept.map((f) => ({ path: f.path })));
    const rows = await db.query<{ id: number; action: string; actor: string; body: string }>('SELECT id, action, actor, body FROM audit_log ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual([4, 5, 6]);
    expect(rows[2]).toMatchObject({ action: 'evidence.pruned', actor: 'spark-housekeeping' });
    expect(JSON.parse(rows[2]!.body)).toEqual({
      before: at(110 * DAY).toISOString(),
      retentionDays: 90,
      files: 2,
      paths: old.map((f) => f.path),
      auditRows: 3,
      through: { id: 3, hmac: lastOld!.hmac },
    });

    expect(await verifyAuditChain(db, key)).toEqual([]);
    expect(await verify()).toEqual({ version: 'v1.4.0', files: 2, rows: 2, problems: [] });
    expect(await verify('v1.3.0')).toEqual({ version: 'v1.3.0', files: 0, rows: 0, problems: [] });
    expect(execFileSync('sha256sum', ['-c', 'MANIFEST.sha256'], { cwd: disk('v1.4.0'), encoding: 'utf8' })).not.toMatch(/FAILED/);

    // Removing the oldest rows left after the prune is not vouched for.
    expect(await chainWith('DELETE FROM audit_log WHERE id = 4')).toEqual([
      { row: 5, message: 'the chain starts here, but no evidence.pruned row vouches for the rows before it (the oldest rows were removed)' },
    ]);

    // A later prune removes everything, the first evidence.pruned row included: the newest one vouches.
    expect(await db.transaction((tx) => pruneEvidence(tx, store, at(400 * DAY), 90, 'spark-housekeeping'))).toEqual({ files: 2, auditRows: 3 });
    expect(await db.query('SELECT id, action FROM audit_log')).toEqual([{ id: 7, action: 'evidence.pruned' }]);
    expect(await verifyAuditChain(db, key)).toEqual([]);
    expect(readdirSync(store.dir)).toEqual([]);
  });

  it('prunes only the oldest block of the chain, so no hole opens in it', async () => {
    await vote(at(0));
    await vote(at(100 * DAY));
    await vote(at(1)); // a row written with an old time, after a newer one
    expect(await db.transaction((tx) => pruneEvidence(tx, store, at(101 * DAY), 90, 'spark-housekeeping'))).toEqual({ files: 0, auditRows: 1 });
    expect((await db.query<{ id: number }>('SELECT id FROM audit_log ORDER BY id')).map((r) => r.id)).toEqual([2, 3, 4]);
    expect(await verifyAuditChain(db, key)).toEqual([]);
    expect(await db.transaction((tx) => pruneEvidence(tx, store, at(101 * DAY), 90, 'spark-housekeeping'))).toEqual({ files: 0, auditRows: 0 });
    expect(await db.query('SELECT count(*) AS n FROM audit_log')).toEqual([{ n: 3 }]);
  });
});

describe('the evidence key', () => {
  it('never shows itself', () => {
    const k = evidenceKeyFrom('0123456789abcdef0123456789abcdef');
    expect(JSON.stringify({ k })).toBe('{"k":"[evidence key]"}');
    expect(inspect({ k })).toBe('{ k: [evidence key] }');
    expect(`${k}`).toBe('[evidence key]');
  });

  it('reads hex as bytes and any other text as it is', () => {
    const hex = '00ff'.repeat(8);
    expect(sealText(evidenceKeyFrom(hex), 'x')).toBe(hmacHex(Buffer.from(hex, 'hex'), 'x'));
    expect(sealText(evidenceKeyFrom(' test-hmac-key\n'), 'x')).toBe(hmacHex(Buffer.from('test-hmac-key'), 'x'));
    expect(() => evidenceKeyFrom('  ')).toThrow('EVIDENCE_HMAC_KEY is empty');
  });

  it('creates the local key once, readable by its owner only', async () => {
    const dataDir = join(tempDir('spark-key-'), 'data');
    const [a, b] = await Promise.all([loadOrCreateLocalKey(dataDir), loadOrCreateLocalKey(dataDir)]);
    const file = join(dataDir, 'evidence-hmac.key');
    expect(readFileSync(file, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dataDir)).toEqual(['evidence-hmac.key']);
    const c = await loadOrCreateLocalKey(dataDir);
    expect(new Set([a, b, c].map((k) => sealText(k, 'x'))).size).toBe(1);
  });
});

describe('canonical JSON', () => {
  it('sorts keys at every depth and refuses what JSON would change', () => {
    expect(canonicalJson({ b: [{ z: 1, a: undefined, m: new Date(0) }], a: { y: 'é', x: null }, '10': 1, '2': 2 })).toBe(
      '{"10":1,"2":2,"a":{"x":null,"y":"é"},"b":[{"m":"1970-01-01T00:00:00.000Z","z":1}]}',
    );
    expect(() => canonicalJson({ p95: Number.NaN })).toThrow('NaN is not a JSON number');
    expect(() => canonicalJson({ n: 1n })).toThrow('bigint');
  });
});
