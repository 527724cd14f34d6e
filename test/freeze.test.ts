import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/schema.ts';
import { type ChangeFreeze, type DeployVerdict, type FreezeRules, forbiddenWindows, freezeState, judgeDeploy } from '../src/domain/freeze.ts';

const rules = configSchema.parse({}).freeze;
const rulesWith = (freeze: Record<string, unknown>): FreezeRules => configSchema.parse({ freeze }).freeze;

const MIN = 60_000;
const TZ = 'Europe/Istanbul';

/** `2026-06-17 09:30` on the Istanbul wall clock. */
function ist(text: string, zone = TZ): Date {
  const t = DateTime.fromFormat(text, 'yyyy-MM-dd HH:mm', { zone });
  if (!t.isValid) throw new Error(`bad test time ${text}`);
  return t.toJSDate();
}

function canary(start: string, minutes: number, schemaChange: boolean, freezes: ChangeFreeze[] = [], r: FreezeRules = rules): DeployVerdict {
  return judgeDeploy(r, { kind: 'canary', start: ist(start, r.timezone), durationMs: minutes * MIN, schemaChange }, freezes);
}

function refused(v: DeployVerdict): Extract<DeployVerdict, { allowed: false }> {
  if (v.allowed) throw new Error('expected the deploy to be refused, it was allowed');
  return v;
}

// A normal week: no holiday, no DST change in it or the week before.
const WED = '2026-06-17';
const FRI = '2026-06-19';

describe('BIST hours', () => {
  it.each([
    ['09:29', true],
    ['09:30', false],
    ['12:00', false],
    ['17:59', false],
    ['18:00', true],
    ['23:59', true],
    ['00:00', true],
  ])('a schema change at %s on a normal trading day: allowed %s', (time, allowed) => {
    const v = canary(`${WED} ${time}`, 0, true);
    expect(v.allowed).toBe(allowed);
    if (!v.allowed) expect(v.window.kind).toBe('bist');
  });

  it.each(['09:30', '12:00', '17:59'])('a deploy without schema change at %s is allowed', (time) => {
    expect(canary(`${WED} ${time}`, 0, false).allowed).toBe(true);
  });

  it.each([
    ['2026-06-20 11:00', 'Saturday'],
    ['2026-06-21 11:00', 'Sunday'],
    ['2026-04-23 11:00', 'Ulusal Egemenlik ve Çocuk Bayramı (Thursday)'],
    ['2026-07-15 11:00', 'Demokrasi ve Millî Birlik Günü (Wednesday)'],
    ['2026-05-27 11:00', 'Kurban Bayramı (Wednesday)'],
  ])('a schema change at %s (%s) is allowed: BIST is closed', (start) => {
    expect(canary(start, 30, true).allowed).toBe(true);
  });

  it('2026-10-29 Cumhuriyet Bayramı falls in a DST week: no BIST freeze, but deploys only in the morning window', () => {
    expect(canary('2026-10-29 09:45', 10, true).allowed).toBe(true);
    expect(refused(canary('2026-10-28 09:45', 10, true)).window.kind).toBe('bist');
    const v = refused(canary('2026-10-29 11:00', 10, true));
    expect(v.window.kind).toBe('dst');
    expect(v.earliestStart).toEqual(ist('2026-10-30 06:00'));
  });

  it('takes the holidays, trading days and hours from the config', () => {
    expect(refused(canary('2026-07-15 11:00', 0, true, [], rulesWith({ holidays: [] }))).window.kind).toBe('bist');
    expect(refused(canary('2026-06-20 11:00', 0, true, [], rulesWith({ tradingDays: [1, 2, 3, 4, 5, 6] }))).window.kind).toBe('bist');
    const short = rulesWith({ bistHours: { start: '10:00', end: '17:00' } });
    expect(canary(`${WED} 09:45`, 0, true, [], short).allowed).toBe(true);
    expect(canary(`${WED} 17:00`, 0, true, [], short).allowed).toBe(true);
    expect(canary(`${WED} 16:59`, 0, true, [], short).allowed).toBe(false);
  });

  it('reads the hours on the wall clock of freeze.timezone', () => {
    const london = rulesWith({ timezone: 'Europe/London' });
    // 09:30 in London in June is 08:30 UTC
    const at = (iso: string) => judgeDeploy(london, { kind: 'canary', start: new Date(iso), durationMs: 0, schemaChange: true }, []);
    expect(at('2026-06-17T08:29:00Z').allowed).toBe(true);
    expect(refused(at('2026-06-17T08:30:00Z')).reason).toContain('2026-06-17 09:30 Europe/London');
  });
});

