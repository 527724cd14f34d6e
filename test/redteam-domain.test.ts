import { describe, expect, it } from 'vitest';
import { REDTEAM_CHECKS } from '../src/app/redteam/checks.ts';
import { defaultConfig } from '../src/config/schema.ts';
import type { Outcome } from '../src/domain/preflight/finding.ts';
import {
  isComplete,
  mayTick,
  openRun,
  recordFinding,
  supersede,
  tick,
  verdictOf,
  type RedteamRun,
  type Tick,
  type Ticked,
} from '../src/domain/redteam.ts';

const cfg = defaultConfig();
const MIN = 60_000;
const T0 = Date.parse('2026-11-24T17:55:00Z');
const t = (min: number) => new Date(T0 + min * MIN);
const iso = (min: number) => t(min).toISOString();

const RED = 'U0REDTEAM';
const DEPUTY = 'U0DEPUTY';
const CTO = 'U0CTO';
const HOLDERS = { ...cfg.roles, redTeamLead: [RED, DEPUTY] };
const NAMES: Record<string, string> = { [RED]: 'Burak Çelik', [DEPUTY]: 'Selin Koç' };
const nameOf = (id: string) => NAMES[id] ?? id;

const MISTAKES = cfg.redteam.mistakes;
const AUTOMATED = REDTEAM_CHECKS.map((c) => ({ id: c.id, title: c.title }));
const FILE = (n: number) => ({ path: `v1.4.0/20261124T175500.000Z-redteam-${n}.md`, sha256: `${n}`.repeat(64).slice(0, 64) });

/** Deep-frozen, so any mutation throws. */
function frozen<T>(v: T): T {
  if (v && typeof v === 'object') {
    Object.freeze(v);
    for (const x of Object.values(v)) frozen(x);
  }
  return v;
}

const fresh = () => frozen(openRun('v1.4.0', 'U0SPARKIC', MISTAKES, AUTOMATED, t(0)));

/** Every automated item's finding, in order, at minute 1. */
function automate(run: RedteamRun, outcomes: Outcome[] = ['pass', 'pass', 'pass', 'pass', 'pass']): RedteamRun {
  return frozen(AUTOMATED.reduce((r, a, i) => recordFinding(r, a.id, { outcome: outcomes[i]!, summary: `${a.id} ${outcomes[i]}` }, FILE(11 + i), t(1)), run));
}

/** One tick at minute `min`; checks nothing was mutated and that a refusal or no-op hands back the same run. */
function step(run: RedteamRun, tk: Tick, min = 2): Ticked {
  const before = structuredClone(run);
  const r = tick(frozen(run), tk, t(min), HOLDERS, nameOf);
  expect(run).toEqual(before);
  if (r.outcome.kind !== 'changed') expect(r.run).toBe(run);
  return { run: frozen(r.run), outcome: r.outcome };
}

const pass = (itemId: string, user = RED, note?: string): Tick => ({ itemId, user, outcome: 'pass', ...(note ? { note } : {}) });
const fail = (itemId: string, note?: string, user = RED): Tick => ({ itemId, user, outcome: 'fail', ...(note !== undefined ? { note } : {}) });

/** Every manual item passed by the Red Team Lead, one a minute from minute 2. */
const tickAll = (run: RedteamRun) => MISTAKES.reduce((r, m, i) => step(r, pass(m.id), 2 + i).run, run);

describe('a red-team run opens', () => {
  it('with the ten manual items first, then the five automated ones, numbered 1–15, every one open', () => {
    const run = fresh();
    expect(run).toMatchObject({ version: 'v1.4.0', startedBy: 'U0SPARKIC', startedAt: iso(0) });
    expect(run.finishedAt).toBeUndefined();
    expect(run.items.map((i) => [i.number, i.kind, i.outcome])).toEqual([
      ...MISTAKES.map((_, i) => [i + 1, 'manual', 'open']),
      ...AUTOMATED.map((_, i) => [11 + i, 'automated', 'open']),
    ]);
    expect(run.items[0]).toEqual({ number: 1, id: 'double_submit', title: MISTAKES[0]!.title, kind: 'manual', outcome: 'open' });
    expect(run.items[10]).toEqual({ number: 11, id: 'idempotency', title: 'Idempotency burst replay', kind: 'automated', outcome: 'open' });
  });

  it('is in review until every item is decided', () => {
    expect(isComplete(fresh())).toBe(false);
    expect(verdictOf(fresh())).toEqual({ verdict: 'in-review', counts: { pass: 0, warn: 0, fail: 0, skipped: 0, open: 15 } });
  });

  it('is plain JSON: stored and read back, it is the same run', () => {
    const run = tickAll(automate(fresh()));
    expect(JSON.parse(JSON.stringify(run))).toEqual(run);
  });
});

