import { describe, expect, it } from 'vitest';
import { parseDuration } from '../src/config/duration.ts';
import { defaultConfig, type FirstNightCheck } from '../src/config/schema.ts';
import type { Sample } from '../src/domain/canary/sample.ts';
import {
  afterSnapshot,
  breachSeen,
  isOver,
  NIGHT_START,
  nextDueAt,
  nextDueOffset,
  nightRules,
  plannedCount,
  remainingDue,
  replay,
  type NightRules,
  type NightState,
} from '../src/domain/first-night/schedule.ts';
import { emptyNight, foldSnapshot, judgeSnapshot, trendOf, valuesOf, type NightSummary } from '../src/domain/first-night/snapshot.ts';
import { checkLine, miniRca, nightLine, offsetText, releaseNote, snapshotPost, splitForSlack, SLACK_TEXT_LIMIT, trendText } from '../src/domain/first-night/texts.ts';

const cfg = defaultConfig();
const CHECKS = cfg.firstNight.checks;
const RULES = nightRules(cfg.firstNight);
/** The default night with another cadence after a breach. */
const afterBreach = (every: number) => nightRules({ ...cfg.firstNight, afterBreach: { ...cfg.firstNight.afterBreach, every } });
const t = (d: string): number => {
  const v = parseDuration(d);
  if (v === undefined) throw new Error(`bad duration ${d}`);
  return v;
};
const T = (offsets: number[]) => offsets.map(offsetText);

/** Walks the night: the due offsets, in order, with `cleanAt` saying which snapshots are clean. */
function walk(rules: NightRules, cleanAt: (offset: number) => boolean = () => true, from: NightState = NIGHT_START): number[] {
  const dues: number[] = [];
  let s = from;
  while (!isOver(s, rules)) {
    const due = nextDueOffset(s, rules);
    if (due === null) throw new Error('not over but nothing due');
    dues.push(due);
    s = afterSnapshot(s, cleanAt(due), rules);
    if (dues.length > 500) throw new Error('runaway schedule');
  }
  return dues;
}

const DEFAULT_31 = [
  '15m', '30m', '45m', '1h', '1h15m', '1h30m', '1h45m', '2h',
  '2h30m', '3h', '3h30m', '4h', '4h30m', '5h', '5h30m', '6h',
  '7h', '8h', '9h', '10h', '11h', '12h',
  '14h', '16h', '18h',
  '19h', '20h', '21h', '22h', '23h', '24h',
];

