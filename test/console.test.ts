import { Readable, Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unconfiguredPager } from '../src/adapters/unconfigured-pager.ts';
import { VirtualClock } from '../src/adapters/virtual-clock.ts';
import { Screen } from '../src/chat/console/screen.ts';
import { runConsole } from '../src/chat/console/surface.ts';
import { createEngine } from '../src/engine/engine.ts';
import { createRouter } from '../src/chat/router.ts';
import type { Db } from '../src/store/db.ts';
import { openTestDb } from './support/db.ts';

const people = [
  { userId: 'U0SPARKIC', name: 'Ayşe Kaya (IC)' },
  { userId: 'U0CTO', name: 'Mehmet Demir (CTO)' },
];

describe('the console surface', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(() => db.close());

  async function session(lines: string[]): Promise<string> {
    let out = '';
    const output = new Writable({
      write(chunk, _e, done) {
        out += String(chunk);
        done();
      },
    });
    const clock = new VirtualClock(new Date('2026-11-24T18:00:00Z'));
    const log = pino({ level: 'silent' });
    const screen = new Screen(output);
    const engine = createEngine({ db, clock, chat: screen.delivery, pager: unconfiguredPager, log, worker: 'console', handlers: {}, alertChannel: '#spark-deploys' });
    const router = createRouter({ db, mode: 'console', configSource: 'built-in defaults', clock, log, wake: engine.wake });
    const settle = async () => void (await engine.runDue());
    await runConsole({ router, screen, people, channel: '#spark-deploys', input: Readable.from(lines.map((l) => `${l}\n`)), interactive: false, settle });
    return out;
  }

  it('lists every command with one line each for /spark help', async () => {
    const out = await session(['/spark help']);
    expect(out).toContain('only to Ayşe Kaya (IC)');
    for (const c of ['preflight', 'redteam', 'gonogo', 'canary', 'rollback', 'status', 'freeze', 'incident', 'evidence', 'oneliner', 'runofshow']) {
      expect(out).toContain(`/spark ${c}`);
    }
  });

  it('explains a usage error and what to type instead', async () => {
    const out = await session(['/spark canary', '/spark canary 1.4', '/spark deploy', 'hello']);
    expect(out).toContain('a version is missing: type `/spark canary v1.4.0`');
    expect(out).toContain('`1.4` is not a version');
    expect(out).toContain('`deploy` is not a /spark command');
    expect(out).toContain('Not understood: "hello"');
  });

  it('posts the status with a numbered button that can be pressed', async () => {
    const out = await session(['/spark status', '1', '9']);
    expect(out).toMatch(/┌─ #spark-deploys · message 1\n[\s\S]*No release in progress[\s\S]*\[1\] Refresh/);
    expect(out).toContain('#spark-deploys · message 1 (updated)');
    expect(out).toContain('There is no button 9.');
  });

  it('switches identity to another configured person', async () => {
    const out = await session(['/as cto', '/whoami', '/as nobody', '/spark help']);
    expect(out).toContain('You are now Mehmet Demir (CTO) (U0CTO).');
    expect(out).toContain('No configured person matches "nobody"');
    expect(out).toContain('only to Mehmet Demir (CTO)');
  });

  it('says a command that is not built yet changes nothing', async () => {
    const out = await session(['/spark canary v1.4.0']);
    expect(out).toContain('`/spark canary` is not available in this build yet. Nothing was changed.');
  });
});
