import { describe, expect, it } from 'vitest';
import { runRedteamCheck, type RedteamContext, type RedteamSources } from '../src/app/redteam/check.ts';
import { REDTEAM_CHECKS } from '../src/app/redteam/checks.ts';
import { judgeFlood } from '../src/app/redteam/checks/csp-flood.ts';
import { bankersRounding, judgeRounding } from '../src/app/redteam/checks/decimal.ts';
import { burstKeys, idempotencyCheck, judgeBurst } from '../src/app/redteam/checks/idempotency.ts';
import { judgeSkew } from '../src/app/redteam/checks/outbox-skew.ts';
import { deniedMatcher, diffSboms, judgeLicences, judgeSbom, parseExpression } from '../src/app/redteam/checks/sbom.ts';
import { configuredRedteamSources, simulatedRedteamSources } from '../src/app/redteam/sources.ts';
import { configSchema, defaultConfig, type SparkConfigInput } from '../src/config/schema.ts';
import type { Component } from '../src/ports/redteam.ts';

const outcomes = (parts: { outcome: string }[]) => parts.map((p) => p.outcome);
const lines = (parts: { line: string }[]) => parts.map((p) => p.line);
const NOW = new Date('2026-11-24T18:00:00Z');
const ctx = (sources: RedteamSources, redteam: SparkConfigInput['redteam'] = {}): RedteamContext => ({
  version: 'v1.4.0',
  now: () => NOW,
  config: configSchema.parse({ redteam }),
  sources,
});

describe('item 12: banker’s rounding at the sample’s scale, exactly', () => {
  it.each([
    ['312.245', 2, '312.24'],
    ['312.255', 2, '312.26'],
    ['0.125', 2, '0.12'],
    ['0.135', 2, '0.14'],
    ['1999.9950', 2, '2000.00'],
    ['-45.675', 2, '-45.68'],
    ['-0.125', 2, '-0.12'],
    ['0.1000000000000000055511151231257827', 4, '0.1000'],
    ['2.5', 0, '2'],
    ['3.5', 0, '4'],
    ['-2.5', 0, '-2'],
    ['0.005', 2, '0.00'],
    ['0.015', 2, '0.02'],
    ['0.0150000000000000000000000001', 2, '0.02'],
    ['12345678901234567890.125', 2, '12345678901234567890.12'],
    ['7', 2, '7.00'],
    ['312.2449', 2, '312.24'],
  ])('%s at scale %i is %s', (value, scale, expected) => {
    expect(bankersRounding({ value, scale })).toBe(expected);
  });

  it('passes equal values whatever their trailing zeros, and fails a half-up answer with value, expected and got', () => {
    const samples = [
      { value: '312.245', scale: 2 },
      { value: '0.125', scale: 2 },
      { value: '0.135', scale: 2 },
    ];
    const parts = judgeRounding(samples, ['312.240', '0.13', '0.14']);
    expect(outcomes(parts)).toEqual(['pass', 'fail', 'pass']);
    expect(parts[1]?.line).toBe('0.125 at scale 2: expected 0.12, got 0.13');
    expect(parts[0]?.line).toBe('312.245 at scale 2 → 312.240');
  });

  it('fails an answer that is missing or not a decimal', () => {
    const parts = judgeRounding([{ value: '1.5', scale: 0 }, { value: '2.5', scale: 0 }], ['two']);
    expect(lines(parts)).toEqual(['1.5 at scale 0: expected 2, got "two", not a decimal', '2.5 at scale 0: expected 2, got no answer']);
  });
});