describe('DST weeks', () => {
  // The changes the src must find on its own, from the time-zone database.
  const CHANGES = [
    { zone: 'America/New_York', date: '2025-03-09', utc: '2025-03-09T07:00:00Z', changeWeek: '2025-03-05', weekAfter: '2025-03-12' },
    { zone: 'Europe/London', date: '2025-03-30', utc: '2025-03-30T01:00:00Z', changeWeek: '2025-03-26', weekAfter: '2025-04-02' },
    { zone: 'Europe/London', date: '2025-10-26', utc: '2025-10-26T01:00:00Z', changeWeek: '2025-10-22', weekAfter: '2025-10-29' },
    { zone: 'America/New_York', date: '2025-11-02', utc: '2025-11-02T06:00:00Z', changeWeek: '2025-10-29', weekAfter: '2025-11-05' },
    { zone: 'America/New_York', date: '2026-03-08', utc: '2026-03-08T07:00:00Z', changeWeek: '2026-03-04', weekAfter: '2026-03-11' },
    { zone: 'Europe/London', date: '2026-03-29', utc: '2026-03-29T01:00:00Z', changeWeek: '2026-03-25', weekAfter: '2026-04-01' },
    { zone: 'Europe/London', date: '2026-10-25', utc: '2026-10-25T01:00:00Z', changeWeek: '2026-10-21', weekAfter: '2026-10-28' },
    { zone: 'America/New_York', date: '2026-11-01', utc: '2026-11-01T06:00:00Z', changeWeek: '2026-10-28', weekAfter: '2026-11-04' },
  ];

  describe.each(CHANGES)('$zone changes its clocks on $date', ({ zone, date, utc, changeWeek, weekAfter }) => {
    it.each([
      ['the week of the change', changeWeek],
      ['the week after', weekAfter],
    ])('in %s (Wednesday %s) deploys are refused outside 06:00–10:00, naming the change', (_, day) => {
      const v = refused(canary(`${day} 11:00`, 30, false));
      expect(v.window.kind).toBe('dst');
      expect(v.window.clockChanges).toContainEqual({ zone, date, at: new Date(utc) });
      const tense = day === changeWeek ? 'changes' : 'changed';
      expect(v.reason).toContain(`DST week: `);
      expect(v.reason).toContain(`${zone} ${tense} its clocks on ${date}`);
      expect(v.reason).toContain('deploys only 06:00–10:00 Europe/Istanbul');
      expect(v.earliestStart).toEqual(ist(`${DateTime.fromISO(day).plus({ days: 1 }).toISODate()} 06:00`));
    });

    it.each([
      ['05:59', false],
      ['06:00', true],
      ['09:59', true],
      ['10:00', false],
      ['23:00', false],
    ])(`on the Wednesday after, a deploy at %s: allowed %s`, (time, allowed) => {
      expect(canary(`${weekAfter} ${time}`, 0, false).allowed).toBe(allowed);
    });
  });

  // The runs of DST weeks: Monday 00:00 of the first week to Monday 00:00 after the last.
  const PERIODS = [
    { from: '2025-03-03', until: '2025-03-17' },
    { from: '2025-03-24', until: '2025-04-07' },
    { from: '2025-10-20', until: '2025-11-10' },
    { from: '2026-03-02', until: '2026-03-16' },
    { from: '2026-03-23', until: '2026-04-06' },
    { from: '2026-10-19', until: '2026-11-09' },
  ];
  const minusMinute = (day: string) => DateTime.fromISO(day).minus({ minutes: 1 }).toFormat('yyyy-MM-dd HH:mm');

  it.each(PERIODS)('DST weeks run from Monday $from 00:00 to Monday $until 00:00', ({ from, until }) => {
    expect(canary(minusMinute(from), 0, false).allowed).toBe(true);
    expect(refused(canary(`${from} 00:00`, 0, false)).window.kind).toBe('dst');
    expect(refused(canary(minusMinute(until), 0, false)).reason).toContain(`until ${until} 00:00 Europe/Istanbul deploys only`);
    expect(canary(`${until} 00:00`, 0, false).allowed).toBe(true);
  });

  it.each([
    ['2025-03-19', 'between the US and EU spring changes of 2025'],
    ['2025-04-09', 'two weeks after the EU spring change of 2025'],
    ['2025-10-15', 'the week before the EU autumn change of 2025'],
    ['2026-03-18', 'between the US and EU spring changes of 2026'],
    ['2026-11-11', 'two weeks after the US autumn change of 2026'],
    [WED, 'mid-June'],
  ])('%s (%s) is a normal week: a deploy at 15:00 is allowed', (day) => {
    expect(canary(`${day} 15:00`, 90, false).allowed).toBe(true);
    expect(canary(`${day} 03:00`, 90, false).allowed).toBe(true);
  });

  it('finds the changes of any configured zone, and none without zones', () => {
    const sydney = rulesWith({ dstReferenceZones: ['Australia/Sydney'] });
    const v = refused(canary('2026-10-07 11:00', 0, false, [], sydney));
    expect(v.reason).toContain('Australia/Sydney changed its clocks on 2026-10-04');
    expect(canary('2026-11-04 11:00', 0, false, [], sydney).allowed).toBe(true);
    expect(canary('2026-11-04 11:00', 0, false, [], rulesWith({ dstReferenceZones: ['Asia/Tokyo'] })).allowed).toBe(true);
    expect(canary('2026-11-04 11:00', 0, false, [], rulesWith({ dstReferenceZones: [] })).allowed).toBe(true);
  });

  it('follows the configured morning window', () => {
    const r = rulesWith({ dstMorningWindow: { start: '07:00', end: '08:00' } });
    expect(canary('2026-11-04 06:30', 0, false, [], r).allowed).toBe(false);
    expect(canary('2026-11-04 07:30', 0, false, [], r).allowed).toBe(true);
    expect(canary('2026-11-04 08:00', 0, false, [], r).allowed).toBe(false);
  });
});

