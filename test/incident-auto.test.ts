/**
 * The incident a first-night breach opens: pre-filled with the checks that failed, once per breach; a breach going
 * on is noted on the same incident, and a breach that only goes on after the incident was resolved opens none.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../src/adapters/virtual-clock.ts';
import { openOnFirstNightBreach } from '../src/app/incident/auto.ts';
import { readIncident } from '../src/app/incident/record.ts';
import { actOnIncident, type IncidentDeps } from '../src/app/incident/run.ts';
import type { FirstNightBreach } from '../src/app/first-night/timers.ts';
import { namesFrom } from '../src/app/ritual.ts';
import { configSchema } from '../src/config/schema.ts';
import type { CheckResult } from '../src/domain/first-night/snapshot.ts';
import { evidenceKeyFrom } from '../src/evidence/key.ts';
import type { Db } from '../src/store/db.ts';
import { openTestDb } from './support/db.ts';
import { tempDir } from './support/temp.ts';

const T0 = new Date('2026-11-24T21:00:00Z');
const HOUR = 3_600_000;
const config = configSchema.parse({});
const nameOf = namesFrom(config);

const p95 = (value: number): CheckResult => ({ id: 'api_p95', name: 'API p95', unit: 'ms', comparison: '<', threshold: 200, outcome: 'fail', value, trend: { kind: 'first' } as never });

function breach(n: number, offsetMs: number, fresh: boolean, checks: CheckResult[]): FirstNightBreach {
  return {
    nightId: 77, runId: 12, version: 'v1.5.0', channel: '#spark-deploys', n, offsetMs, at: new Date(T0.getTime() + offsetMs),
    result: { offsetMs, clean: false, checks, skipped: [] } as never, breaches: checks, fresh, threadOf: 'canary:12',
  };
}

describe('incidents opened by a first-night breach', () => {
  let db: Db;
  let deps: IncidentDeps;
  beforeAll(async () => {
    db = await openTestDb();
    deps = { db, clock: new VirtualClock(T0), log: pino({ level: 'silent' }), config, evidence: { dir: tempDir('spark-incident-auto-'), key: evidenceKeyFrom('auto') }, nameOf, wake: () => undefined };
  });
  afterAll(() => db.close());

  const incidents = () => db.query<{ seq: number; status: string; origin: string; version: string }>('SELECT seq, status, origin, version FROM incident ORDER BY seq');

  it('opens one incident for a new breach, notes the breach going on, and opens none for a breach that only goes on after the resolve', async () => {
    await db.transaction((tx) => openOnFirstNightBreach(tx, deps, breach(10, 3 * HOUR, true, [p95(412)])));
    const [first, ...more] = await incidents();
    expect(more).toEqual([]);
    expect(first).toMatchObject({ status: 'open', origin: 'first-night-breach', version: 'v1.5.0' });
    const opened = (await readIncident(db, Number(first!.seq)))!.state;
    expect(opened.summary).toBe('First-night breach of v1.5.0 at +3h: API p95');
    expect(opened.severity).toBe('SEV2');
    expect(opened.timeline[0]?.what).toContain('breached API p95 412ms (must be < 200ms)');

    await db.transaction((tx) => openOnFirstNightBreach(tx, deps, breach(11, 3.25 * HOUR, false, [p95(398)])));
    expect(await incidents()).toHaveLength(1);
    expect((await readIncident(db, Number(first!.seq)))!.state.timeline.at(-1)?.what).toBe('First-night snapshot 11 still breaches: API p95 398ms.');

    await actOnIncident(deps, Number(first!.seq), { type: 'resolve', by: 'U0SPARKIC' });
    await db.transaction((tx) => openOnFirstNightBreach(tx, deps, breach(12, 3.5 * HOUR, false, [p95(380)])));
    expect(await incidents()).toHaveLength(1);

    // a new breach after the resolve is a new incident
    await db.transaction((tx) => openOnFirstNightBreach(tx, deps, breach(14, 5 * HOUR, true, [p95(505)])));
    expect((await incidents()).map((i) => i.status)).toEqual(['resolved', 'open']);
  });
});