describe('item 11: one key, one execution', () => {
  const replays = (n: number, status = 409) => Array.from({ length: n }, () => status);

  it('passes exactly one 2xx with every other answer a replay status', () => {
    const parts = judgeBurst([201, ...replays(99)], [409]);
    expect(outcomes(parts)).toEqual(['pass', 'pass']);
    expect(lines(parts)).toEqual(['executed once: 1× 201, 99× 409 from 100 requests', '99 replays answered 409']);
    expect(outcomes(judgeBurst([...replays(3), 200, ...replays(2, 422)], [409, 422]))).toEqual(['pass', 'pass']);
  });

  it('fails two executions, none, and answers that are neither, with the counts', () => {
    expect(lines(judgeBurst([201, 201, ...replays(98)], [409]))).toEqual(['executed 2 times: 2× 201, 98× 409 from 100 requests', '98 replays answered 409']);
    expect(judgeBurst(replays(5), [409])[0]).toEqual({ outcome: 'fail', line: 'never executed, no 2xx answer: 5× 409 from 5 requests' });
    const odd = judgeBurst([201, 409, 500, 500, 429], [409]);
    expect(outcomes(odd)).toEqual(['pass', 'pass', 'fail']);
    expect(lines(odd).slice(1)).toEqual(['1 replay answered 409', '3 answered neither 2xx nor 409: 1× 429, 2× 500']);
  });

  it('spells one fresh key as each variant in turn, and a new key each run', async () => {
    expect(burstKeys(['{{key}}', 'order-{{key}}', '{{key}}'], 5, 'k1')).toEqual([{ key: 'k1' }, { key: 'order-k1' }, { key: 'k1' }, { key: 'k1' }, { key: 'order-k1' }]);
    const seen: string[][] = [];
    const target = { port: { burst: async (rs: { key: string }[]) => (seen.push(rs.map((r) => r.key)), rs.map((_, i) => ({ status: i === 0 ? 201 : 409 }))) } };
    const sources = { ...simulatedRedteamSources(), idempotency: target };
    const settings = { idempotency: { requests: 4, keyVariants: ['{{key}}', ' {{key}}'] } };
    const first = await idempotencyCheck.run(ctx(sources, settings));
    await idempotencyCheck.run(ctx(sources, settings));
    expect(first).toMatchObject({ outcome: 'pass', data: { statuses: { 201: 1, 409: 3 } } });
    const [a, b] = seen.map((keys) => keys[0]!);
    expect(seen[0]).toEqual([a, ` ${a}`, a, ` ${a}`]);
    expect(a).not.toBe(b);
  });
});

describe('item 13: producer against dispatcher clocks', () => {
  const row = (producedMs: number, dispatchedMs: number) => ({ producedAt: new Date(NOW.getTime() + producedMs), dispatchedAt: new Date(NOW.getTime() + dispatchedMs) });

  it('never passes on silence', () => {
    expect(judgeSkew([], 3000)).toEqual([{ outcome: 'fail', line: 'no data: the query returned no dispatched outbox rows to compare' }]);
  });

  it('passes rows within the tolerance, the edge included, and names the worst', () => {
    const parts = judgeSkew([row(0, 40), row(0, 3000), row(0, -120)], 3000);
    expect(parts).toEqual([
      {
        outcome: 'pass',
        line: '3 rows within ±3 s; the worst dispatched 3 s after it was produced (produced 2026-11-24T18:00:00.000Z, dispatched 2026-11-24T18:00:03.000Z)',
      },
    ]);
  });

  it('fails a skew either way, worst first, and lists at most five rows', () => {
    const ahead = judgeSkew([row(0, 10), row(5000, 0), row(0, 3001)], 3000);
    expect(lines(ahead)).toEqual([
      '2 of 3 rows beyond ±3 s',
      'dispatched 5 s before it was produced (produced 2026-11-24T18:00:05.000Z, dispatched 2026-11-24T18:00:00.000Z)',
      'dispatched 3.001 s after it was produced (produced 2026-11-24T18:00:00.000Z, dispatched 2026-11-24T18:00:03.001Z)',
    ]);
    expect(outcomes(ahead)).toEqual(['fail', 'fail', 'fail']);
    const many = judgeSkew(Array.from({ length: 8 }, (_, i) => row(0, 4000 + i)), 3000);
    expect(many).toHaveLength(6);
    expect(many[0]?.line).toBe('8 of 8 rows beyond ±3 s');
    expect(many[1]?.line).toMatch(/^dispatched 4\.007 s after/);
  });
});