describe('a canary over its planned duration', () => {
  it('starting 17:00 with a schema change is refused for the BIST hours it starts in, and says it would have run until 18:30', () => {
    const v = refused(canary(`${WED} 17:00`, 90, true));
    expect(v.window).toMatchObject({ kind: 'bist', start: ist(`${WED} 09:30`), end: ist(`${WED} 18:00`) });
    expect(v.wouldEndAt).toEqual(ist(`${WED} 18:30`));
    expect(v.earliestStart).toEqual(ist(`${WED} 18:00`));
    expect(v.reason).toBe(
      'Refused: a schema-change canary (1h30m) starting 2026-06-17 17:00 Europe/Istanbul starts inside a forbidden window ' +
        '(2026-06-17 09:30–18:00 Europe/Istanbul); it would have ended at 2026-06-17 18:30 Europe/Istanbul. ' +
        'No schema changes during BIST trading hours 09:30–18:00 Europe/Istanbul on a trading day. ' +
        'Earliest start that fits: 2026-06-17 18:00 Europe/Istanbul.',
    );
  });

  it('starting 08:30 with a schema change would cross into 09:30: refused, naming 10:00 and the window', () => {
    const v = refused(canary(`${WED} 08:30`, 90, true));
    expect(v.window.kind).toBe('bist');
    expect(v.wouldEndAt).toEqual(ist(`${WED} 10:00`));
    expect(v.reason).toBe(
      'Refused: a schema-change canary (1h30m) starting 2026-06-17 08:30 Europe/Istanbul would end at 2026-06-17 10:00 Europe/Istanbul, ' +
        'past the start of a forbidden window at 2026-06-17 09:30 Europe/Istanbul (2026-06-17 09:30–18:00 Europe/Istanbul). ' +
        'No schema changes during BIST trading hours 09:30–18:00 Europe/Istanbul on a trading day. ' +
        'Earliest start that fits: 2026-06-17 18:00 Europe/Istanbul.',
    );
  });

  it.each([
    [`${WED} 08:00`, 90, true, true, 'ends as BIST opens'],
    [`${WED} 08:01`, 90, true, false, 'a minute into BIST hours'],
    [`${WED} 15:00`, 90, false, true, 'no schema change in a normal week'],
    [`${FRI} 18:00`, 24 * 60, true, true, 'over the weekend'],
    [`${FRI} 18:00`, 4 * 24 * 60, true, false, 'into Monday'],
    ['2026-11-04 09:00', 60, false, true, 'ends as the DST morning window closes'],
    ['2026-11-04 09:00', 90, false, false, 'crosses 10:00 in a DST week'],
    ['2026-11-03 06:00', 210, true, true, 'schema change in a DST week, ends 09:30'],
    ['2026-11-03 09:00', 45, true, false, 'schema change in a DST week runs into BIST 09:30'],
  ])('%s for %i min, schema change %s: allowed %s (%s)', (start, minutes, schema, allowed) => {
    expect(canary(start, minutes, schema).allowed).toBe(allowed);
  });

  it('starting 09:00 in a DST week for 90 min crosses 10:00: refused, naming 10:30 and the window', () => {
    const v = refused(canary('2026-11-04 09:00', 90, false));
    expect(v.window).toMatchObject({ kind: 'dst', start: ist('2026-11-04 10:00'), end: ist('2026-11-05 06:00') });
    expect(v.wouldEndAt).toEqual(ist('2026-11-04 10:30'));
    expect(v.reason).toBe(
      'Refused: a canary (1h30m) starting 2026-11-04 09:00 Europe/Istanbul would end at 2026-11-04 10:30 Europe/Istanbul, ' +
        'past the start of a forbidden window at 2026-11-04 10:00 Europe/Istanbul (2026-11-04 10:00 – 2026-11-05 06:00 Europe/Istanbul). ' +
        'DST week: America/New_York changed its clocks on 2026-11-01; until 2026-11-09 00:00 Europe/Istanbul deploys only 06:00–10:00 Europe/Istanbul. ' +
        'Earliest start that fits: 2026-11-05 06:00 Europe/Istanbul.',
    );
  });

  it('too long for any morning window: the earliest start is after the DST weeks', () => {
    expect(refused(canary('2026-11-04 06:00', 5 * 60, false)).earliestStart).toEqual(ist('2026-11-09 00:00'));
    // 10 hours with a schema change from Monday 00:00 would reach into BIST hours: Monday evening then
    expect(refused(canary('2026-11-04 06:00', 10 * 60, true)).earliestStart).toEqual(ist('2026-11-09 18:00'));
  });
});

