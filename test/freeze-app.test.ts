/**
 * The freeze windows as the ritual meets them (RITUAL §7): whether a canary may start now with the default
 * config's stage holds, and `/spark freeze` through the router.
 */
import { DateTime } from 'luxon';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../src/adapters/virtual-clock.ts';
import { firstFit, freezeRefusal, plannedDuration, schemaChangeOf } from '../src/app/freeze.ts';
import { simulatedSources } from '../src/app/preflight/sources.ts';
import { namesFrom, type Ritual } from '../src/app/ritual.ts';
import { simulatedRedteamSources } from '../src/app/redteam/sources.ts';
import type { Card } from '../src/chat/card.ts';
import { createRouter } from '../src/chat/router.ts';
import { configSchema, defaultConfig, type SparkConfig } from '../src/config/schema.ts';
import { evidenceKeyFrom } from '../src/evidence/key.ts';
import { createSimPlatform } from '../src/sim/platform.ts';
import { simReleaseFacts } from '../src/sim/release.ts';
import type { Db } from '../src/store/db.ts';
import { openTestDb } from './support/db.ts';
import { tempDir } from './support/temp.ts';

const MIN = 60_000;
const TZ = 'Europe/Istanbul';

/** `2026-11-17 08:30` on the Istanbul wall clock. */
function ist(text: string): Date {
  const t = DateTime.fromFormat(text, 'yyyy-MM-dd HH:mm', { zone: TZ });
  if (!t.isValid) throw new Error(`bad test time ${text}`);
  return t.toJSDate();
}

const unknown = defaultConfig();
const withSchemaChange = (schemaChange: boolean): SparkConfig => configSchema.parse({ preflight: { prisma: { schemaChange } } });
const schema = withSchemaChange(true);
const noSchema = withSchemaChange(false);

// 2026-11-17 is a Tuesday in a normal week: no holiday, no reference zone changed its clocks in it or the week before.
const TUE = '2026-11-17';
const SAT = '2026-11-21';
// America/New_York left DST on Sunday 2026-11-01: the week after, 2026-11-02 … 08, is a DST week.
const DST_TUE = '2026-11-03';

const ASSUMED = 'it is treated as a schema change because preflight.prisma.schemaChange is not set in the config';

describe('the planned duration of a canary', () => {
  it('is the sum of the stage holds plus the 15-minute margin', () => {
    expect(plannedDuration(unknown)).toEqual({ ms: 105 * MIN, holdsMs: 90 * MIN, marginMs: unknown.freeze.canaryMargin, text: '1h45m (stage holds 1h30m + 15m margin)' });
    const short = configSchema.parse({ stages: [{ weight: 50, hold: '10m' }, { weight: 100, hold: '20m' }] });
    expect(plannedDuration(short).ms).toBe(45 * MIN);
  });
});

