import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unconfiguredPager } from '../src/adapters/unconfigured-pager.ts';
import { VirtualClock } from '../src/adapters/virtual-clock.ts';
import { Screen } from '../src/chat/console/screen.ts';
import { consolePeople } from '../src/chat/console/people.ts';
import { runConsole } from '../src/chat/console/surface.ts';
import { createEngine } from '../src/engine/engine.ts';
import { createRouter } from '../src/chat/router.ts';
import { simulatedSources } from '../src/app/preflight/sources.ts';
import { namesFrom } from '../src/app/ritual.ts';
import { simReleaseFacts } from '../src/sim/release.ts';
import { simulatedRedteamSources } from '../src/app/redteam/sources.ts';
import { defaultConfig } from '../src/config/schema.ts';
import { evidenceKeyFrom } from '../src/evidence/key.ts';
import { verifyEvidence } from '../src/evidence/verify.ts';
import { createSimPlatform } from '../src/sim/platform.ts';
import type { Db } from '../src/store/db.ts';
import { openTestDb } from './support/db.ts';

const people = consolePeople(defaultConfig());

describe('the console surface', () => {
  let db: Db;
  let evidenceDir: string;
  const key = evidenceKeyFrom('console-test-key');
  beforeAll(async () => {
    db = await openTestDb();
    evidenceDir = await mkdtemp(join(tmpdir(), 'spark-console-evidence-'));
  });
  afterAll(async () => {
    await db.close();
    await rm(evidenceDir, { recursive: true, force: true });
  });

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
    const config = defaultConfig();
    const sources = simulatedSources(createSimPlatform({ config, clock }));
    const ritual = { config, host: 'console-test', evidence: { dir: evidenceDir, key }, sources, redteam: simulatedRedteamSources(), release: simReleaseFacts, nameOf: namesFrom(config) };
    const router = createRouter({ db, mode: 'console', configSource: 'built-in defaults', clock, log, wake: engine.wake, ritual });
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
    expect(out).toContain('You are now Zeynep Arslan (CTO) (U0CTO).');
    expect(out).toContain('No configured person matches "nobody"');
    expect(out).toContain('only to Zeynep Arslan (CTO)');
  });

  it('opens an incident with one card in #spark-incidents, and its buttons act for the person pressing them', async () => {
    const out = await session(['/spark incident SEV1 v1.9.0 checkout is down', '/as on-call', '1', '/spark action add INC-1 alert on checkout errors', '/spark action list INC-1', '/spark status']);
    expect(out).toContain('INC-1 is open in #spark-incidents and the first level is being paged. No canary starts until it is resolved.');
    expect(out).toContain('┌─ #spark-incidents · message 1\n│ ━━ INC-1 · SEV1 · checkout is down ━━');
    expect(out).toContain('<@U0ONCALL> INC-1 (SEV1, v1.9.0) opened by Ayşe Kaya: checkout is down — L1: paging the on-call engineer (Deniz Aydın).');
    expect(out).toContain('*Deniz Aydın*: Acknowledged by Deniz Aydın after 0s: no more re-pages.');
    expect(out).toContain('🟠 *Acknowledged*: SEV1 at L1, acknowledged by Deniz Aydın; L2 in 15m unless mitigated');
    expect(out).toContain('│ *INC-1* action items (1 open):\n│ ⬜ *A1* alert on checkout errors');
    expect(out.match(/#spark-incidents · message \d+\n/g)).toHaveLength(1);
    expect(out).toContain('• INC-1 SEV1 v1.9.0: checkout is down · acknowledged at L1 · no canary starts until it is resolved');
  });

  it('runs the ten preflight checks on the simulator, updates one card, and seals the evidence', async () => {
    const out = await session(['/spark preflight v1.4.0']);
    const final = out.slice(out.lastIndexOf('(updated)'));
    for (const title of ['Identity & time seal', 'Time drift', 'pgBouncer saturation', 'Prisma migrations', 'CSP/COEP headers', 'Sequence anomalies', 'Feature flags', 'Prometheus targets', 'Baseline metrics', 'PostgreSQL bloat']) {
      expect(final).toMatch(new RegExp(`(✅|⚠️|❌|⏭) \\d+\\. \\*?${title.replace(/[/&]/g, '.')}`));
    }
    // the simulated platform is healthy; only the unconfigured expected migration count is a warning
    expect(final).toContain('Ready, with warnings');
    expect(final).toContain('9 pass · 1 warn · 0 fail · 0 skipped');
    expect(out).toContain('Evidence for preflight v1.4.0: 11 files');

    const files = (await readdir(join(evidenceDir, 'v1.4.0'))).sort();
    expect(files.filter((f) => f.endsWith('.md'))).toHaveLength(11);
    expect(files).toContain('MANIFEST.sha256');
    expect(await readFile(join(evidenceDir, 'v1.4.0', files.find((f) => f.endsWith('preflight-03-pgbouncer.md'))!), 'utf8')).toContain('ok    spark: 16/40 server connections in use (40 %)');
    const report = await verifyEvidence(db, { dir: evidenceDir, key }, 'v1.4.0');
    expect(report.problems).toEqual([]);
    expect(report.files).toBe(11);
  });

  it('verifies the sealed evidence of a version with /spark evidence', async () => {
    const out = await session(['/spark evidence v1.4.0', '/spark evidence v9.9.9']);
    expect(out).toMatch(/✅ Evidence for v1\.4\.0 is intact: 11 files, \d+ audit rows/);
    expect(out).toContain('No evidence recorded for v9.9.9');
  });

  it('shows the latest preflight of each version in /spark status', async () => {
    const out = await session(['/spark status']);
    expect(out).toMatch(/v1\.4\.0: run \d+ ready with warnings \(9 pass · 1 warn · 0 fail · 0 skipped\)/);
  });

  it('reaches GO with the approvers switching identity; a NO-GO needs a reason and stands until withdrawn', async () => {
    // buttons of the card: 1/2 tick/untick team ready, then GO/NO-GO per role (3/4 DevOps … 11/12 Red Team), 13 Confirm GO
    const out = await session([
      '/spark preflight v1.4.1',
      '/spark gonogo v1.4.1',
      '/as cto', '3', '6', 'HSTS max-age is too short',
      '/spark drill v1.4.1 staging: rolled back to v1.4.0 in 4m12s',
      '/as ayşe', '13',
      '/as devops', '/spark drill v1.4.1', '/spark drill v1.4.1 staging: rolled back to v1.4.0 in 4m12s, health green', '3',
      '/as cto', '5',
      '/as product', '7', '/as security', '9', '/as burak', '11',
      '/as ayşe', '1', '13',
    ]);
    expect(out).toContain('Only the IC (Ayşe Kaya) or the DevOps Lead (Mehmet Demir) can record a rollback drill.');
    expect(out).toContain('say how the drill went, after the version: type `/spark drill v1.3.9 staging: full rollback in 4m12s, health checks green`');
    expect(out).toMatch(/🧯 Rollback drill of v1\.4\.1 recorded by Mehmet Demir: staging: rolled back to v1\.4\.0 in 4m12s, health green/);
    expect(out).toMatch(/GO cannot be confirmed yet: NO-GO from the CTO[^\n]*Rollback plan tested/);
    expect(out).toContain('Only the DevOps Lead (Mehmet Demir) can vote for the DevOps Lead.');
    expect(out).toContain('*The CTO*: 🛑 NO-GO — Zeynep Arslan, 18:00 UTC: HSTS max-age is too short');
    expect(out).toMatch(/GO cannot be confirmed yet: NO-GO from the CTO/);
    const final = out.slice(out.lastIndexOf('━━ GO / NO-GO v1.4.1 ━━'));
    expect(final).toContain('✅ *GO*: confirmed by the IC');
    expect(final).toContain('*Items 10/10*');
    expect(final).toContain('*The CTO*: ✅ GO — Zeynep Arslan');
    expect(final).toMatch(/✅ Rollback plan tested: rollback drill of v1\.4\.1 on \d{4}-\d{2}-\d{2}: staging: rolled back/);
    expect(out).toMatch(/✅ GO for v1\.4\.1 at commit `[0-9a-f]+`\. Decision sealed in `v1\.4\.1\/\d{8}T\d{6}\.\d{3}Z-gonogo-decision\.md`/);
    expect((await verifyEvidence(db, { dir: evidenceDir, key }, 'v1.4.1')).problems).toEqual([]);
  });

  it('marks votes stale when a new preflight arrives, and refuses to open a vote without one', async () => {
    const out = await session(['/spark gonogo v1.4.2', '/spark preflight v1.4.2', '/spark gonogo v1.4.2', '/as cto', '5', '/spark preflight v1.4.2']);
    expect(out).toContain('Cannot open a GO / NO-GO: no finished preflight for v1.4.2 yet: run `/spark preflight v1.4.2` first');
    const final = out.slice(out.lastIndexOf('━━ GO / NO-GO v1.4.2 ━━'));
    expect(final).toContain('*The CTO*: ♻️ stale (GO by Zeynep Arslan before the new evidence): vote again');
  });

  it('runs the red team: the automated attacks at once, the Red Team Lead ticks the ten mistakes, and the GO / NO-GO card shows it', async () => {
    const passes = Array.from({ length: 10 }, (_, i) => String(2 * i + 1));
    const out = await session(['/spark redteam v1.4.3', '/as cto', '1', '/as burak', '4', 'stale quotes after reconnect, fixed in 1.4.3', ...passes, '/spark preflight v1.4.3', '/spark gonogo v1.4.3']);
    expect(out).toContain('Only the Red Team Lead (Burak Çelik) can tick');
    expect(out).toMatch(/✅ 11\. \*Idempotency burst replay\* — 100 concurrent requests with one key executed once/);
    const redteam = out.slice(out.lastIndexOf('━━ Red team v1.4.3 ━━'));
    expect(redteam).toMatch(/✅ \*Passed\* — 15 pass · 0 warn · 0 fail · 0 skipped · 0 open/);
    expect(out).toMatch(/\*Red team\* \(run \d+\): passed — 15 pass/);
    expect((await verifyEvidence(db, { dir: evidenceDir, key }, 'v1.4.3')).problems).toEqual([]);
  });
});
