/**
 * `/spark drill`: a recorded rollback drill fills "Rollback plan tested" for gonogo.rollbackMaxAge, through the
 * router as Slack and the console drive it.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../src/adapters/virtual-clock.ts';
import { gatherFacts } from '../src/app/gonogo/facts.ts';
import { runPreflight } from '../src/app/preflight/run.ts';
import { simulatedSources } from '../src/app/preflight/sources.ts';
import { namesFrom, type Ritual } from '../src/app/ritual.ts';
import { simulatedRedteamSources } from '../src/app/redteam/sources.ts';
import { createRouter } from '../src/chat/router.ts';
import { defaultConfig } from '../src/config/schema.ts';
import { evidenceKeyFrom } from '../src/evidence/key.ts';
import { verifyAuditChain } from '../src/evidence/audit.ts';
import { verifyEvidence } from '../src/evidence/verify.ts';
import { createSimPlatform } from '../src/sim/platform.ts';
import { simReleaseFacts } from '../src/sim/release.ts';
import type { Db } from '../src/store/db.ts';
import { openTestDb } from './support/db.ts';
import { tempDir } from './support/temp.ts';

const T0 = new Date('2026-11-24T18:00:00Z');
const DAY = 86_400_000;
const DEVOPS = 'U0DEVOPS';
const CTO = 'U0CTO';
const CHANNEL = 'C0DEPLOYS';

describe('a rollback drill', () => {
  let db: Db;
  const clock = new VirtualClock(T0);
  const config = defaultConfig();
  const evidence = { dir: tempDir('spark-drill-'), key: evidenceKeyFrom('drill') };
  const log = pino({ level: 'silent' });
  let ritual: Ritual;
  let router: ReturnType<typeof createRouter>;

  beforeAll(async () => {
    db = await openTestDb();
    const sim = createSimPlatform({ config, clock });
    ritual = { config, host: 'test', evidence, sources: simulatedSources(sim), redteam: simulatedRedteamSources(), release: simReleaseFacts, nameOf: namesFrom(config) };
    router = createRouter({ db, mode: 'console', configSource: 'built-in defaults', clock, log, wake: () => undefined, ritual });
    await runPreflight({ ...ritual, db, clock, log, wake: () => undefined }, { version: 'v1.4.0', actor: 'U0SPARKIC', channel: CHANNEL });
  });
  afterAll(() => db.close());

  const rollbackFact = async () => {
    const facts = await gatherFacts(db, ritual, 'v1.4.0', clock.now());
    return 'results' in facts ? facts.results.rollback : undefined;
  };
  const drills = async () => (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'rollback.drill'"))[0]!.n;
  const drill = (userId: string, text: string, deliveryId?: string) =>
    router.command({ userId, channelId: CHANNEL, text, ...(deliveryId ? { deliveryId } : {}) });

  it('without one, the item is not a pass and says what to type', async () => {
    expect(await rollbackFact()).toEqual({
      outcome: 'skipped',
      summary: 'no rollback and no rollback drill in the last 30 days: after a drill, record it with `/spark drill <version> <how it went>`',
    });
  });

  it('is refused, with who may record one, to anyone but the IC and the DevOps Lead, and a bare version is a usage error; neither records anything', async () => {
    expect(JSON.stringify(await drill(CTO, 'drill v1.4.0 staging went fine'))).toContain('Only the IC (Ayşe Kaya) or the DevOps Lead (Mehmet Demir) can record a rollback drill.');
    expect(JSON.stringify(await drill(DEVOPS, 'drill v1.4.0'))).toContain('say how the drill went, after the version');
    expect(JSON.stringify(await drill(DEVOPS, 'drill 1.4 went fine'))).toContain('is not a version');
    expect(await drills()).toBe(0);
  });

  it('counts for 30 days once recorded, sealed in evidence and the audit log; a Slack retry records it once', async () => {
    expect(await drill(DEVOPS, 'drill v1.4.0 staging: rolled back to v1.3.2 in 4m12s, health green', 'Ev1')).toEqual({});
    expect(await drill(DEVOPS, 'drill v1.4.0 staging: rolled back to v1.3.2 in 4m12s, health green', 'Ev1')).toEqual({});
    expect(await drills()).toBe(1);
    expect(await rollbackFact()).toEqual({ outcome: 'pass', summary: 'rollback drill of v1.4.0 on 2026-11-24: staging: rolled back to v1.3.2 in 4m12s, health green' });
    const [post] = await db.query<{ body: string }>("SELECT payload::text AS body FROM outbox WHERE payload::text LIKE '%Rollback drill%'");
    expect(post!.body).toContain('counts it until 2026-12-24 (30d)');
    const report = await verifyEvidence(db, evidence, 'v1.4.0');
    expect(report.problems).toEqual([]);
    expect((await db.query<{ kind: string }>("SELECT kind FROM evidence_file WHERE kind = 'rollback-drill'")).length).toBe(1);

    clock.advance(30 * DAY + 1);
    expect((await rollbackFact())?.outcome).toBe('skipped');
  });

  it('a drill whose audit row was changed counts for nothing', async () => {
    expect(await drill(DEVOPS, 'drill v1.4.0 game day, rollback 3m', 'Ev2')).toEqual({});
    expect((await rollbackFact())?.outcome).toBe('pass');
    await db.query(`UPDATE audit_log SET body = replace(body, 'game day', 'game day (edited)') WHERE action = 'rollback.drill'`);
    expect((await rollbackFact())?.outcome).toBe('skipped');
    expect((await verifyAuditChain(db, evidence.key)).length).toBeGreaterThan(0);
  });
});
