import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirBusyError, lockDataDir } from '../src/store/data-dir-lock.ts';
import { openPglite } from '../src/store/pglite.ts';

describe('the embedded database belongs to one process at a time', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spark-lock-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a second bot on the same data dir with what to do, while the first runs', () => {
    // pid 1 is always alive: another process holds the lock
    writeFileSync(join(dir, 'spark.lock'), '1');
    expect(() => lockDataDir(dir)).toThrow(DataDirBusyError);
    expect(() => lockDataDir(dir)).toThrow('another spark-ritual (pid 1) is using the embedded database');
  });

  it('takes over a lock left by a process that died, and gives it back on close', async () => {
    const data = join(dir, 'pg');
    mkdirSync(data);
    writeFileSync(join(data, 'spark.lock'), '999999999');
    const db = await openPglite(data);
    expect(readFileSync(join(data, 'spark.lock'), 'utf8')).toBe(String(process.pid));
    await db.close();
    expect(existsSync(join(data, 'spark.lock'))).toBe(false);
  });
});
