/** The hourly first-night evidence: database health, pgBouncer and the bot's resources, for each running night. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../src/adapters/virtual-clock.ts';
import { hourlyEvidence } from '../src/app/first-night/hourly.ts';
import { simulatedSources } from '../src/app/preflight/sources.ts';
import { defaultConfig } from '../src/config/schema.ts';
import { evidenceKeyFrom } from '../src/evidence/key.ts';
import { verifyEvidence } from '../src/evidence/verify.ts';
import { createSimPlatform } from '../src/sim/platform.ts';
import type { Db } from '../src/store/db.ts';
import { openTestDb } from './support/db.ts';
import { tempDir } from './support/temp.ts';

const RELEASED = new Date('2026-11-24T18:00:00Z');

describe('hourly first-night evidence', () => {
  let db: Db;
  const config = defaultConfig();
  const clock = new VirtualClock(new Date(RELEASED.getTime() + 3 * 3_600_000));
  const evidence = { dir: tempDir('spark-hourly-'), key: evidenceKeyFrom('hourly') };
  const sources = simulatedSources(createSimPlatform({ config, clock }));
  beforeAll(async () => {
    db = await openTestDb();
    const night = (version: string, run: number, status: string) =>
      db.query(`INSERT INTO first_night (version, canary_run_id, channel, released_at, state, status, started_at) VALUES ($1, $2, 'C0DEPLOYS', $3, '{}', $4, $3)`, [version, run, RELEASED, status]);
    await night('v1.4.0', 1, 'running');
    await night('v1.3.9', 2, 'ended');
  });
  afterAll(() => db.close());

  const files = async (version: string) =>
    (await db.query<{ path: string }>("SELECT path FROM evidence_file WHERE version = $1 AND kind = 'first-night-hourly' ORDER BY id", [version])).map((r) => r.path);

  it('seals the health of a running night only, and the files verify', async () => {
    expect(await hourlyEvidence({ db, clock, config, host: 'test', evidence, sources })).toEqual(['v1.4.0']);
    const [path] = await files('v1.4.0');
    const text = readFileSync(join(evidence.dir, path!), 'utf8');
    expect(text).toContain('First night of v1.4.0, T+3.0 h');
    for (const title of ['pgBouncer saturation', 'Sequence anomalies', 'PostgreSQL bloat']) expect(text).toMatch(new RegExp(`## ${title}\\n\\nOutcome: \\*\\*PASS\\*\\*`));
    expect(text).toMatch(/## The bot\n\nRSS \d+ MB · heap \d+\/\d+ MB · load /);
    expect(await files('v1.3.9')).toEqual([]);
    expect((await verifyEvidence(db, evidence, 'v1.4.0')).problems).toEqual([]);
  });

  it('records a health source that is not configured as skipped, with the key to set, never as a pass', async () => {
    clock.advance(3_600_000);
    await hourlyEvidence({ db, clock, config, host: 'test', evidence, sources: { ...sources, pgbouncer: { missing: 'set preflight.pgbouncer.adminUrl' } } });
    const paths = await files('v1.4.0');
    expect(paths).toHaveLength(2);
    expect(readFileSync(join(evidence.dir, paths[1]!), 'utf8')).toContain('## pgBouncer saturation\n\nOutcome: **SKIPPED** — set preflight.pgbouncer.adminUrl');
  });
});