describe('item 14: a CSP report flood', () => {
  it('passes when the endpoint rate-limits, never answers 5xx, drops nothing and answers after', () => {
    const parts = judgeFlood({ statuses: { 204: 50, 429: 150 }, errors: 0, upAfter: true }, 200, 429);
    expect(parts).toEqual([
      { outcome: 'pass', line: '200 reports: 50× 204, 150× 429; 150 rate-limited (429)' },
      { outcome: 'pass', line: 'answered again right after the flood' },
    ]);
  });

  it('fails an endpoint that takes every report', () => {
    expect(judgeFlood({ statuses: { 204: 200 }, errors: 0, upAfter: true }, 200, 429)[0]).toEqual({ outcome: 'fail', line: '200 reports: 200× 204; none rate-limited (429)' });
  });

  it('fails 5xx, dropped connections and an endpoint that does not come back', () => {
    const parts = judgeFlood({ statuses: { 204: 30, 429: 10, 503: 80 }, errors: 80, upAfter: false }, 200, 429);
    expect(outcomes(parts)).toEqual(['pass', 'fail', 'fail', 'fail']);
    expect(lines(parts)).toEqual([
      '200 reports: 30× 204, 10× 429, 80× 503, 80 without an answer; 10 rate-limited (429)',
      '80 reports answered 5xx',
      '80 reports got no answer (connection refused, closed or timed out)',
      'did not answer right after the flood',
    ]);
  });

  it('takes the rate-limit status from the config', () => {
    expect(outcomes(judgeFlood({ statuses: { 202: 20, 503: 5 }, errors: 0, upAfter: true }, 25, 503))).toEqual(['pass', 'fail', 'pass']);
  });
});

describe('item 15: licences', () => {
  const denied = deniedMatcher(['GPL-*', 'AGPL-*', 'LGPL-*', 'SSPL-*']);
  const verdict = (...licences: string[]) => judgeLicences(licences, denied);

  it('matches SPDX ids whole, with * as a wildcard, ignoring case', () => {
    expect(denied('GPL-3.0-only')).toBe('GPL-*');
    expect(denied('gpl-2.0+')).toBe('GPL-*');
    expect(denied('AGPL-3.0-or-later')).toBe('AGPL-*');
    expect(denied('LGPL-2.1-only')).toBe('LGPL-*');
    expect(denied('MIT')).toBeUndefined();
    expect(denied('GPLv3')).toBeUndefined();
    expect(deniedMatcher(['GPL-3.0-only'])('GPL-3.0-only-ish')).toBeUndefined();
    expect(deniedMatcher(['CC-BY-?.0'])('CC-BY-4.0')).toBeUndefined();
  });

  it('reads SPDX expressions: AND binds tighter than OR, WITH keeps the licence, parentheses group', () => {
    expect(parseExpression('MIT')).toEqual({ licence: 'MIT' });
    expect(parseExpression('MIT OR Apache-2.0 AND BSD-3-Clause')).toEqual({
      op: 'OR',
      left: { licence: 'MIT' },
      right: { op: 'AND', left: { licence: 'Apache-2.0' }, right: { licence: 'BSD-3-Clause' } },
    });
    expect(parseExpression('(MIT OR GPL-2.0-only) AND Zlib')).toEqual({
      op: 'AND',
      left: { op: 'OR', left: { licence: 'MIT' }, right: { licence: 'GPL-2.0-only' } },
      right: { licence: 'Zlib' },
    });
    expect(parseExpression('GPL-2.0-only WITH Classpath-exception-2.0')).toEqual({ licence: 'GPL-2.0-only' });
    for (const notOne of ['MIT OR', '(MIT', 'MIT)', 'Apache License 2.0', 'GPL-2.0 WITH', 'WITH MIT', '']) expect(parseExpression(notOne)).toBeUndefined();
  });

  it('denies what can be met only through a denied licence, warns of a choice, allows the rest', () => {
    expect(verdict('MIT')).toEqual({ kind: 'allowed' });
    expect(verdict('Apache License 2.0')).toEqual({ kind: 'allowed' });
    expect(verdict('GPL-3.0-only')).toEqual({ kind: 'denied', denied: ['GPL-3.0-only'] });
    expect(verdict('MIT OR GPL-2.0-only')).toEqual({ kind: 'choice', denied: ['GPL-2.0-only'] });
    expect(verdict('MIT AND GPL-2.0-only')).toEqual({ kind: 'denied', denied: ['GPL-2.0-only'] });
    expect(verdict('(MIT OR GPL-2.0-only) AND LGPL-2.1-only')).toEqual({ kind: 'denied', denied: ['GPL-2.0-only', 'LGPL-2.1-only'] });
    expect(verdict('Apache-2.0 OR (GPL-3.0-only AND MIT)')).toEqual({ kind: 'choice', denied: ['GPL-3.0-only'] });
    expect(verdict('GPL-3.0-only OR AGPL-3.0-only')).toEqual({ kind: 'denied', denied: ['GPL-3.0-only', 'AGPL-3.0-only'] });
    expect(verdict('GPL-2.0-only WITH Classpath-exception-2.0').kind).toBe('denied');
    // Several entries all apply.
    expect(verdict('MIT', 'GPL-3.0-only')).toEqual({ kind: 'denied', denied: ['GPL-3.0-only'] });
    expect(verdict('MIT', 'BSD-2-Clause OR SSPL-1.0')).toEqual({ kind: 'choice', denied: ['SSPL-1.0'] });
    expect(verdict()).toEqual({ kind: 'none' });
  });
});