describe('freezeRefusal with the default config', () => {
  it('refuses a schema-change canary at 08:30 on a Tuesday: its 1h45m would cross into BIST hours at 09:30; it names the end, the window and when it opens', () => {
    expect(freezeRefusal({ config: schema }, { start: ist(`${TUE} 08:30`) }, [])).toBe(
      'a schema-change canary of 1h45m (stage holds 1h30m + 15m margin) starting 2026-11-17 08:30 Europe/Istanbul ' +
        'would end at 2026-11-17 10:15 Europe/Istanbul, past the start of the forbidden window 2026-11-17 09:30–18:00 Europe/Istanbul ' +
        '(no schema changes during BIST trading hours 09:30–18:00 Europe/Istanbul on a trading day); ' +
        'the earliest start that fits is 2026-11-17 18:00 Europe/Istanbul',
    );
  });

  it('counts the margin: 07:45 ends exactly at 09:30 and may start, 07:46 may not', () => {
    expect(freezeRefusal({ config: schema }, { start: ist(`${TUE} 07:45`) }, [])).toBeUndefined();
    expect(freezeRefusal({ config: schema }, { start: ist(`${TUE} 07:46`) }, [])).toContain('would end at 2026-11-17 09:31 Europe/Istanbul');
  });

  it('refuses a schema change that would start inside BIST hours, naming when it would have ended', () => {
    expect(freezeRefusal({ config: schema }, { start: ist(`${TUE} 11:00`) }, [])).toContain(
      'starting 2026-11-17 11:00 Europe/Istanbul starts inside the forbidden window 2026-11-17 09:30–18:00 Europe/Istanbul and would have ended at 2026-11-17 12:45 Europe/Istanbul',
    );
  });

  it('lets a release without a schema change run through BIST hours on a normal Tuesday', () => {
    expect(freezeRefusal({ config: noSchema }, { start: ist(`${TUE} 08:30`) }, [])).toBeUndefined();
    // the plan's own flag wins over the config
    expect(freezeRefusal({ config: schema }, { start: ist(`${TUE} 08:30`), schemaChange: false }, [])).toBeUndefined();
  });

  it('allows a schema-change canary on a Saturday: BIST is closed', () => {
    expect(freezeRefusal({ config: schema }, { start: ist(`${SAT} 11:00`) }, [])).toBeUndefined();
  });

  it('in a DST week refuses even a release without a schema change outside 06:00–10:00, and names the next morning', () => {
    const why = freezeRefusal({ config: noSchema }, { start: ist(`${DST_TUE} 11:00`) }, []);
    expect(why).toBe(
      'a canary of 1h45m (stage holds 1h30m + 15m margin) starting 2026-11-03 11:00 Europe/Istanbul ' +
        'starts inside the forbidden window 2026-11-03 10:00 – 2026-11-04 06:00 Europe/Istanbul and would have ended at 2026-11-03 12:45 Europe/Istanbul ' +
        '(DST week: America/New_York changed its clocks on 2026-11-01; until 2026-11-09 00:00 Europe/Istanbul deploys only 06:00–10:00 Europe/Istanbul); ' +
        'the earliest start that fits is 2026-11-04 06:00 Europe/Istanbul',
    );
    // inside the morning window, with room before 09:30, it may start
    expect(freezeRefusal({ config: noSchema }, { start: ist(`${DST_TUE} 07:00`) }, [])).toBeUndefined();
    // the same start on a normal Tuesday is open
    expect(freezeRefusal({ config: noSchema }, { start: ist(`${TUE} 11:00`) }, [])).toBeUndefined();
  });

  it('in a DST week refuses a canary in the morning window that would run past 10:00', () => {
    expect(freezeRefusal({ config: noSchema }, { start: ist(`${DST_TUE} 08:30`) }, [])).toContain(
      'would end at 2026-11-03 10:15 Europe/Istanbul, past the start of the forbidden window 2026-11-03 10:00 – 2026-11-04 06:00 Europe/Istanbul',
    );
  });

  it('treats a release whose schema flag is not set as a schema change, and says so', () => {
    expect(schemaChangeOf(unknown)).toEqual({ schemaChange: true, assumed: 'treated as a schema change because preflight.prisma.schemaChange is not set in the config' });
    expect(schemaChangeOf(noSchema)).toEqual({ schemaChange: false });
    const why = freezeRefusal({ config: unknown }, { start: ist(`${TUE} 08:30`) }, []);
    expect(why).toMatch(/^a schema-change canary of 1h45m .* 2026-11-17 09:30–18:00 Europe\/Istanbul/);
    expect(why?.endsWith(`the earliest start that fits is 2026-11-17 18:00 Europe/Istanbul; ${ASSUMED}`)).toBe(true);
    // without the assumption nothing is said about it
    expect(freezeRefusal({ config: schema }, { start: ist(`${TUE} 08:30`) }, [])).not.toContain('treated as');
  });

  it('refuses inside a change freeze of the run of show, and an emergency rollback never', () => {
    const freeze = { from: ist(`${SAT} 10:00`), reason: 'T-30 for v1.4.0' };
    expect(freezeRefusal({ config: noSchema }, { start: ist(`${SAT} 11:00`) }, [freeze])).toBe(
      'a canary of 1h45m (stage holds 1h30m + 15m margin) starting 2026-11-21 11:00 Europe/Istanbul ' +
        'starts inside the forbidden window 2026-11-21 10:00 Europe/Istanbul until lifted and would have ended at 2026-11-21 12:45 Europe/Istanbul ' +
        '(change freeze (T-30 for v1.4.0): no deploys, emergency rollback only); no start fits until the change freeze is lifted',
    );
    expect(freezeRefusal({ config: schema }, { start: ist(`${TUE} 11:00`), kind: 'rollback' }, [freeze])).toBeUndefined();
  });

  it('reads like the canary\'s other refusals once the caller wraps it', () => {
    const why = freezeRefusal({ config: schema }, { start: ist(`${TUE} 08:30`) }, []);
    expect(why).toMatch(/^[a-z]/);
    expect(why).not.toMatch(/\.$/);
  });
});