describe('automated findings', () => {
  it('record the outcome, the summary as the note, the time and the evidence file', () => {
    const run = recordFinding(fresh(), 'csp-flood', { outcome: 'warn', summary: 'logs grew by 2 MB' }, FILE(14), t(1));
    expect(run.items[13]).toEqual({ number: 14, id: 'csp-flood', title: 'CSP report flood', kind: 'automated', outcome: 'warn', note: 'logs grew by 2 MB', at: iso(1), evidence: FILE(14) });
    expect(run.items.filter((i) => i.outcome === 'open')).toHaveLength(14);
  });

  it('refuse to land on a manual item, an unknown item or one already recorded: a caller’s mistake', () => {
    const f = { outcome: 'pass' as const, summary: 'ok' };
    expect(() => recordFinding(fresh(), 'double_submit', f, FILE(1), t(1))).toThrow(/not an open automated item/);
    expect(() => recordFinding(fresh(), 'nope', f, FILE(1), t(1))).toThrow(/not an open automated item/);
    const once = recordFinding(fresh(), 'sbom', f, FILE(15), t(1));
    expect(() => recordFinding(once, 'sbom', f, FILE(15), t(1))).toThrow(/not an open automated item/);
  });

  it('close the run when the last one lands after every manual item was ticked', () => {
    const ticked = tickAll(fresh());
    expect(ticked.finishedAt).toBeUndefined();
    const run = automate(ticked);
    expect(isComplete(run)).toBe(true);
    expect(run.finishedAt).toBe(iso(1));
  });

  it('are still recorded on a run superseded meanwhile, which stays closed as it was', () => {
    const replaced = supersede(fresh(), 7, t(1));
    const run = recordFinding(replaced, 'decimal', { outcome: 'pass', summary: 'ok' }, FILE(12), t(2));
    expect(run.items[11]!.outcome).toBe('pass');
    expect(run).toMatchObject({ finishedAt: iso(1), supersededBy: 7 });
  });
});

describe('the Red Team Lead ticks items 1–10', () => {
  it('a pass records who, when and the optional note, trimmed', () => {
    const { run, outcome } = step(fresh(), pass('stale_price', RED, '  checked the reconnect path  '));
    expect(outcome).toEqual({ kind: 'changed' });
    expect(run.items[1]).toEqual({ number: 2, id: 'stale_price', title: MISTAKES[1]!.title, kind: 'manual', outcome: 'pass', note: 'checked the reconnect path', by: RED, at: iso(2) });
    expect(run.items.filter((i) => i !== run.items[1])).toEqual(fresh().items.filter((_, i) => i !== 1));
  });

  it('a pass without a note, or with a blank one, has no note', () => {
    expect(step(fresh(), pass('stale_price')).run.items[1]).not.toHaveProperty('note');
    expect(step(fresh(), pass('stale_price', RED, '   ')).run.items[1]).not.toHaveProperty('note');
  });

  it('a fail needs a note: none, or blank, is refused and changes nothing', () => {
    for (const note of [undefined, '', '  \n ']) {
      expect(step(fresh(), fail('float_money', note)).outcome).toEqual({
        kind: 'refused',
        why: `Marking item 4, "${MISTAKES[3]!.title}", as a fail needs a note.`,
      });
    }
    const { run, outcome } = step(fresh(), fail('float_money', ' fees use Number in the invoice export '));
    expect(outcome.kind).toBe('changed');
    expect(run.items[3]).toMatchObject({ outcome: 'fail', note: 'fees use Number in the invoice export', by: RED });
  });

  it('only a holder of redTeamLead may tick: anyone else is refused, named who can', () => {
    expect(step(fresh(), pass('double_submit', CTO)).outcome).toEqual({ kind: 'refused', why: "Only the Red Team Lead (Burak Çelik or Selin Koç) can tick the red team's items." });
    expect(step(fresh(), pass('double_submit', DEPUTY)).outcome.kind).toBe('changed');
    expect(mayTick(HOLDERS, RED)).toBe(true);
    expect(mayTick(HOLDERS, CTO)).toBe(false);
  });

  it('when nobody holds the role, nobody can tick, and the refusal says so', () => {
    const r = tick(fresh(), pass('double_submit'), t(2), { ...cfg.roles, redTeamLead: [] });
    expect(r.outcome).toEqual({ kind: 'refused', why: "Nobody holds the Red Team Lead role in the config, so nobody can tick the red team's items." });
    expect(tick(fresh(), pass('double_submit'), t(2), { ic: ['U0SPARKIC'] }).outcome.kind).toBe('refused');
    expect(mayTick({}, RED)).toBe(false);
  });

  it('an automated item or an unknown one cannot be ticked', () => {
    expect(step(fresh(), pass('sbom')).outcome).toEqual({ kind: 'refused', why: 'Item 15, "SBOM license drift", is checked by the bot; it cannot be ticked by hand.' });
    expect(step(fresh(), pass('no_such_item')).outcome).toEqual({ kind: 'refused', why: 'There is no item "no_such_item" in this red team.' });
  });

  it('a manual item sharing an automated item’s id is the one ticked', () => {
    const run = frozen(openRun('v1.4.0', 'U0SPARKIC', [{ id: 'sbom', title: 'A licence nobody read' }], AUTOMATED, t(0)));
    const r = step(run, pass('sbom'));
    expect(r.outcome.kind).toBe('changed');
    expect(r.run.items.filter((i) => i.outcome === 'pass').map((i) => i.number)).toEqual([1]);
  });

  it('the same tick again is unchanged and says so; a different verdict, note or ticker replaces it', () => {
    const once = step(fresh(), fail('retry_storm', 'no jitter')).run;
    expect(step(once, fail('retry_storm', ' no jitter '), 3).outcome).toEqual({ kind: 'unchanged', why: `Item 9, "${MISTAKES[8]!.title}", is already a fail.` });
    expect(step(once, pass('retry_storm'), 3).run.items[8]).toMatchObject({ outcome: 'pass', by: RED, at: iso(3) });
    expect(step(once, fail('retry_storm', 'no backoff either'), 3).run.items[8]).toMatchObject({ outcome: 'fail', note: 'no backoff either' });
    expect(step(once, fail('retry_storm', 'no jitter', DEPUTY), 3).run.items[8]).toMatchObject({ outcome: 'fail', by: DEPUTY });
    const passed = step(fresh(), pass('retry_storm')).run;
    expect(step(passed, pass('retry_storm'), 3).outcome).toEqual({ kind: 'unchanged', why: `Item 9, "${MISTAKES[8]!.title}", is already a pass.` });
  });
});

