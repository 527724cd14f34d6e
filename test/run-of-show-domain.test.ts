/** The run of show's pure core: the T-minus timeline, reading T-0 in Europe/Istanbul, the blast-radius judgement. */
import { describe, expect, it } from 'vitest';
import { configSchema, defaultConfig } from '../src/config/schema.ts';
import { judgeBurst, measureOf, percentile, skippedBurst } from '../src/domain/run-of-show/blast-radius.ts';
import { startAt } from '../src/domain/run-of-show/start-time.ts';
import { clockText } from '../src/domain/run-of-show/texts.ts';
import { leadOf, timeline, tMinus } from '../src/domain/run-of-show/timeline.ts';

const MIN = 60_000;
const ZONE = 'Europe/Istanbul';
const offsets = defaultConfig().runOfShow.offsets;
const at = (text: string, now: string) => startAt(text, { version: 'v1.4.0', now: new Date(now), zone: ZONE, leadMs: leadOf(offsets) });

describe('the timeline', () => {
  it('puts every step at its default offset before T-0, in the ritual’s order', () => {
    const t0 = new Date('2026-11-24T18:30:00Z');
    const steps = timeline(t0, offsets);
    expect(steps.map((s) => [s.id, tMinus(s.offsetMs), new Date(s.dueAt).toISOString().slice(11, 16)])).toEqual([
      ['change-freeze', 'T-30', '18:00'],
      ['war-room', 'T-20', '18:10'],
      ['preflight', 'T-10', '18:20'],
      ['blast-radius', 'T-10', '18:20'],
      ['red-team', 'T-5', '18:25'],
      ['green-button', 'T-2', '18:28'],
      ['start-canary', 'T-0', '18:30'],
    ]);
    expect(leadOf(offsets)).toBe(30 * MIN);
  });

  it('takes its offsets from the config, and refuses them out of order', () => {
    const config = configSchema.parse({ runOfShow: { offsets: { changeFreeze: '45m', greenButton: '90s' } } });
    expect(timeline(new Date(0), config.runOfShow.offsets).map((s) => tMinus(s.offsetMs))).toEqual(['T-45', 'T-20', 'T-10', 'T-10', 'T-5', 'T-1m30s', 'T-0']);
    const bad = configSchema.safeParse({ runOfShow: { offsets: { warRoom: '40m' } } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual(['runOfShow.offsets.warRoom: must be closer to T-0 than changeFreeze (30m), got 40m']);
  });

  it('keeps real durations across a clock change: T-30 before a spring-forward shows the old wall time', () => {
    // Turkey moved its clocks from 03:00 to 04:00 on 2016-03-27.
    const r = at('2016-03-27 04:10', '2016-03-26T20:00:00Z');
    expect(r).toEqual({ ok: true, t0: new Date('2016-03-27T01:10:00Z') });
    const [freeze] = timeline((r as { t0: Date }).t0, offsets);
    expect(clockText(freeze!.dueAt, ZONE)).toBe('02:40');
  });
});

describe('reading T-0', () => {
  const NOW = '2026-11-24T15:00:00Z'; // 18:00 in Istanbul

  it('reads HH:MM as today in Europe/Istanbul, and a date when given', () => {
    expect(at('18:45', NOW)).toEqual({ ok: true, t0: new Date('2026-11-24T15:45:00Z') });
    expect(at('2026-11-25 09:00', NOW)).toEqual({ ok: true, t0: new Date('2026-11-25T06:00:00Z') });
    expect(at('18:30', NOW)).toEqual({ ok: true, t0: new Date('2026-11-24T15:30:00Z') });
  });

  it('refuses a time in the past, saying how to type tomorrow', () => {
    expect(at('17:30', NOW)).toEqual({
      ok: false,
      problem:
        'T-0 at 2026-11-24 17:30 Europe/Istanbul has already passed (it is 2026-11-24 18:00): type a later time today, or tomorrow with its date, e.g. `/spark runofshow v1.4.0 2026-11-25 17:30`',
    });
  });

  it('refuses a time less than 30 minutes ahead, naming the earliest that works', () => {
    expect(at('18:20', NOW)).toEqual({
      ok: false,
      problem:
        'T-0 at 2026-11-24 18:20 Europe/Istanbul is only 20m away: the countdown begins 30m before T-0 with the change freeze. Type 2026-11-24 18:30 or later, e.g. `/spark runofshow v1.4.0 18:30`',
    });
  });

  it('refuses a wall time the clocks skip, and takes the first of a doubled one', () => {
    const skipped = at('2016-03-27 03:30', '2016-03-26T12:00:00Z');
    expect(skipped.ok).toBe(false);
    expect((skipped as { problem: string }).problem).toBe(
      '2016-03-27 03:30 does not exist in Europe/Istanbul: the clocks skip it that night. Type a time after the change, e.g. `/spark runofshow v1.4.0 2016-03-27 04:30`',
    );
    // On 2015-11-08 the clocks went back from 04:00 to 03:00: 03:30 came twice, first at +03.
    expect(at('2015-11-08 03:30', '2015-11-07T12:00:00Z')).toEqual({ ok: true, t0: new Date('2015-11-08T00:30:00Z') });
  });

  it('refuses what is not a time or a date, with an example', () => {
    expect((at('24:00', NOW) as { problem: string }).problem).toBe('`24:00` is not a time of day: use 00:00 to 23:59, e.g. `/spark runofshow v1.4.0 18:30`');
    expect((at('2026-02-30 21:30', NOW) as { problem: string }).problem).toBe('`2026-02-30 21:30` is not a date: use YYYY-MM-DD HH:MM, e.g. `/spark runofshow v1.4.0 18:30`');
    expect((at('9pm', NOW) as { problem: string }).problem).toContain('`9pm` is not a start time');
  });
});

describe('the micro blast-radius test, judged', () => {
  const t = { p95Ms: 200, errorRatePercent: 1 };
  const plan = { url: 'https://canary.example/healthz', durationMs: 30_000, concurrency: 4 };
  const reading = (latenciesMs: number[], errors = 0) => ({ requests: latenciesMs.length, errors, elapsedMs: 30_000, latenciesMs, statuses: { '200': latenciesMs.length - errors, ...(errors ? { '503': errors } : {}) } });

  it('measures the rate, the error rate and a nearest-rank p95', () => {
    expect(percentile([5, 1, 4, 2, 3], 0.95)).toBe(5);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 0.95)).toBe(95);
    expect(percentile([], 0.95)).toBeUndefined();
    expect(measureOf(reading(Array.from({ length: 300 }, () => 10), 3))).toEqual({ requests: 300, rate: 10, errorRatePercent: 1, p95Ms: 10 });
  });

  it('passes within the thresholds and fails above either', () => {
    expect(judgeBurst(plan, reading(Array.from({ length: 300 }, () => 12)), t)).toMatchObject({ outcome: 'pass', summary: '10 req/s · 0 % errors · p95 12 ms' });
    const slow = judgeBurst(plan, reading(Array.from({ length: 100 }, (_, i) => (i < 90 ? 20 : 450))), t);
    expect(slow.outcome).toBe('fail');
    expect(slow.summary).toMatch(/^p95 450 ms > 200 ms/);
    const failing = judgeBurst(plan, reading(Array.from({ length: 100 }, () => 20), 5), t);
    expect(failing.summary).toMatch(/^errors 5 % > 1 %/);
    expect(failing.lines).toContain('answers: 200: 95, 503: 5');
  });

  it('never passes without a measurement: skipped says what to set, no answer fails', () => {
    expect(skippedBurst('set runOfShow.blastRadius.url', t)).toMatchObject({ outcome: 'skipped', summary: 'skipped: set runOfShow.blastRadius.url' });
    const none = judgeBurst(plan, { requests: 12, errors: 12, elapsedMs: 30_000, latenciesMs: [], statuses: { failed: 12 }, firstFailure: 'connect ECONNREFUSED' }, t);
    expect(none.outcome).toBe('fail');
    expect(none.summary).toMatch(/^no request was answered; errors 100 % > 1 %/);
  });
});