describe('first-night schedule', () => {
  it('without a breach: exactly the 31 default offsets, T+15m … T+24h', () => {
    const dues = walk(RULES);
    expect(dues).toHaveLength(31);
    expect(T(dues)).toEqual(DEFAULT_31.map((d) => `T+${d}`));
    expect(plannedCount(NIGHT_START, RULES)).toBe(31);
    expect(remainingDue(NIGHT_START, RULES)).toEqual(dues);
  });

  it('ends at T+24h: nothing is due after the last snapshot, and recording one more is refused', () => {
    const end = replay(RULES, DEFAULT_31.map(() => ({ clean: true })));
    expect(end).toEqual({ n: 31, anchorMs: t('24h'), fastUntilCleanRuns: 0 });
    expect(isOver(end, RULES)).toBe(true);
    expect(nextDueOffset(end, RULES)).toBeNull();
    expect(nextDueAt(0, end, RULES)).toBeNull();
    expect(() => afterSnapshot(end, true, RULES)).toThrow(/over/);
  });

  it('a breach at T+3h: every 15 min (T+3h15m, T+3h30m), then two clean ones in a row resume the normal cadence at T+4h', () => {
    const dues = walk(RULES, (o) => o !== t('3h'));
    const i = dues.indexOf(t('3h'));
    expect(T(dues.slice(i, i + 5))).toEqual(['T+3h', 'T+3h15m', 'T+3h30m', 'T+4h', 'T+4h30m']);
    expect(dues).toHaveLength(32);
    expect(dues.at(-1)).toBe(t('24h'));
    // the planned count grows by the breach's extra snapshots
    const afterBreach = replay(RULES, dues.slice(0, i + 1).map((o) => ({ clean: o !== t('3h') })));
    expect(afterBreach.fastUntilCleanRuns).toBe(2);
    expect(plannedCount(afterBreach, RULES)).toBe(32);
  });

  it('a breach that continues keeps the 15-min cadence; a breach within the fast cadence starts the clean count again', () => {
    const breached = (o: number) => o >= t('3h') && o <= t('4h');
    const dues = walk(RULES, (o) => !breached(o));
    const from = dues.indexOf(t('3h'));
    expect(T(dues.slice(from, from + 8))).toEqual(['T+3h', 'T+3h15m', 'T+3h30m', 'T+3h45m', 'T+4h', 'T+4h15m', 'T+4h30m', 'T+5h']);

    const bad = new Set([t('3h'), t('3h30m')]);
    const again = walk(RULES, (o) => !bad.has(o));
    const j = again.indexOf(t('3h'));
    // 3h15 clean, 3h30 breach (count restarts), 3h45 and 4h clean → normal again at 4h30
    expect(T(again.slice(j, j + 6))).toEqual(['T+3h', 'T+3h15m', 'T+3h30m', 'T+3h45m', 'T+4h', 'T+4h30m']);

    // where the normal cadence is every 2 h the restart shows: 14h15 clean, 14h30 breach, 14h45 clean → one more at 15h
    const late = new Set([t('14h'), t('14h30m')]);
    const twoHourly = walk(RULES, (o) => !late.has(o));
    const k = twoHourly.indexOf(t('14h'));
    expect(T(twoHourly.slice(k, k + 7))).toEqual(['T+14h', 'T+14h15m', 'T+14h30m', 'T+14h45m', 'T+15h', 'T+16h', 'T+18h']);
  });

  it('a breach near the end never schedules past T+24h, and T+24h still happens', () => {
    const dues = walk(RULES, (o) => o < t('23h'));
    expect(T(dues.slice(-5))).toEqual(['T+23h', 'T+23h15m', 'T+23h30m', 'T+23h45m', 'T+24h']);
    expect(Math.max(...dues)).toBe(t('24h'));

    // with a fast cadence that does not divide the hour, the last fast snapshot is cut to the end
    const slow = afterBreach(t('25m'));
    const cut = walk(slow, (o) => o < t('23h'));
    expect(T(cut.slice(-4))).toEqual(['T+23h', 'T+23h25m', 'T+23h50m', 'T+24h']);
    expect(cut.filter((o) => o > t('24h'))).toEqual([]);

    // a breach at T+24h itself ends the night all the same
    expect(walk(RULES, (o) => o !== t('24h'))).toHaveLength(31);
  });

  it('the fast interval is a parameter (every 10 min)', () => {
    const fast10 = afterBreach(t('10m'));
    const dues = walk(fast10, (o) => o !== t('7h'));
    const i = dues.indexOf(t('7h'));
    expect(T(dues.slice(i, i + 4))).toEqual(['T+7h', 'T+7h10m', 'T+7h20m', 'T+8h']);
  });

  it('is restart-safe: the tiny state, through JSON, gives the same next time', () => {
    const history = [...DEFAULT_31.slice(0, 10).map(() => ({ clean: true })), { clean: false }];
    const s = replay(RULES, history);
    expect(s).toEqual({ n: 11, anchorMs: t('3h30m'), fastUntilCleanRuns: 2 });
    const restored = JSON.parse(JSON.stringify(s)) as NightState;
    const released = new Date('2026-03-10T14:00:00Z');
    expect(nextDueAt(released, restored, RULES)?.toISOString()).toBe('2026-03-10T17:45:00.000Z');
    expect(nextDueAt(released.getTime(), restored, RULES)).toEqual(nextDueAt(released, s, RULES));
  });

  it('counts a snapshot at its due offset (no drift from a late timer), and skips the ones missed while the bot was down', () => {
    const s = replay(RULES, DEFAULT_31.slice(0, 9).map(() => ({ clean: true }))); // last at T+2h30m
    expect(nextDueOffset(s, RULES)).toBe(t('3h'));
    // fired 2 s late: still counts at T+3h
    expect(afterSnapshot(s, true, RULES, t('3h') + 2000).anchorMs).toBe(t('3h'));
    // fired at T+9h05m after a restart: counts at T+9h, next T+10h
    const late = afterSnapshot(s, true, RULES, t('9h5m'));
    expect(late.anchorMs).toBe(t('9h'));
    expect(nextDueOffset(late, RULES)).toBe(t('10h'));
    // late during the fast cadence: on the fast grid
    const fast = afterSnapshot(s, false, RULES); // breach at 3h
    expect(afterSnapshot(fast, false, RULES, t('3h40m')).anchorMs).toBe(t('3h30m'));
  });

  it('a breach seen between snapshots switches to the fast cadence from then on, never delaying a fast snapshot', () => {
    const s = replay(RULES, DEFAULT_31.slice(0, 23).map(() => ({ clean: true }))); // last at T+14h, next T+16h
    expect(nextDueOffset(s, RULES)).toBe(t('16h'));
    const seen = breachSeen(s, t('14h10m'), RULES);
    expect(seen.n).toBe(23);
    expect(nextDueOffset(seen, RULES)).toBe(t('14h25m'));
    // seen just before a normal snapshot: the normal one comes first
    expect(nextDueOffset(breachSeen(s, t('15h50m'), RULES), RULES)).toBe(t('16h'));
    // already fast: the next stays where it was, the clean count restarts
    const fast = afterSnapshot(afterSnapshot(seen, false, RULES), true, RULES); // breach at 14h25m, clean at 14h40m
    expect(fast).toEqual({ n: 25, anchorMs: t('14h40m'), fastUntilCleanRuns: 1 });
    const again = breachSeen(fast, t('14h50m'), RULES);
    expect(nextDueOffset(again, RULES)).toBe(t('14h55m'));
    expect(again.fastUntilCleanRuns).toBe(2);
    // at the end: nothing changes
    expect(breachSeen(s, t('24h'), RULES)).toEqual(s);
  });

  it('refuses a cadence or a fast interval that cannot make a schedule', () => {
    expect(() => nightRules({ ...cfg.firstNight, cadence: [] })).toThrow(/no snapshot/);
    expect(() => afterBreach(0)).toThrow(/positive/);
    expect(() => nightRules({ ...cfg.firstNight, afterBreach: { every: t('15m'), cleanInARow: 0 } })).toThrow(/clean runs/);
  });
});

