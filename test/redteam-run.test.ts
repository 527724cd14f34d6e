import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { unconfiguredPager } from '../src/adapters/unconfigured-pager.ts';
import { VirtualClock } from '../src/adapters/virtual-clock.ts';
import type { RedteamSources } from '../src/app/redteam/check.ts';
import { latestRedteam, startRedteam, tickRedteam, type RedteamDeps } from '../src/app/redteam/run.ts';
import { simulatedRedteamSources } from '../src/app/redteam/sources.ts';
import { namesFrom } from '../src/app/ritual.ts';
import { toBlockKit } from '../src/chat/blockkit.ts';
import { REDTEAM_ACTION, redteamCard } from '../src/chat/cards/redteam.ts';
import { validateConfig } from '../src/config/load.ts';
import { defaultConfig, type SparkConfig } from '../src/config/schema.ts';
import type { RedteamRun } from '../src/domain/redteam.ts';
import { createEngine } from '../src/engine/engine.ts';
import { evidenceKeyFrom } from '../src/evidence/key.ts';
import { verifyEvidence } from '../src/evidence/verify.ts';
import type { Db } from '../src/store/db.ts';
import { recordingChat } from './fakes/recording-chat.ts';
import { openTestDb } from './support/db.ts';
import { tempDir } from './support/temp.ts';

const T0 = new Date('2026-11-24T17:55:00Z');
const key = evidenceKeyFrom('redteam-run-test');
const RED = 'U0REDTEAM';
const CTO = 'U0CTO';
const MISTAKES = defaultConfig().redteam.mistakes;
const KINDS = ['redteam-11-idempotency', 'redteam-12-decimal', 'redteam-13-outbox-skew', 'redteam-14-csp-flood', 'redteam-15-sbom'];
const request = { version: 'v1.4.0', actor: 'U0SPARKIC', channel: 'C0DEPLOYS' };