describe('/spark freeze', () => {
  let db: Db;
  const CHANNEL = 'C0ASKER';
  const evidence = { dir: tempDir('spark-freeze-'), key: evidenceKeyFrom('freeze') };
  const log = pino({ level: 'silent' });

  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(() => db.close());

  function routerAt(at: Date, config: SparkConfig) {
    const clock = new VirtualClock(at);
    const sim = createSimPlatform({ config, clock });
    const ritual: Ritual = { config, host: 'test', evidence, sources: simulatedSources(sim), redteam: simulatedRedteamSources(), release: simReleaseFacts, nameOf: namesFrom(config) };
    return createRouter({ db, mode: 'console', configSource: 'built-in defaults', clock, log, wake: () => undefined, ritual });
  }

  /** The cards posted since the last call, to which channel, as their text lines. */
  let seen = 0;
  async function posted(): Promise<{ channel: string; card: Card; lines: string }[]> {
    const rows = await db.query<{ id: number; payload: { kind: string; channel: string; card: Card } }>('SELECT id, payload FROM outbox WHERE id > $1 ORDER BY id', [seen]);
    seen = Math.max(seen, ...rows.map((r) => Number(r.id)));
    return rows.map(({ payload: p }) => ({
      channel: p.channel,
      card: p.card,
      lines: p.card.blocks.map((b) => ('text' in b ? b.text : 'fields' in b ? b.fields.join(' | ') : '')).join('\n'),
    }));
  }

  it('posts the freeze card to the asker\'s channel: BIST hours now, deploys open, schema changes from 18:00, and why', async () => {
    const router = routerAt(ist(`${TUE} 11:00`), unknown);
    expect(await router.command({ userId: 'U0CTO', channelId: CHANNEL, text: 'freeze', deliveryId: 'Ef1' })).toEqual({});
    const [post, ...more] = await posted();
    expect(more).toEqual([]);
    expect(post!.channel).toBe(CHANNEL);
    expect(post!.card.text).toBe(
      'Freeze windows: Now 2026-11-17 11:00 Europe/Istanbul: schema changes refused until 2026-11-17 18:00 Europe/Istanbul. ' +
        'No schema changes during BIST trading hours 09:30–18:00 Europe/Istanbul on a trading day. Other deploys allowed.',
    );
    expect(post!.lines).toBe(
      [
        'Freeze windows',
        'Now 2026-11-17 11:00 Europe/Istanbul: schema changes refused until 2026-11-17 18:00 Europe/Istanbul. No schema changes during BIST trading hours 09:30–18:00 Europe/Istanbul on a trading day. Other deploys allowed.',
        '*Deploys*\nopen now | *Schema changes*\nfrom 2026-11-17 18:00 Europe/Istanbul',
        'Next: schema changes refused 2026-11-18 09:30–18:00 Europe/Istanbul: no schema changes during BIST trading hours 09:30–18:00 Europe/Istanbul on a trading day.',
        '*A canary started now*, planned 1h45m (stage holds 1h30m + 15m margin)\n' +
          '⛔ refused: a schema-change canary of 1h45m (stage holds 1h30m + 15m margin) starting 2026-11-17 11:00 Europe/Istanbul starts inside the forbidden window ' +
          '2026-11-17 09:30–18:00 Europe/Istanbul and would have ended at 2026-11-17 12:45 Europe/Istanbul (no schema changes during BIST trading hours 09:30–18:00 Europe/Istanbul on a trading day); ' +
          `the earliest start that fits is 2026-11-17 18:00 Europe/Istanbul; ${ASSUMED}`,
        '⚠️ This release is treated as a schema change because preflight.prisma.schemaChange is not set in the config. Emergency rollback is allowed at any time. As of 2026-11-17 11:00 Europe/Istanbul.',
      ].join('\n'),
    );
    // a Slack retry of the same delivery posts nothing more
    expect(await router.command({ userId: 'U0CTO', channelId: CHANNEL, text: 'freeze', deliveryId: 'Ef1' })).toEqual({});
    expect(await posted()).toEqual([]);
  });

  it('in a DST week: deploys refused until the next morning, and a release without a schema change says so', async () => {
    const router = routerAt(ist(`${DST_TUE} 11:00`), noSchema);
    expect(await router.command({ userId: 'U0CTO', channelId: CHANNEL, text: 'freeze' })).toEqual({});
    const [post] = await posted();
    expect(post!.lines).toContain('Now 2026-11-03 11:00 Europe/Istanbul: deploys refused until 2026-11-04 06:00 Europe/Istanbul');
    expect(post!.lines).toContain('*Deploys*\nfrom 2026-11-04 06:00 Europe/Istanbul | *Schema changes*\nfrom 2026-11-04 06:00 Europe/Istanbul');
    expect(post!.lines).toContain('⛔ refused: a canary of 1h45m');
    expect(post!.lines).toContain('This release does not change the schema (`preflight.prisma.schemaChange: false`).');
  });

  it('on a Saturday everything is open and a canary may start', async () => {
    const router = routerAt(ist(`${SAT} 11:00`), schema);
    await router.command({ userId: 'U0CTO', channelId: CHANNEL, text: 'freeze' });
    const [post] = await posted();
    expect(post!.lines).toContain('Open now (2026-11-21 11:00 Europe/Istanbul): deploys and schema changes allowed.');
    expect(post!.lines).toContain('*Deploys*\nopen now | *Schema changes*\nopen now');
    expect(post!.lines).toContain('Next: schema changes refused 2026-11-23 09:30–18:00 Europe/Istanbul');
    expect(post!.lines).toContain('✅ may start: it would end by 2026-11-21 12:45 Europe/Istanbul');
    expect(post!.lines).toContain('This release changes the schema (`preflight.prisma.schemaChange: true`).');
  });
});

describe('where a rehearsal begins', () => {
  it('now when a canary started within the lead fits; else at the first start that fits the lead and the canary', () => {
    expect(firstFit(schema, ist(`${SAT} 11:00`), 15 * MIN)).toEqual(ist(`${SAT} 11:00`));
    expect(firstFit(schema, ist(`${TUE} 08:30`), 15 * MIN)).toEqual(ist(`${TUE} 18:00`));
    // 07:30 + 15 min lead + 1h45m ends at 09:30 exactly: it fits; a minute later it does not
    expect(firstFit(schema, ist(`${TUE} 07:30`), 15 * MIN)).toEqual(ist(`${TUE} 07:30`));
    expect(firstFit(schema, ist(`${TUE} 07:31`), 15 * MIN)).toEqual(ist(`${TUE} 18:00`));
  });
});