describe('item 15: the SBOM diff', () => {
  const c = (name: string, version: string, ...licenses: string[]): Component => ({ name, version, licenses });

  it('finds added, removed, version and licence changes, matching repeated names by version first', () => {
    const previous = [c('a', '1.0.0', 'MIT'), c('b', '2.0.0', 'MIT'), c('gone', '1.0.0', 'ISC'), c('lodash', '3.10.1', 'MIT'), c('lodash', '4.17.20', 'MIT')];
    const current = [c('a', '1.1.0', 'MIT'), c('b', '2.0.0', 'Apache-2.0'), c('new', '0.1.0', 'GPL-3.0-only'), c('lodash', '4.17.21', 'MIT'), c('lodash', '3.10.1', 'MIT')];
    expect(diffSboms(previous, current)).toEqual({
      added: [c('new', '0.1.0', 'GPL-3.0-only')],
      removed: [c('gone', '1.0.0', 'ISC')],
      versionChanged: [
        { name: 'a', from: '1.0.0', to: '1.1.0' },
        { name: 'lodash', from: '4.17.20', to: '4.17.21' },
      ],
      licenceChanged: [{ name: 'b', version: '2.0.0', from: ['MIT'], to: ['Apache-2.0'] }],
    });
  });

  it('sees no licence change in a reordering, and adds or removes the extra copies of a name', () => {
    const diff = diffSboms([c('x', '1', 'MIT', 'Zlib')], [c('x', '1', 'Zlib', 'MIT'), c('x', '2', 'MIT')]);
    expect(diff).toEqual({ added: [c('x', '2', 'MIT')], removed: [], versionChanged: [], licenceChanged: [] });
    expect(diffSboms([c('y', '1'), c('y', '2')], [c('y', '3')])).toMatchObject({ removed: [c('y', '2')], versionChanged: [{ name: 'y', from: '1', to: '3' }] });
  });

  it('judges only licences new in this release, and lines every change', () => {
    const diff = diffSboms(
      [c('old-gpl', '1.0.0', 'GPL-2.0-only'), c('relicensed', '1.0.0', 'MIT'), c('dropped', '1.0.0', 'MIT')],
      [c('old-gpl', '1.0.1', 'GPL-2.0-only'), c('relicensed', '1.1.0', 'AGPL-3.0-only'), c('dual', '2.0.0', 'MIT OR GPL-2.0-only'), c('bare', '0.0.1')],
    );
    const parts = judgeSbom(diff, ['GPL-*', 'AGPL-*']);
    expect(parts).toEqual([
      { outcome: 'warn', line: 'added dual 2.0.0 (MIT OR GPL-2.0-only): offers a denied licence (GPL-2.0-only matches GPL-*); take it under an allowed alternative' },
      { outcome: 'warn', line: 'added bare 0.0.1 (no licence): no licence declared, check it by hand' },
      { outcome: 'pass', line: 'removed dropped 1.0.0 (MIT)' },
      { outcome: 'pass', line: 'version old-gpl 1.0.0 → 1.0.1' },
      { outcome: 'pass', line: 'version relicensed 1.0.0 → 1.1.0' },
      { outcome: 'fail', line: 'licence relicensed 1.1.0 MIT → AGPL-3.0-only: new denied licence (AGPL-3.0-only matches AGPL-*)' },
    ]);
    expect(judgeSbom(diffSboms([c('a', '1', 'MIT')], [c('a', '1', 'MIT')]), ['GPL-*'])).toEqual([{ outcome: 'pass', line: 'no component changed' }]);
  });
});