describe('change freeze', () => {
  const freeze: ChangeFreeze = { from: ist(`${WED} 14:30`), until: ist('2026-06-18 15:00'), reason: 'T-30 for v1.4.0' };

  it('refuses a canary inside it and names it', () => {
    const v = refused(canary(`${WED} 15:00`, 30, false, [freeze]));
    expect(v.window.kind).toBe('freeze');
    expect(v.reason).toContain('Change freeze (T-30 for v1.4.0): no deploys, emergency rollback only.');
    expect(v.earliestStart).toEqual(ist('2026-06-18 15:00'));
  });

  it('names the freeze over BIST hours when both are in force', () => {
    expect(refused(canary(`${WED} 15:00`, 0, true, [freeze])).window.kind).toBe('freeze');
    // after the lift, a schema change still waits for BIST to close
    expect(refused(canary('2026-06-18 14:00', 60, true, [freeze])).earliestStart).toEqual(ist('2026-06-18 18:00'));
  });

  it.each([
    [`${WED} 13:00`, 90, true, 'ends as the freeze starts'],
    [`${WED} 14:00`, 60, false, 'runs into the freeze'],
    ['2026-06-18 15:00', 30, true, 'after the lift'],
  ])('a canary at %s for %i min: allowed %s (%s)', (start, minutes, allowed) => {
    expect(canary(start, minutes, false, [freeze]).allowed).toBe(allowed);
  });

  it('until lifted, no start fits', () => {
    const v = refused(canary(`${WED} 15:00`, 30, false, [{ from: ist(`${WED} 14:30`), reason: 'T-30' }]));
    expect(v.earliestStart).toBeUndefined();
    expect(v.reason).toContain('No start fits until the change freeze is lifted.');
  });

  it.each([
    [`${WED} 15:00`, 'in the freeze'],
    [`${WED} 11:00`, 'in BIST hours'],
    ['2026-11-04 23:00', 'in a DST week at night'],
  ])('an emergency rollback at %s (%s) is allowed, schema change and all', (start) => {
    const open: ChangeFreeze = { from: ist('2026-01-01 00:00'), reason: 'T-30' };
    expect(judgeDeploy(rules, { kind: 'rollback', start: ist(start), durationMs: 90 * MIN, schemaChange: true }, [freeze, open])).toEqual({ allowed: true });
  });
});

