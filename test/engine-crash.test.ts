import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schedule } from '../src/engine/timers.ts';
import type { Db } from '../src/store/db.ts';
import { migrate } from '../src/store/migrate.ts';
import { openDatabase } from '../src/store/open.ts';
import { startFakeSlack, type FakeSlack } from './fakes/slack-web-api.ts';
import { scratchDatabase } from './support/db.ts';

const TIMERS = 120;
const CHANNELS = ['C0DEPLOYS', 'C0INCIDENTS'];
const LEASE_MS = 1_500;

describe('a bot killed with SIGKILL mid-flight', () => {
  let slack: FakeSlack;
  let dataDir: string;
  let scratch: Awaited<ReturnType<typeof scratchDatabase>> | undefined;
  const open = (): Promise<Db> => openDatabase(scratch?.url, dataDir);

  beforeAll(async () => {
    slack = await startFakeSlack();
    dataDir = mkdtempSync(join(tmpdir(), 'spark-crash-'));
    if (process.env.TEST_DATABASE_URL) scratch = await scratchDatabase(process.env.TEST_DATABASE_URL);
  });
  afterAll(async () => {
    await slack.close();
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function child() {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'test/support/engine-child.ts'], {
      env: { PATH: process.env.PATH ?? '', SPARK_DATA_DIR: dataDir, SLACK_API_URL: slack.url, LEASE_MS: String(LEASE_MS), ...(scratch ? { DATABASE_URL: scratch.url } : {}) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    return { proc, exited };
  }

  it('runs every timer and delivers every message exactly once after a restart', async () => {
    const db = await open();
    await migrate(db);
    await db.query('CREATE TABLE effect (key text)');
    const start = Date.now() + 500;
    await db.transaction(async (tx) => {
      for (let i = 0; i < TIMERS; i++) {
        await schedule(tx, { kind: 'effect', key: `t${String(i).padStart(3, '0')}`, dueAt: new Date(start + i * 15), payload: { channel: CHANNELS[i % 2] } }, new Date());
      }
    });
    await db.close();

    const first = child();
    // Killed once a good part of the work is done: timers still due, messages in flight.
    await slack.waitFor('chat.postMessage', () => slack.callsTo('chat.postMessage').length >= TIMERS / 3, 30_000);
    first.proc.kill('SIGKILL');
    expect(await first.exited).toBe(null);
    const postedBeforeCrash = slack.callsTo('chat.postMessage').length;
    expect(postedBeforeCrash).toBeLessThan(TIMERS);

    const second = child();
    expect(await second.exited).toBe(0);

    const after = await open();
    const effects = await after.query<{ key: string }>('SELECT key FROM effect ORDER BY key');
    await after.close();
    expect(effects).toHaveLength(TIMERS);
    expect(new Set(effects.map((e) => e.key)).size).toBe(TIMERS);
    for (const [c, channel] of CHANNELS.entries()) {
      const texts = slack.messages(channel).map((m) => m.text);
      const expected = Array.from({ length: TIMERS / 2 }, (_, k) => `t${String(2 * k + c).padStart(3, '0')}`);
      expect(texts).toEqual(expected);
    }
  });
});