const GOOD: Record<string, Sample> = { slo_burn_1h: 0.4, slo_burn_6h: 0.3, error_rate: 0.2, api_p95: 140, outbox_lag_p99: 2, csp_violations: 12 };
const check = (id: string): FirstNightCheck => {
  const c = CHECKS.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id}`);
  return c;
};

describe('judging a snapshot', () => {
  it('passes every check under its threshold: clean', () => {
    const r = judgeSnapshot(CHECKS, GOOD, { offsetMs: t('15m') });
    expect(r.clean).toBe(true);
    expect(r.checks.map((c) => [c.id, c.outcome])).toEqual(CHECKS.map((c) => [c.id, 'pass']));
  });

  it('fails a check at its strict threshold (error rate < 1 %: 1 % is a breach)', () => {
    const r = judgeSnapshot(CHECKS, { ...GOOD, error_rate: 1 }, { offsetMs: t('15m') });
    expect(r.clean).toBe(false);
    expect(r.checks.find((c) => c.id === 'error_rate')).toMatchObject({ outcome: 'fail', value: 1 });
  });

  it('never counts no data as a pass: no data, NaN, a source error and a missing reading all make it not clean', () => {
    for (const missing of ['no-data', Number.NaN, { error: 'timeout after 5s' }, undefined] as const) {
      const readings: Record<string, Sample | undefined> = { ...GOOD, outbox_lag_p99: missing };
      const r = judgeSnapshot(CHECKS, readings, { offsetMs: t('1h') });
      expect(r.clean).toBe(false);
      expect(r.checks.find((c) => c.id === 'outbox_lag_p99')?.outcome).toBe('no-data');
    }
    expect(judgeSnapshot(CHECKS, { ...GOOD, api_p95: { error: 'refused' } }, { offsetMs: t('1h') }).checks.find((c) => c.id === 'api_p95')?.why).toBe('source error: refused');
  });

  it('judges CSP violations only during the first 2 h (T+2h included)', () => {
    const bad = { ...GOOD, csp_violations: 500 };
    const at2h = judgeSnapshot(CHECKS, bad, { offsetMs: t('2h') });
    expect(at2h.checks.map((c) => c.id)).toContain('csp_violations');
    expect(at2h.clean).toBe(false);
    const later = judgeSnapshot(CHECKS, bad, { offsetMs: t('2h30m') });
    expect(later.checks.map((c) => c.id)).not.toContain('csp_violations');
    expect(later.skipped).toEqual(['csp_violations']);
    expect(later.clean).toBe(true);
    // missing CSP data after 2 h does not matter either
    expect(judgeSnapshot(CHECKS, { ...GOOD, csp_violations: 'no-data' }, { offsetMs: t('3h') }).clean).toBe(true);
  });

  it('gives each check its trend since the previous snapshot', () => {
    const first = judgeSnapshot(CHECKS, GOOD, { offsetMs: t('15m') });
    expect(first.checks.every((c) => c.trend.dir === 'first')).toBe(true);
    const second = judgeSnapshot(CHECKS, { ...GOOD, api_p95: 152, error_rate: 0.1, outbox_lag_p99: 2.02, slo_burn_1h: 'no-data' }, { offsetMs: t('30m'), previous: valuesOf(first) });
    const trend = (id: string) => second.checks.find((c) => c.id === id)?.trend;
    expect(trend('api_p95')).toEqual({ dir: 'up', delta: 12, previous: 140 });
    expect(trend('error_rate')).toMatchObject({ dir: 'down', previous: 0.2 });
    expect(trend('outbox_lag_p99')).toMatchObject({ dir: 'flat' }); // 2s and 2.02s both read 2s
    expect(trend('slo_burn_6h')).toMatchObject({ dir: 'flat', delta: 0 });
    expect(trend('slo_burn_1h')).toEqual({ dir: 'none' });
    // no value last time: nothing to compare with
    const third = judgeSnapshot(CHECKS, GOOD, { offsetMs: t('45m'), previous: valuesOf(second) });
    expect(third.checks.find((c) => c.id === 'slo_burn_1h')?.trend).toEqual({ dir: 'first' });
  });

  it('writes trends as arrows with the delta', () => {
    expect(trendText(trendOf(152, 140, 'ms'), 'ms')).toBe('↑ +12ms');
    expect(trendText(trendOf(0.1, 0.3, '%'), '%')).toBe('↓ -0.2%');
    expect(trendText(trendOf(140.2, 139.8, 'ms'), 'ms')).toBe('→ flat');
    expect(trendText(trendOf(5, undefined, 's'), 's')).toBe('first value');
    expect(trendText(trendOf(undefined, 5, 's'), 's')).toBe('');
  });

  it('folds the night: counts, breaches with their checks, worst values', () => {
    let night = emptyNight();
    night = foldSnapshot(night, judgeSnapshot(CHECKS, GOOD, { offsetMs: t('15m') }));
    night = foldSnapshot(night, judgeSnapshot(CHECKS, { ...GOOD, api_p95: 240, outbox_lag_p99: 'no-data' }, { offsetMs: t('30m') }));
    night = foldSnapshot(night, judgeSnapshot(CHECKS, { ...GOOD, api_p95: 150 }, { offsetMs: t('45m') }));
    expect(night.taken).toBe(3);
    expect(night.clean).toBe(2);
    expect(night.breaches).toHaveLength(1);
    expect(night.breaches[0]).toMatchObject({ n: 2, offsetMs: t('30m') });
    expect(night.breaches[0]?.checks.map((c) => [c.id, c.outcome])).toEqual([
      ['api_p95', 'fail'],
      ['outbox_lag_p99', 'no-data'],
    ]);
    expect(night.worst.find((w) => w.id === 'api_p95')).toMatchObject({ value: 240, offsetMs: t('30m') });
    expect(night.last).toEqual({ n: 3, offsetMs: t('45m'), clean: true });
    expect(JSON.parse(JSON.stringify(night))).toEqual(night);
  });
});

describe('first-night texts', () => {
  const released = Date.parse('2026-03-10T14:00:00Z');

  it('posts a snapshot: header with number and offset, one line per check with value, limit, mark and trend', () => {
    const prev = judgeSnapshot(CHECKS, GOOD, { offsetMs: t('1h') });
    const r = judgeSnapshot(CHECKS, { ...GOOD, api_p95: 240, outbox_lag_p99: 'no-data' }, { offsetMs: t('1h15m'), previous: valuesOf(prev) });
    const [text, ...more] = snapshotPost(r, { n: 5, of: 31 });
    expect(more).toEqual([]);
    const lines = text!.split('\n');
    expect(lines[0]).toBe('*First-night snapshot 5/31 · T+1h15m* — ❌ breach: API p95, Outbox lag p99');
    expect(lines).toContain('❌ *API p95*: 240ms (< 200ms) · ↑ +100ms');
    expect(lines).toContain('⚠️ *Outbox lag p99*: no data (< 10s)');
    expect(lines).toContain('✅ *SLO burn rate (1h)*: 0.4x (< 2x) · → flat');
    expect(lines).toContain('✅ *CSP violations*: 12/h (< 100/h) · → flat');
    expect(lines).toHaveLength(1 + CHECKS.length);

    const clean = snapshotPost(judgeSnapshot(CHECKS, GOOD, { offsetMs: t('2h30m') }), { n: 9, of: 31 })[0]!;
    expect(clean.split('\n')[0]).toBe('*First-night snapshot 9/31 · T+2h30m* — ✅ clean');
    expect(clean).not.toContain('CSP');
    const noData = snapshotPost(judgeSnapshot(CHECKS, { ...GOOD, error_rate: { error: 'timeout' } }, { offsetMs: t('3h') }), { n: 10, of: 31 })[0]!;
    expect(noData.split('\n')[0]).toContain('⚠️ no data: Error rate');
    expect(noData).toContain('⚠️ *Error rate*: no data (source error: timeout) (< 1%)');
  });

  it('writes offsets in hours, never days', () => {
    expect([t('15m'), t('1h'), t('1h15m'), t('24h'), t('25h30m')].map(offsetText)).toEqual(['T+15m', 'T+1h', 'T+1h15m', 'T+24h', 'T+25h30m']);
  });

  it('writes a check line from its result', () => {
    const r = judgeSnapshot([check('api_p95')], { api_p95: 140 }, { offsetMs: t('15m') });
    expect(checkLine(r.checks[0]!)).toBe('✅ *API p95*: 140ms (< 200ms) · first value');
  });

  it("writes the release card's line: progress, breaches, fast cadence, next time; the tally once over", () => {
    expect(nightLine(emptyNight(), NIGHT_START, RULES)).toBe('🌙 First night 0/31 · next T+15m');
    let s: NightState = NIGHT_START;
    let night: NightSummary = emptyNight();
    const take = (readings: Record<string, Sample>) => {
      const r = judgeSnapshot(CHECKS, readings, { offsetMs: nextDueOffset(s, RULES)! });
      night = foldSnapshot(night, r);
      s = afterSnapshot(s, r.clean, RULES);
    };
    for (let i = 0; i < 5; i++) take(GOOD);
    expect(nightLine(night, s, RULES)).toBe('🌙 First night 5/31 · all clean · next T+1h30m');
    for (let i = 0; i < 5; i++) take(GOOD); // up to T+3h
    take({ ...GOOD, api_p95: 250 }); // T+3h30m
    expect(nightLine(night, s, RULES)).toBe('🌙 First night 11/32 · ❌ 1 breach, last T+3h30m (API p95) · every 15m until 2 more clean snapshots · next T+3h45m');
    take(GOOD);
    expect(nightLine(night, s, RULES)).toBe('🌙 First night 12/32 · ⚠️ 1 breach, last T+3h30m (API p95) · every 15m until 1 more clean snapshot · next T+4h');
    while (!isOver(s, RULES)) take(GOOD);
    expect(nightLine(night, s, RULES)).toBe('⚠️ First night over · 31/32 snapshots clean · 1 breach, last T+3h30m (API p95)');
    expect(nightLine({ ...night, breaches: [], clean: 32 }, s, RULES)).toBe('✅ First night over · 32/32 snapshots clean');
  });

  const nightWithBreach = (): NightSummary => {
    let night = emptyNight();
    for (const o of ['15m', '30m', '45m']) night = foldSnapshot(night, judgeSnapshot(CHECKS, GOOD, { offsetMs: t(o) }));
    return foldSnapshot(night, judgeSnapshot(CHECKS, { ...GOOD, error_rate: 1.4 }, { offsetMs: t('1h') }));
  };

  const facts = (night: NightSummary) => ({
    version: 'v1.4.0',
    releasedAt: released,
    closedAt: new Date(released + t('24h')),
    stages: [
      { stage: 1, weight: 1, startedAt: released - t('1h15m'), endedAt: released - t('1h'), ended: 'passed' },
      { stage: 5, weight: 100, startedAt: released - t('30m'), endedAt: released, ended: 'passed' },
    ],
    signals: [
      { name: 'API p95', unit: 'ms' as const, value: 140, verdict: 'pass' as const },
      { name: 'WebSocket staleness p95', unit: 's' as const, value: null, verdict: 'no-data' as const },
    ],
    oneLiner: 'v1.4.0 canary: 1%→100% all stages 6/6 metrics pass; rollback=0; p95=~140ms.',
    decisions: [{ at: released - t('2h'), text: 'GO by <@U0SPARKIC>' }],
    incidents: [] as { at: number; title: string }[],
    night,
  });

  it('writes the T+24h release note with stages, signals, one-liner, night, decisions and incidents', () => {
    const note = releaseNote(facts(nightWithBreach())).join('\n\n');
    expect(note).toContain('*Release note — v1.4.0*');
    expect(note).toContain('At 100 % since 2026-03-10 14:00 UTC; first night closed 2026-03-11 14:00 UTC.');
    expect(note).toContain('> v1.4.0 canary: 1%→100% all stages 6/6 metrics pass; rollback=0; p95=~140ms.');
    expect(note).toContain('• Stage 1 · 1 % · 12:45 → 13:00 UTC (15m) · passed');
    expect(note).toContain('• Stage 5 · 100 % · 13:30 → 14:00 UTC (30m) · passed');
    expect(note).toContain('• ✅ API p95: 140ms');
    expect(note).toContain('• ⚠️ WebSocket staleness p95: no data');
    expect(note).toContain('4 snapshots, 3 clean; 1 breach.');
    expect(note).toContain('• T+1h (snapshot 4, 2026-03-10 15:00 UTC): Error rate 1.4% (< 1%)');
    expect(note).toContain('Error rate 1.4% at T+1h (< 1%)');
    expect(note).toContain('• 2026-03-10 12:00 UTC — GO by <@U0SPARKIC>');
    expect(note).toMatch(/\*Incidents\*\nNone\./);
  });

  it('writes the mini-RCA template, prefilled with the breaches, blank otherwise', () => {
    const rca = miniRca({ version: 'v1.4.0', releasedAt: released, night: nightWithBreach() }).join('\n\n');
    for (const h of ['*What happened*', '*Impact*', '*Detection*', '*Root cause*', '*Action items*']) expect(rca).toContain(h);
    expect(rca).toContain('• T+1h (snapshot 4, 2026-03-10 15:00 UTC): Error rate 1.4% (< 1%)');
    expect(rca).toContain('First seen by first-night snapshot 4 at T+1h (2026-03-10 15:00 UTC).');
    expect(rca).toMatch(/\*Root cause\*\n_\(to fill\)_/);

    const quiet = miniRca({ version: 'v1.4.0', releasedAt: released, night: foldSnapshot(emptyNight(), judgeSnapshot(CHECKS, GOOD, { offsetMs: t('15m') })) }).join('\n\n');
    expect(quiet).toContain('No breach during the first night: 1 snapshot, all clean.');
    expect(quiet).not.toContain('First seen');
  });

  it('keeps every text within Slack’s 3000 characters, splitting a long note between sections and lines', () => {
    let night = emptyNight();
    for (let i = 1; i <= 60; i++) night = foldSnapshot(night, judgeSnapshot(CHECKS, { ...GOOD, api_p95: 300 + i, error_rate: 2 }, { offsetMs: i * t('15m') }));
    const f = facts(night);
    const many = { ...f, decisions: Array.from({ length: 80 }, (_, i) => ({ at: released + i * 60_000, text: `decision ${i} `.padEnd(60, 'x') })) };
    const parts = releaseNote(many);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(SLACK_TEXT_LIMIT);
    const all = parts.join('\n');
    expect(all).toContain('decision 0 ');
    expect(all).toContain('decision 79 ');
    expect(all).toContain('• … and 50 more (see the evidence files)');

    const split = splitForSlack(['a'.repeat(10), `${'b'.repeat(8)}\n${'c'.repeat(25)}`], 12);
    expect(split).toEqual(['a'.repeat(10), 'b'.repeat(8), 'c'.repeat(12), 'c'.repeat(12), 'c']);
    expect(splitForSlack(['ab', 'cd'], 12)).toEqual(['ab\n\ncd']);
    // never between the halves of an emoji
    expect(splitForSlack([`a${'😀'.repeat(3)}`], 4)).toEqual(['a😀', '😀😀']);
  });
});