describe('a red-team run', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    await db.query('TRUNCATE redteam_run, outbox, inbound_delivery, evidence_file, audit_log CASCADE');
  });

  function deps(over: { config?: SparkConfig; sources?: (s: RedteamSources) => RedteamSources } = {}): RedteamDeps & { clock: VirtualClock } {
    const config = over.config ?? defaultConfig();
    const sim = simulatedRedteamSources();
    return {
      db,
      clock: new VirtualClock(T0),
      log: pino({ level: 'silent' }),
      config,
      evidence: { dir: tempDir('spark-redteam-'), key },
      sources: over.sources ? over.sources(sim) : sim,
      nameOf: namesFrom(config),
      wake: () => undefined,
    };
  }
  const runIds = async () => (await db.query<{ id: number }>('SELECT id FROM redteam_run ORDER BY id')).map((r) => r.id);
  const stateOf = async (id: number) => (await db.query<{ state: RedteamRun }>('SELECT state FROM redteam_run WHERE id = $1', [id]))[0]!.state;
  const audits = (action: string) => db.query<{ actor: string; body: string }>('SELECT actor, body FROM audit_log WHERE action = $1 ORDER BY id', [action]);
  const outboxCount = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox'))[0]!.n;
  const pass = (itemId: string, user = RED) => ({ itemId, user, outcome: 'pass' as const });

  /** Starts a run and returns its id. */
  async function started(d: RedteamDeps): Promise<number> {
    expect(await startRedteam(d, request)).toBeUndefined();
    return (await runIds()).at(-1)!;
  }

  it('records items 11–15 from the simulated platform, each with its evidence file, and leaves 1–10 open', async () => {
    const d = deps();
    const id = await started(d);
    const run = await stateOf(id);
    expect(run.items.slice(0, 10).map((i) => [i.number, i.id, i.outcome])).toEqual(MISTAKES.map((m, i) => [i + 1, m.id, 'open']));
    const automated = run.items.slice(10);
    expect(automated.map((i) => [i.number, i.outcome])).toEqual([[11, 'pass'], [12, 'pass'], [13, 'pass'], [14, 'pass'], [15, 'pass']]);
    const files = await db.query<{ path: string; kind: string; sha256: string }>('SELECT path, kind, sha256 FROM evidence_file ORDER BY kind');
    expect(files.map((f) => f.kind)).toEqual(KINDS);
    for (const item of automated) {
      const file = files.find((f) => f.path === item.evidence!.path)!;
      expect(file.sha256).toBe(item.evidence!.sha256);
      const text = readFileSync(join(d.evidence.dir, file.path), 'utf8');
      expect(createHash('sha256').update(text).digest('hex')).toBe(file.sha256);
      expect(text).toContain(`Check ${item.number} of run ${id}`);
      expect(text).toContain(`Outcome: **PASS** — ${item.note}`);
    }
    expect(await latestRedteam(db, 'v1.4.0')).toEqual({
      runId: id,
      complete: false,
      verdict: 'in-review',
      summarySha256: null,
      counts: { pass: 5, warn: 0, fail: 0, skipped: 0, open: 10 },
    });
    const posts = await db.query<{ kind: string; ref: string | null; of: string | null }>(`SELECT kind, ref, payload->>'of' AS of FROM outbox ORDER BY id`);
    expect(posts).toEqual([{ kind: 'slack.post', ref: `redteam:${id}`, of: null }, ...Array(5).fill({ kind: 'slack.update', ref: null, of: `redteam:${id}` })]);
    expect((await audits('redteam.started')).map((a) => JSON.parse(a.body))).toEqual([{ runId: id }]);
    expect((await verifyEvidence(db, d.evidence, 'v1.4.0')).problems).toEqual([]);
  });

  it('refuses a tick from someone who is not the Red Team Lead, audits it, and changes nothing', async () => {
    const d = deps();
    const id = await started(d);
    const before = { state: await stateOf(id), outbox: await outboxCount() };
    expect(await tickRedteam(d, id, pass('double_submit', CTO))).toBe("Only the Red Team Lead (Burak Çelik) can tick the red team's items.");
    expect(await stateOf(id)).toEqual(before.state);
    expect(await outboxCount()).toBe(before.outbox);
    const [refused] = await audits('redteam.refused');
    expect(refused!.actor).toBe(CTO);
    expect(JSON.parse(refused!.body)).toEqual({ runId: id, tick: pass('double_submit', CTO), why: "Only the Red Team Lead (Burak Çelik) can tick the red team's items." });
    expect(await audits('redteam.tick')).toEqual([]);
  });

  it('refuses a fail without a note, and records one with a note', async () => {
    const d = deps();
    const id = await started(d);
    const said = await tickRedteam(d, id, { itemId: 'float_money', user: RED, outcome: 'fail', note: '  ' });
    expect(said).toBe(`Marking item 4, "${MISTAKES[3]!.title}", as a fail needs a note.`);
    expect((await stateOf(id)).items[3]!.outcome).toBe('open');
    expect(await audits('redteam.refused')).toHaveLength(1);
    expect(await tickRedteam(d, id, { itemId: 'float_money', user: RED, outcome: 'fail', note: 'fees are a Number in the invoice export' })).toBeUndefined();
    expect((await stateOf(id)).items[3]).toMatchObject({ outcome: 'fail', note: 'fees are a Number in the invoice export', by: RED, at: T0.toISOString() });
  });

  it('is complete once all ten are ticked: the summary sealed, a redteam.finished row, the evidence intact, and it says so', async () => {
    const d = deps();
    const rec = recordingChat();
    const engine = createEngine({ db, clock: d.clock, chat: rec.chat, pager: unconfiguredPager, log: d.log, worker: 'w', handlers: {}, alertChannel: 'C0DEPLOYS' });
    const id = await started(d);
    for (const [i, m] of MISTAKES.entries()) {
      d.clock.advance(30_000);
      const note = i === 6 ? 'checked: pino redacts | every secret path\nand the error page' : undefined;
      expect(await tickRedteam(d, id, { ...pass(m.id), ...(note ? { note } : {}) })).toBeUndefined();
    }
    await engine.fastForward(d.clock);

    const [row] = await db.query<{ finished_at: Date; summary_path: string; summary_sha256: string; state: RedteamRun }>(
      'SELECT finished_at, summary_path, summary_sha256, state FROM redteam_run WHERE id = $1',
      [id],
    );
    const end = new Date(T0.getTime() + 10 * 30_000);
    expect(row!.finished_at).toEqual(end);
    expect(row!.state.finishedAt).toBe(end.toISOString());
    const summary = readFileSync(join(d.evidence.dir, row!.summary_path), 'utf8');
    expect(createHash('sha256').update(summary).digest('hex')).toBe(row!.summary_sha256);
    expect(summary).toContain('Verdict: **passed** — 15 pass, 0 warn, 0 fail, 0 skipped');
    expect(summary).toContain(`| 1 | ${MISTAKES[0]!.title} | manual | PASS |  | Burak Çelik (U0REDTEAM) | ${new Date(T0.getTime() + 30_000).toISOString()} | - | - |`);
    expect(summary).toContain('| checked: pino redacts \\| every secret path and the error page |');
    for (const item of row!.state.items.slice(10)) {
      expect(summary).toContain(`| ${item.number} | ${item.title} | automated | PASS | ${item.note} | spark-bot | ${item.at} | ${item.evidence!.path} | ${item.evidence!.sha256} |`);
    }

    const [finished] = await audits('redteam.finished');
    expect(finished!.actor).toBe(RED);
    expect(JSON.parse(finished!.body)).toEqual({
      runId: id,
      verdict: 'passed',
      counts: { pass: 15, warn: 0, fail: 0, skipped: 0, open: 0 },
      summary: row!.summary_path,
      sha256: row!.summary_sha256,
    });
    expect(await audits('redteam.tick')).toHaveLength(10);
    const report = await verifyEvidence(db, d.evidence, 'v1.4.0');
    expect(report.problems).toEqual([]);
    expect(report.files).toBe(6);
    expect(await latestRedteam(db, 'v1.4.0')).toMatchObject({ runId: id, complete: true, verdict: 'passed', summarySha256: row!.summary_sha256 });

    const posts = rec.posts();
    expect(posts.map((p) => p.text)).toEqual([
      'Red team v1.4.0: in review (0 of 15 decided)',
      `Red team v1.4.0 ✅ passed (15 pass · 0 warn · 0 fail · 0 skipped). Summary sealed in \`${row!.summary_path}\`.`,
    ]);
    expect(posts[1]!.threadTs).toBe(posts[0]!.ts);
    expect(rec.delivered.filter((m) => m.op === 'update').at(-1)!.text).toBe('Red team v1.4.0: passed (15 of 15 decided)');

    // closed: any other tick is refused
    expect(await tickRedteam(d, id, { itemId: 'double_submit', user: RED, outcome: 'fail', note: 'found one after all' })).toMatch(/is complete and its summary sealed/);
  });

  it('is incomplete, never passed, when an automated item had no target, and fails an item that hangs at its timeout', async () => {
    const valid = validateConfig({ preflight: { checkTimeout: '200ms' } });
    if (!valid.ok) throw new Error(valid.problems.join('\n'));
    const hanging = { burst: () => new Promise<never>(() => undefined) };
    const d = deps({ config: valid.config, sources: (s) => ({ ...s, idempotency: { port: hanging }, sbom: { missing: 'not configured (redteam.sbom.previous)' } }) });
    const id = await started(d);
    const items = (await stateOf(id)).items;
    expect(items[10]).toMatchObject({ outcome: 'fail', note: 'timed out after 0.2 s' });
    expect(items[14]).toMatchObject({ outcome: 'skipped', note: 'not configured (redteam.sbom.previous)' });
    for (const m of MISTAKES) await tickRedteam(d, id, pass(m.id));
    expect(await latestRedteam(db, 'v1.4.0')).toMatchObject({ complete: true, verdict: 'not-passed', counts: { pass: 13, fail: 1, skipped: 1, open: 0 } });

    const skippedOnly = deps({ sources: (s) => ({ ...s, sbom: { missing: 'not configured (redteam.sbom.previous)' } }) });
    const second = await startRedteam(skippedOnly, { ...request, version: 'v1.4.1' });
    expect(second).toBeUndefined();
    const [latest] = await db.query<{ id: number }>(`SELECT id FROM redteam_run WHERE version = 'v1.4.1'`);
    for (const m of MISTAKES) await tickRedteam(skippedOnly, latest!.id, pass(m.id));
    expect(await latestRedteam(db, 'v1.4.1')).toMatchObject({ complete: true, verdict: 'incomplete' });
  });

  it('runs once for a repeated delivery of the command, and applies a repeated delivery of a click once', async () => {
    const d = deps();
    expect(await startRedteam(d, { ...request, deliveryId: 'cmd-1' })).toBeUndefined();
    expect(await startRedteam(d, { ...request, deliveryId: 'cmd-1' })).toBeUndefined();
    const ids = await runIds();
    expect(ids).toHaveLength(1);
    expect(await audits('redteam.started')).toHaveLength(1);
    expect(await tickRedteam(d, ids[0]!, pass('double_submit', CTO), 'act-1')).toMatch(/^Only the Red Team Lead/);
    expect(await tickRedteam(d, ids[0]!, pass('double_submit', CTO), 'act-1')).toBeUndefined();
    expect(await audits('redteam.refused')).toHaveLength(1);
  });

  it('a double tick changes nothing the second time, and says so', async () => {
    const d = deps();
    const id = await started(d);
    expect(await tickRedteam(d, id, pass('stale_price'), 'act-1')).toBeUndefined();
    const after = { state: await stateOf(id), outbox: await outboxCount() };
    d.clock.advance(1_000);
    expect(await tickRedteam(d, id, pass('stale_price'), 'act-2')).toBe(`Item 2, "${MISTAKES[1]!.title}", is already a pass.`);
    expect(await stateOf(id)).toEqual(after.state);
    expect(await outboxCount()).toBe(after.outbox);
    expect(await audits('redteam.tick')).toHaveLength(1);
  });

  it('applies ten ticks arriving at once one after another, and seals the summary once', async () => {
    const d = deps();
    const id = await started(d);
    expect(await Promise.all(MISTAKES.map((m) => tickRedteam(d, id, pass(m.id))))).toEqual(Array(10).fill(undefined));
    expect((await stateOf(id)).items.every((i) => i.outcome === 'pass')).toBe(true);
    expect(await audits('redteam.finished')).toHaveLength(1);
    expect((await verifyEvidence(db, d.evidence, 'v1.4.0')).problems).toEqual([]);
  });

  it('a new run of the same version supersedes an open one, tells the asker, and the old card refuses ticks', async () => {
    const d = deps();
    const first = await started(d);
    await tickRedteam(d, first, pass('double_submit'));
    expect(await startRedteam(d, request)).toBe(
      `An earlier red team for v1.4.0 (run ${first} was still open) is closed as superseded: only run ${first + 1} counts now, tick its items on the new card.`,
    );
    expect(await stateOf(first)).toMatchObject({ supersededBy: first + 1, finishedAt: T0.toISOString() });
    expect(JSON.parse((await audits('redteam.superseded'))[0]!.body)).toEqual({ runId: first, by: first + 1 });
    const [update] = await db.query<{ text: string }>(`SELECT payload->'card'->>'text' AS text FROM outbox WHERE payload->>'of' = $1 ORDER BY id DESC LIMIT 1`, [`redteam:${first}`]);
    expect(update!.text).toBe(`Red team v1.4.0: superseded by run ${first + 1} (6 of 15 decided)`);
    expect(await tickRedteam(d, first, pass('stale_price'))).toBe(`This red team for v1.4.0 was replaced by run ${first + 1}: tick the items on its card.`);
    expect(await latestRedteam(db, 'v1.4.0')).toMatchObject({ runId: first + 1, complete: false });
    expect(await audits('redteam.finished')).toEqual([]);
    // a completed run is not superseded: it stays as it was sealed
    for (const m of MISTAKES) await tickRedteam(d, first + 1, pass(m.id));
    expect(await startRedteam(d, request)).toBeUndefined();
    expect((await stateOf(first + 1)).supersededBy).toBeUndefined();
  });

  it('says so when the run is unknown', async () => {
    expect(await tickRedteam(deps(), 999, pass('double_submit'))).toBe('That red-team run no longer exists; nothing was changed.');
  });
});

