import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unconfiguredPager } from '../src/adapters/unconfigured-pager.ts';
import { VirtualClock } from '../src/adapters/virtual-clock.ts';
import { actOnGonogo, GONOGO_CLOCK, gonogoClock, openGonogo, type GonogoDeps } from '../src/app/gonogo/decide.ts';
import { runPreflight } from '../src/app/preflight/run.ts';
import { simulatedSources } from '../src/app/preflight/sources.ts';
import { namesFrom } from '../src/app/ritual.ts';
import { defaultConfig } from '../src/config/schema.ts';
import { createEngine } from '../src/engine/engine.ts';
import { evidenceKeyFrom } from '../src/evidence/key.ts';
import { verifyEvidence } from '../src/evidence/verify.ts';
import { createSimPlatform } from '../src/sim/platform.ts';
import { simReleaseFacts } from '../src/sim/release.ts';
import type { Db } from '../src/store/db.ts';
import { recordingChat } from './fakes/recording-chat.ts';
import { openTestDb } from './support/db.ts';
import { tempDir } from './support/temp.ts';

const T0 = new Date('2026-11-24T18:00:00Z');
const MIN = 60_000;

describe('a GO / NO-GO in virtual time', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(() => db.close());

  it('reminds the missing voters at 8 minutes, once, and closes as NO-GO (expired) at 10; the decision is sealed', async () => {
    const clock = new VirtualClock(T0);
    const config = defaultConfig();
    const evidence = { dir: tempDir('spark-gonogo-flow-'), key: evidenceKeyFrom('flow') };
    const rec = recordingChat();
    const log = pino({ level: 'silent' });
    const ritual = { config, host: 'test', evidence, sources: simulatedSources(createSimPlatform({ config, clock })), release: simReleaseFacts, nameOf: namesFrom(config) };
    let engine: ReturnType<typeof createEngine> | undefined;
    const deps: GonogoDeps = { ...ritual, db, clock, wake: () => engine?.wake() };
    engine = createEngine({ db, clock, chat: rec.chat, pager: unconfiguredPager, log, worker: 'w', handlers: { [GONOGO_CLOCK]: gonogoClock(deps) }, alertChannel: 'C0DEPLOYS' });

    await runPreflight({ ...ritual, db, clock, log, wake: () => undefined }, { version: 'v1.4.0', actor: 'U0SPARKIC', channel: 'C0DEPLOYS' });
    expect(await openGonogo(deps, { version: 'v1.4.0', actor: 'U0SPARKIC', channel: 'C0DEPLOYS' })).toBeUndefined();
    const [{ id }] = (await db.query<{ id: number }>('SELECT id FROM gonogo_session')) as [{ id: number }];
    clock.advance(2 * MIN);
    await actOnGonogo(deps, id, { type: 'vote', role: 'cto', user: 'U0CTO', choice: 'go' });
    await engine.fastForward(clock);

    const thread = rec.posts().filter((p) => p.text.startsWith('⏰') || p.text.includes('NO-GO (expired)'));
    expect(thread.map((p) => p.text)).toEqual([
      '⏰ <@U0DEVOPS> <@U0PRODUCT> <@U0SECURITY> <@U0REDTEAM> your vote is missing (the DevOps Lead, the Product Owner, the Security Team, the Red Team Lead). The GO / NO-GO closes at 18:10 UTC.',
      expect.stringMatching(/^⌛ NO-GO \(expired\) for v1\.4\.0 at commit `[0-9a-f]+`\. Decision sealed in `v1\.4\.0\/20261124T181000\.000Z-gonogo-decision\.md`\.$/),
    ]);
    const [row] = await db.query<{ status: string; decided_at: Date }>('SELECT status, decided_at FROM gonogo_session WHERE id = $1', [id]);
    expect(row).toEqual({ status: 'expired', decided_at: new Date(T0.getTime() + 10 * MIN) });
    const report = await verifyEvidence(db, evidence, 'v1.4.0');
    expect(report.problems).toEqual([]);
    expect(report.files).toBe(12);

    // a vote after the decision changes nothing, and says so
    expect(await actOnGonogo(deps, id, { type: 'vote', role: 'devopsLead', user: 'U0DEVOPS', choice: 'go' })).toMatch(/decided|closed/i);
  });
});