describe('the five automated items', () => {
  it('run in the ritual’s order, 11 to 15', () => {
    expect(REDTEAM_CHECKS.map((c) => [c.number, c.id])).toEqual([
      [11, 'idempotency'],
      [12, 'decimal'],
      [13, 'outbox-skew'],
      [14, 'csp-flood'],
      [15, 'sbom'],
    ]);
  });

  it('all pass against the simulated platform', async () => {
    const findings = await Promise.all(REDTEAM_CHECKS.map((c) => runRedteamCheck(c, ctx(simulatedRedteamSources()))));
    expect(findings.map((f) => [f.outcome, f.summary])).toEqual([
      ['pass', '100 concurrent requests with one key executed once'],
      ['pass', '7 samples round half to even'],
      ['pass', '20 rows within ±3 s'],
      ['pass', 'rate-limited 150 of 200 reports (429), still up'],
      ['pass', 'no new denied licence in 7 components; 1 added, 0 removed, 4 versions changed, 0 licences changed'],
    ]);
  });

  it('are skipped with the key to set when no target is configured', async () => {
    const findings = await Promise.all(REDTEAM_CHECKS.map((c) => runRedteamCheck(c, ctx(configuredRedteamSources(defaultConfig(), {})))));
    expect(findings.map((f) => [f.outcome, f.summary])).toEqual([
      ['skipped', 'not configured (redteam.idempotency.url)'],
      ['skipped', 'not configured (redteam.decimal.url)'],
      ['skipped', 'not configured (redteam.outboxSkew.database)'],
      ['skipped', 'not configured (redteam.cspFlood.url)'],
      ['skipped', 'not configured (redteam.sbom.previous)'],
    ]);
  });

  it('read a $NAME target from the environment, and say which name is not set', () => {
    const config = configSchema.parse({
      redteam: { outboxSkew: { database: '$SPARK_OUTBOX_DB' }, sbom: { previous: 'sbom/v1.3.2.cdx.json', current: '$SPARK_SBOM' } },
    });
    const unset = configuredRedteamSources(config, {});
    expect(unset.outboxClock).toEqual({ missing: 'redteam.outboxSkew.database names $SPARK_OUTBOX_DB, which is not set' });
    expect(unset.sbom).toEqual({ missing: 'redteam.sbom.current names $SPARK_SBOM, which is not set' });
    const set = configuredRedteamSources(config, { SPARK_OUTBOX_DB: 'postgres://127.0.0.1:1/spark', SPARK_SBOM: 'sbom/v1.4.0.cdx.json' });
    expect('port' in set.outboxClock && 'port' in set.sbom).toBe(true);
  });

  it('fail with the source’s reason when it breaks', async () => {
    const broken = { port: { round: () => Promise.reject(new Error('the rounding service at http://127.0.0.1:1/round is unreachable')) } };
    const f = await runRedteamCheck(REDTEAM_CHECKS[1]!, ctx({ ...simulatedRedteamSources(), rounding: broken }));
    expect(f).toEqual({ outcome: 'fail', summary: 'the rounding service at http://127.0.0.1:1/round is unreachable', lines: ['FAIL  the rounding service at http://127.0.0.1:1/round is unreachable'] });
  });
});