describe('/spark freeze state', () => {
  it('open on a normal morning; next: BIST hours', () => {
    const s = freezeState(rules, ist(`${WED} 08:00`), []);
    expect(s.active).toEqual([]);
    expect(s.nowText).toBe('Open now (2026-06-17 08:00 Europe/Istanbul): deploys and schema changes allowed.');
    expect(s.next).toMatchObject({ kind: 'bist', start: ist(`${WED} 09:30`), end: ist(`${WED} 18:00`) });
    expect(s.nextText).toBe(
      'Next: schema changes refused 2026-06-17 09:30–18:00 Europe/Istanbul: no schema changes during BIST trading hours 09:30–18:00 Europe/Istanbul on a trading day.',
    );
  });

  it('in BIST hours: schema changes refused until 18:00, the next window tomorrow', () => {
    const s = freezeState(rules, ist(`${WED} 11:00`), []);
    expect(s.active.map((w) => w.kind)).toEqual(['bist']);
    expect(s.schemaOpensAt).toEqual(ist(`${WED} 18:00`));
    expect(s.deployOpensAt).toEqual(ist(`${WED} 11:00`));
    expect(s.nowText).toBe(
      'Now 2026-06-17 11:00 Europe/Istanbul: schema changes refused until 2026-06-17 18:00 Europe/Istanbul. ' +
        'No schema changes during BIST trading hours 09:30–18:00 Europe/Istanbul on a trading day. Other deploys allowed.',
    );
    expect(s.next?.start).toEqual(ist('2026-06-18 09:30'));
  });

  it('on Friday evening the next window is Monday', () => {
    expect(freezeState(rules, ist(`${FRI} 19:00`), []).next?.start).toEqual(ist('2026-06-22 09:30'));
  });

  it('in a DST week: deploys refused until the next morning window', () => {
    const s = freezeState(rules, ist('2026-11-04 11:00'), []);
    expect(s.active.map((w) => w.kind)).toEqual(['dst', 'bist']);
    expect(s.deployOpensAt).toEqual(ist('2026-11-05 06:00'));
    expect(s.nowText).toBe(
      'Now 2026-11-04 11:00 Europe/Istanbul: deploys refused until 2026-11-05 06:00 Europe/Istanbul. ' +
        'DST week: America/New_York changed its clocks on 2026-11-01; until 2026-11-09 00:00 Europe/Istanbul deploys only 06:00–10:00 Europe/Istanbul. ' +
        'No schema changes during BIST trading hours 09:30–18:00 Europe/Istanbul on a trading day. Emergency rollback allowed at any time.',
    );
  });

  it('in the morning window of a DST week: open, and the next window says when it closes', () => {
    const s = freezeState(rules, ist('2026-11-07 07:00'), []);
    expect(s.nowText).toBe('Open now (2026-11-07 07:00 Europe/Istanbul): deploys and schema changes allowed.');
    expect(s.nextText).toBe(
      'Next: deploys refused 2026-11-07 10:00 – 2026-11-08 06:00 Europe/Istanbul: ' +
        'DST week: America/New_York changed its clocks on 2026-11-01; until 2026-11-09 00:00 Europe/Istanbul deploys only 06:00–10:00 Europe/Istanbul.',
    );
  });

  it('in a change freeze: deploys refused until the lift, schema changes until BIST closes', () => {
    const freeze: ChangeFreeze = { from: ist(`${WED} 14:30`), until: ist(`${WED} 17:00`), reason: 'T-30 for v1.4.0' };
    const s = freezeState(rules, ist(`${WED} 16:00`), [freeze]);
    expect(s.nowText).toBe(
      'Now 2026-06-17 16:00 Europe/Istanbul: deploys refused until 2026-06-17 17:00 Europe/Istanbul (schema changes from 2026-06-17 18:00 Europe/Istanbul). ' +
        'Change freeze (T-30 for v1.4.0): no deploys, emergency rollback only. ' +
        'No schema changes during BIST trading hours 09:30–18:00 Europe/Istanbul on a trading day. Emergency rollback allowed at any time.',
    );
  });

  it('in a freeze not yet lifted', () => {
    const s = freezeState(rules, ist('2026-06-20 12:00'), [{ from: ist('2026-06-20 11:30'), reason: 'T-30' }]);
    expect(s.deployOpensAt).toBeUndefined();
    expect(s.nowText).toContain('deploys refused until the change freeze is lifted.');
  });

  it('a planned freeze is the next window', () => {
    const s = freezeState(rules, ist('2026-06-20 12:00'), [{ from: ist('2026-06-21 11:30'), until: ist('2026-06-22 11:30'), reason: 'T-30' }]);
    expect(s.next).toMatchObject({ kind: 'freeze', start: ist('2026-06-21 11:30') });
    expect(s.nextText).toBe('Next: deploys refused 2026-06-21 11:30 – 2026-06-22 11:30 Europe/Istanbul: change freeze (T-30): no deploys, emergency rollback only.');
  });

  it('with nothing to forbid within the horizon', () => {
    const s = freezeState(rulesWith({ tradingDays: [], dstReferenceZones: [] }), ist(WED + ' 12:00'), [], 7);
    expect(s.next).toBeUndefined();
    expect(s.nextText).toBe('No forbidden window in the next 7 days.');
  });
});

describe('forbidden windows', () => {
  it('lists a DST week day by day: Monday night from 00:00, then 10:00 to 06:00, BIST hours on trading days', () => {
    const ws = forbiddenWindows(rules, ist('2026-10-19 00:00'), ist('2026-10-20 12:00'), []);
    expect(ws.map((w) => [w.kind, w.start, w.end])).toEqual([
      ['dst', ist('2026-10-19 00:00'), ist('2026-10-19 06:00')],
      ['bist', ist('2026-10-19 09:30'), ist('2026-10-19 18:00')],
      ['dst', ist('2026-10-19 10:00'), ist('2026-10-20 06:00')],
      ['bist', ist('2026-10-20 09:30'), ist('2026-10-20 18:00')],
      ['dst', ist('2026-10-20 10:00'), ist('2026-10-21 06:00')],
    ]);
  });
});
