import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from './fakes/slack-web-api.ts';
import { spawnBot } from './support/bot-process.ts';
import { scratchDatabase } from './support/db.ts';
import { tempDir } from './support/temp.ts';

async function run(args: string[], env: Record<string, string> = {}, stdin = '') {
  const bot = await spawnBot(args, env, stdin);
  const code = await bot.exited;
  return { code, out: bot.stdout(), err: bot.stderr() };
}

describe('the command line', () => {
  const dir = tempDir('spark-cli-');

  it('runs a console script from stdin: help, a usage error, the status, and exits 0', async () => {
    const r = await run([], {}, '/spark help\n/spark canary 1.4\n/spark status\n1\n');
    expect(r.code).toBe(0);
    expect(r.out).toContain('`/spark canary <version> [override <reason>]` — walk traffic');
    expect(r.out).toContain('`1.4` is not a version: use vMAJOR.MINOR.PATCH');
    expect(r.out).toContain('No release in progress');
    expect(r.out).toContain('(updated)');
  });

  it('validates the built-in defaults with config check', async () => {
    const r = await run(['config', 'check']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('built-in defaults: valid — 5 stages, 8 signals, 20 triggers');
  });

  it('prints every problem of a broken config as path: message, exit 1', async () => {
    const file = join(dir, 'broken.yml');
    writeFileSync(file, 'stages:\n  - { weight: 50, hold: 15m }\n  - { weight: 10, hold: soon }\nlocale: de\n');
    const r = await run(['config', 'check', file]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^stages\.1\.hold: .*"soon"/m);
    expect(r.out).toMatch(/^locale: /m);
    expect(r.out).toMatch(/problems$/m);
  });

  it('refuses to serve on a broken config, with the same lines', async () => {
    const file = join(dir, 'broken2.yml');
    writeFileSync(file, 'locale: de\n');
    const r = await run([], { SPARK_CONFIG: file });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^locale: /m);
    expect(r.err).toContain('refusing to start on an invalid config');
  });

  it('refuses a half-configured server with one clear line', async () => {
    const r = await run([], { SLACK_BOT_TOKEN: 'xoxb-1' });
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe('SLACK_BOT_TOKEN is set but SLACK_SIGNING_SECRET is missing: HTTP mode needs both (or SLACK_APP_TOKEN for Socket Mode)');
  });

  it('migrates and says where the schema is', async () => {
    const r = await run(['migrate']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/applied 001\.do\.foundation\.sql.*; schema is at v\d+/);
  });

  it('exits 2 with the usage on a mistyped command line', async () => {
    for (const args of [['deploy'], ['rehearse'], ['rehearse', '1.4'], ['rehearse', 'v1.4.0', '--inject', 'p95'], ['config', 'lint'], ['evidence']]) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toContain('Usage: npm start -- [command]');
    }
  });

  it('rehearses v1.4.0 in virtual time: the run of show, preflight, red team, go/no-go with simulated people, a judged canary that releases, 31 first-night snapshots, a JSON summary', async () => {
    const evidenceDir = tempDir('spark-cli-rehearsal-');
    const r = await run(['rehearse', 'v1.4.0', '--json', '--evidence-dir', evidenceDir]);
    expect(r.code).toBe(0);
    // The run of show: every step posted at its virtual time, T-0 thirty minutes after it was scheduled.
    expect(r.out).toMatch(/T\+00:00 Ayşe Kaya: \/spark runofshow v1\.4\.0 \d{4}-\d\d-\d\d \d\d:\d\d\n┌─ T\+00:00 #spark-deploys · message 1\n│ ━━ Run of show v1\.4\.0 ━━/);
    for (const [at, step] of [['00:00', '🧊 *T-30 · Change freeze*'], ['00:10', '🚨 *T-20 · War room opens*'], ['00:20', '🔎 *T-10 · Preflight*'], ['00:20', '💥 *T-10 · Micro blast-radius test*: ⏭ skipped: set runOfShow.blastRadius.url'], ['00:25', '🛡 *T-5 · Red team*'], ['00:28', '🟢 *T-2 · Green button*'], ['00:30', '🚀 *T-0 · v1.4.0*: GO is recorded']]) {
      expect(r.out).toMatch(new RegExp(`┌─ T\\+${at} #spark-deploys · message \\d+\\n│ ${step!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    }
    expect(r.out).toContain('T+00:30 Ayşe Kaya presses Start canary');
    expect(r.out).toMatch(/✅ \*Over\*: the change freeze was lifted at \d{4}-\d\d-\d\d \d\d:\d\d Europe\/Istanbul/);
    expect(r.out).toContain('Ready, with warnings* — 9 pass · 1 warn · 0 fail · 0 skipped');
    for (const n of [1, 2, 3, 4, 5]) expect(r.out).toContain(`Stage ${n} of 5 at`);
    expect(r.out).toContain('Red team v1.4.0 ✅ passed (15 pass · 0 warn · 0 fail · 0 skipped)');
    expect(r.out).toContain('🧯 Rollback drill of v1.4.0 recorded by Mehmet Demir: simulated drill');
    expect(r.out).toMatch(/✅ GO for v1\.4\.0 at commit `[0-9a-f]+`/);
    expect(r.out).toMatch(/v1\.4\.0 canary: 1%→100% tüm aşamalar 6\/6 metrik geçer; rollback=0; p95=~1\d\dms, 5xx=0\.\d%/);
    expect(r.out.match(/First-night snapshot \d+\/31/g)).toHaveLength(31);
    const summary = JSON.parse(r.out.trim().split('\n').at(-1)!) as { outcome: string; messages: number; timersRun: number; virtualStart: string; virtualEnd: string };
    expect(r.out).toContain('*Release note — v1.4.0*');
    expect(r.out).toContain('*Mini RCA — v1.4.0 first night*');
    expect(r.out).toContain('🔓 Freeze lifted for v1.4.0');
    // Evidence: 25 files up to the release and the blast-radius test's, then 31 first-night snapshots and the release note
    // (and the manifest on disk).
    // Messages: the run of show's card and its 7 step posts, 20 up to the release, then 31 snapshots, the first-night card,
    // the release note, the mini RCA, the freeze lift.
    // Timers: the run of show's 7 steps; 2 go/no-go clocks; the canary's 540 ticks (90 min every 10 s), 5 weights, 5 hold
    // ends; 31 snapshots and the close.
    expect(summary).toMatchObject({ outcome: 'released', preflight: 'ready-with-warnings', gonogo: 'go', evidence: { dir: evidenceDir, files: 58, intact: true }, messages: 63, timersRun: 591 });
    expect(readdirSync(join(evidenceDir, 'v1.4.0'))).toHaveLength(59);
    // The countdown's 30 minutes (the people act within it), the canary's 90, the first night's 24 h (closed at T+24h)
    expect(Date.parse(summary.virtualEnd) - Date.parse(summary.virtualStart)).toBe((30 + 90 + 24 * 60) * 60_000);
  });

  it('rolls back at stage 3 when p95 is degraded from there (exit 3), and refuses a bad fault with the usage', async () => {
    const r = await run(['rehearse', 'v1.4.0', '--inject', 'p95@3']);
    expect(r.code).toBe(3);
    expect(r.out).toContain('Rolling back from stage 3 (25 %): trigger api_p95_high fired');
    // the incident it opened, its page and its escalation, each at its virtual time
    const at = (pattern: RegExp) => pattern.exec(r.out)?.[1];
    const opened = at(/(T\+\d\d:\d\d) #spark-incidents · message \d+\n│ ━━ INC-1 · SEV2 · Auto-rollback of v1\.4\.0 at stage 3/);
    const paged = at(/(T\+\d\d:\d\d) 📟 PagerDuty trigger INC-1 \(error, L1\)/);
    const l2 = at(/(T\+\d\d:\d\d) 📟 PagerDuty trigger INC-1 \(error, L2\)/);
    const minutes = (t: string | undefined) => (t ? Number(t.slice(2, 4)) * 60 + Number(t.slice(5)) : NaN);
    expect(paged).toBe(opened);
    expect(minutes(l2) - minutes(opened)).toBe(15);
    expect(r.out).toMatch(/<@U0DEVOPS> <@U0CTO> L2: INC-1 is not mitigated after 15m/);
    expect(r.out).toContain('Mitigated by Ayşe Kaya after 20m: traffic back on the stable version. The escalation stops (L3 was due at +30m).');
    expect(r.out).toMatch(/📟 PagerDuty resolve INC-1/);
    expect(r.out).toContain('file INC-1-report-draft.md');
    expect(r.out).not.toContain('L3: INC-1');
    const bad = await run(['rehearse', 'v1.4.0', '--inject', 'latency@9']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('unknown signal');
  });

  it('verifies the evidence a console preflight sealed, and names a file changed afterwards (exit 1)', async () => {
    const home = tempDir('spark-cli-evidence-');
    const scratch = process.env.TEST_DATABASE_URL ? await scratchDatabase(process.env.TEST_DATABASE_URL) : undefined;
    const env = { SPARK_DATA_DIR: join(home, 'data'), EVIDENCE_DIR: join(home, 'evidence'), ...(scratch ? { DATABASE_URL: scratch.url } : {}) };
    try {
      const preflight = await run([], env, '/spark preflight v1.4.0\n');
      expect(preflight.code).toBe(0);
      expect(preflight.out).toContain('Evidence for preflight v1.4.0: 11 files');

      const intact = await run(['evidence', 'verify', 'v1.4.0'], env);
      expect(intact.code).toBe(0);
      expect(intact.out).toMatch(/v1\.4\.0: 11 files, \d+ audit rows, intact/);

      const folder = join(home, 'evidence', 'v1.4.0');
      const flags = readdirSync(folder).find((f) => f.endsWith('-preflight-07-flags.md'))!;
      writeFileSync(join(folder, flags), readFileSync(join(folder, flags), 'utf8').replace('true', 'fals'));
      const tampered = await run(['evidence', 'verify', 'v1.4.0'], env);
      expect(tampered.code).toBe(1);
      expect(tampered.out).toContain(`changed  v1.4.0/${flags}`);

      const none = await run(['evidence', 'verify', 'v9.9.9'], env);
      expect(none.code).toBe(1);
      expect(none.err).toContain('no evidence recorded for v9.9.9');
    } finally {
      await scratch?.drop();
    }
  });

  describe('with a Slack that rejects the token', () => {
    let slack: FakeSlack;
    beforeAll(async () => {
      slack = await startFakeSlack();
    });
    afterAll(() => slack.close());

    it('stops at start-up with one line instead of crashing later', async () => {
      const r = await run([], { SLACK_BOT_TOKEN: 'not-a-token', SLACK_SIGNING_SECRET: 's', EVIDENCE_HMAC_KEY: 'k', SLACK_API_URL: slack.url, PORT: '0' });
      expect(r.code).toBe(1);
      expect(r.err).toContain('Slack rejected SLACK_BOT_TOKEN');
      expect(r.err).not.toContain('not-a-token');
    });
  });
});