describe('the red-team card', () => {
  const config = defaultConfig();
  const nameOf = namesFrom(config);
  const run = (): RedteamRun => ({
    version: 'v1.4.0',
    startedBy: 'U0SPARKIC',
    startedAt: T0.toISOString(),
    items: [
      ...config.redteam.mistakes.map((m, i) => ({ number: i + 1, ...m, kind: 'manual' as const, outcome: 'open' as const })),
      ...KINDS.map((k, i) => ({ number: 11 + i, id: k, title: `Attack ${11 + i}`, kind: 'automated' as const, outcome: 'open' as const })),
    ],
  });

  it('keeps within Block Kit limits, with a Pass and a Fail button for each manual item', () => {
    const long = run();
    long.items[0] = { ...long.items[0]!, outcome: 'fail', by: RED, at: T0.toISOString(), note: 'x'.repeat(5000) };
    const { blocks } = toBlockKit(redteamCard(42, long, nameOf));
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(blocks.some((b) => b.type === 'context' && JSON.stringify(b).includes('more blocks not shown'))).toBe(false);
    const actions = blocks.filter((b) => b.type === 'actions') as { elements: { action_id: string; value: string; text: { text: string } }[] }[];
    expect(actions).toHaveLength(10);
    for (const [i, a] of actions.entries()) {
      expect(a.elements.map((e) => [e.action_id, e.value, e.text.text])).toEqual([
        [REDTEAM_ACTION.pass, `42:${MISTAKES[i]!.id}`, 'Pass'],
        [REDTEAM_ACTION.fail, `42:${MISTAKES[i]!.id}`, 'Fail'],
      ]);
    }
    for (const b of blocks) expect(JSON.stringify(b).length).toBeLessThan(3200);
  });

  it('shows each outcome, who and when, and has no buttons once closed', () => {
    const r = run();
    const at = T0.toISOString();
    r.items[0] = { ...r.items[0]!, outcome: 'pass', by: RED, at };
    r.items[1] = { ...r.items[1]!, outcome: 'fail', by: RED, at, note: 'reconnect\nreplays a stale tick' };
    r.items[10] = { ...r.items[10]!, outcome: 'warn', at, note: 'logs grew' };
    r.items[11] = { ...r.items[11]!, outcome: 'skipped', at, note: 'not configured (redteam.decimal.url)' };
    const open = JSON.stringify(redteamCard(7, r, nameOf).blocks);
    expect(open).toContain(`✅ 1. *${MISTAKES[0]!.title}* — Burak Çelik, 17:55 UTC`);
    expect(open).toContain(`❌ 2. *${MISTAKES[1]!.title}* — Burak Çelik, 17:55 UTC: reconnect replays a stale tick`);
    expect(open).toContain(`⬜ 3. *${MISTAKES[2]!.title}*`);
    expect(open).toContain('⚠️ 11. *Attack 11* — logs grew _(17:55 UTC)_');
    expect(open).toContain('⏭ 12. *Attack 12* — skipped: not configured (redteam.decimal.url)');
    expect(open).toContain('⏳ 13. *Attack 13* — running');
    expect(open).toContain('❌ *Not passed* — 1 pass · 1 warn · 1 fail · 1 skipped · 11 open');
    const closed = redteamCard(7, { ...r, finishedAt: at }, nameOf);
    expect(closed.blocks.filter((b) => b.type === 'buttons')).toEqual([]);
  });
});