describe('closing', () => {
  it('the tick that decides the last item closes the run at that moment', () => {
    const automated = automate(fresh());
    const nine = MISTAKES.slice(0, 9).reduce((r, m, i) => step(r, pass(m.id), 2 + i).run, automated);
    expect(isComplete(nine)).toBe(false);
    expect(nine.finishedAt).toBeUndefined();
    const last = step(nine, pass('cold_cache'), 20);
    expect(last.outcome.kind).toBe('changed');
    expect(isComplete(last.run)).toBe(true);
    expect(last.run.finishedAt).toBe(iso(20));
  });

  it('a complete run refuses every other tick, and the repeated last tick is unchanged', () => {
    const done = tickAll(automate(fresh()));
    const closed = `The red team for v1.4.0 is complete and its summary sealed; nothing can be changed. Run \`/spark redteam v1.4.0\` for a new review.`;
    expect(step(done, fail('double_submit', 'found one'), 30).outcome).toEqual({ kind: 'refused', why: closed });
    expect(step(done, pass('double_submit', DEPUTY), 30).outcome).toEqual({ kind: 'refused', why: closed });
    expect(step(done, pass('cold_cache'), 30).outcome.kind).toBe('unchanged');
  });

  it('a superseded run refuses ticks and points at the run that replaced it', () => {
    const replaced = frozen(supersede(fresh(), 9, t(1)));
    expect(replaced).toMatchObject({ finishedAt: iso(1), supersededBy: 9 });
    expect(isComplete(replaced)).toBe(false);
    expect(step(replaced, pass('double_submit')).outcome).toEqual({ kind: 'refused', why: 'This red team for v1.4.0 was replaced by run 9: tick the items on its card.' });
  });

  it('superseding a run already closed leaves it as it was', () => {
    const done = tickAll(automate(fresh()));
    expect(supersede(done, 9, t(40))).toBe(done);
  });
});

describe('the verdict', () => {
  it('passes when every item passed', () => {
    expect(verdictOf(tickAll(automate(fresh())))).toEqual({ verdict: 'passed', counts: { pass: 15, warn: 0, fail: 0, skipped: 0, open: 0 } });
  });

  it('passes with warnings when an automated item warned', () => {
    expect(verdictOf(tickAll(automate(fresh(), ['pass', 'pass', 'pass', 'warn', 'pass']))).verdict).toBe('passed-with-warnings');
  });

  it('is incomplete, never passed, when an automated item was skipped, even with every manual item passed', () => {
    const run = tickAll(automate(fresh(), ['skipped', 'pass', 'warn', 'pass', 'pass']));
    expect(isComplete(run)).toBe(true);
    expect(verdictOf(run)).toEqual({ verdict: 'incomplete', counts: { pass: 13, warn: 1, fail: 0, skipped: 1, open: 0 } });
  });

  it('is not passed as soon as anything fails, manual or automated, open items or not', () => {
    expect(verdictOf(step(fresh(), fail('migration_lock', 'ALTER TABLE orders at 10:00')).run).verdict).toBe('not-passed');
    expect(verdictOf(automate(fresh(), ['pass', 'fail', 'pass', 'pass', 'skipped'])).verdict).toBe('not-passed');
    const failedLast = step(MISTAKES.slice(0, 9).reduce((r, m, i) => step(r, pass(m.id), 2 + i).run, automate(fresh())), fail('cold_cache', 'stampede at open'), 20);
    expect(isComplete(failedLast.run)).toBe(true);
    expect(verdictOf(failedLast.run)).toEqual({ verdict: 'not-passed', counts: { pass: 14, warn: 0, fail: 1, skipped: 0, open: 0 } });
  });

  it('is in review while anything is open and nothing failed', () => {
    expect(verdictOf(automate(fresh())).verdict).toBe('in-review');
    expect(verdictOf(tickAll(fresh())).verdict).toBe('in-review');
  });
});
