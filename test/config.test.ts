import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { formatDuration, parseDuration } from '../src/config/duration.ts';
import { BUILT_IN_SOURCE, loadConfig, parseConfigText, validateConfig } from '../src/config/load.ts';
import { configSchema, defaultConfig, fillQuery, type SparkConfig } from '../src/config/schema.ts';
import { tempDir } from './support/temp.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const exampleFile = path.join(root, 'spark.config.example.yml');

function valid(text: string): SparkConfig {
  const r = parseConfigText(text);
  if (!r.ok) throw new Error(`expected a valid config, got:\n${r.problems.join('\n')}`);
  return r.config;
}

function problems(text: string): string[] {
  const r = parseConfigText(text);
  if (r.ok) throw new Error('expected problems, the config was valid');
  return r.problems;
}

/** Dotted paths of every key in nested maps; lists and the free-form maps people/roles count as leaves. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value)
    .flatMap(([k, v]) => {
      const p = prefix ? `${prefix}.${k}` : k;
      return p === 'people' || p === 'roles' ? [p] : [p, ...keyPaths(v, p)];
    })
    .sort();
}

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('durations', () => {
  it('parses the units of the config and sums of them', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('10s')).toBe(10_000);
    expect(parseDuration('15m')).toBe(15 * MIN);
    expect(parseDuration('24h')).toBe(24 * HOUR);
    expect(parseDuration('90d')).toBe(90 * 24 * HOUR);
    expect(parseDuration('1h30m')).toBe(90 * MIN);
    expect(parseDuration('1.5s')).toBe(1500);
  });

  it('rejects anything else', () => {
    for (const bad of ['', '15', '15 minutes', '15M', 'm', '30m1h', '1h1h', ' 15m', '-5m']) {
      expect(parseDuration(bad), bad).toBeUndefined();
    }
  });

  it('formats back', () => {
    expect(formatDuration(15 * MIN)).toBe('15m');
    expect(formatDuration(90 * MIN)).toBe('1h30m');
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(500)).toBe('500ms');
  });
});

describe('defaults', () => {
  const config = defaultConfig();

  it('an empty document is the whole v1.4.0 ritual', () => {
    expect(valid('')).toEqual(config);
    expect(valid('{}')).toEqual(config);
    expect(valid('# nothing but a comment\n')).toEqual(config);
    expect(config.locale).toBe('tr');
    expect(config.timezone).toBe('Europe/Istanbul');
    expect(config.channels).toEqual({ deploys: '#spark-deploys', incidents: '#spark-incidents' });
  });

  it('has 8 golden signals with the RITUAL thresholds', () => {
    expect(config.signals.map((s) => s.id)).toEqual([
      'api_p95',
      'error_rate_5xx',
      'ws_staleness_p95',
      'risk_block_rate',
      'idempotency_conflicts',
      'csp_violations',
      'event_loop_lag_p95',
      'gc_pause_avg',
    ]);
    const byId = Object.fromEntries(config.signals.map((s) => [s.id, s]));
    expect(byId.api_p95).toMatchObject({ unit: 'ms', comparison: '<=', threshold: 200 });
    expect(byId.csp_violations?.threshold).toEqual({ baselinePlusPercent: 10 });
    expect(byId.gc_pause_avg?.query).toContain('nodejs_gc_duration_seconds_sum');
    for (const s of config.signals) {
      expect(s.query).toContain('version="{{version}}"');
      expect(s.query).toContain('track="{{track}}"');
    }
  });

  it('has 20 triggers: 6 standard, 8 enhanced, 2 composite auto-guards, 4 enrichment', () => {
    expect(config.triggers).toHaveLength(20);
    const count = (g: string) => config.triggers.filter((t) => t.group === g).length;
    expect([count('standard'), count('enhanced'), count('autoGuard'), count('enrichment')]).toEqual([6, 8, 2, 4]);
    const guards = config.triggers.filter((t) => t.group === 'autoGuard');
    for (const g of guards) {
      expect('allOf' in g && g.allOf.length >= 2, g.id).toBe(true);
    }
    const std = Object.fromEntries(config.triggers.filter((t) => t.group === 'standard').map((t) => [t.id, t]));
    expect(std.api_p95_high).toMatchObject({ comparison: '>', threshold: 400, for: 5 * MIN });
    expect(std.error_rate_5xx_high).toMatchObject({ threshold: 3, for: 5 * MIN });
    expect(std.bist_feed_stale).toMatchObject({ threshold: 120, for: 3 * MIN });
    expect(std.csp_violations_flood).toMatchObject({ threshold: 50, for: MIN });
    expect(std.idempotency_conflicts_high).toMatchObject({ threshold: 5, for: 3 * MIN });
    expect(std.pgbouncer_saturation).toMatchObject({ threshold: 90, for: 3 * MIN });
    const memoryLeak = config.triggers.find((t) => t.id === 'memory_leak');
    expect(memoryLeak && 'query' in memoryLeak ? memoryLeak.query : '').toContain('deriv(');
    const bloat = config.triggers.find((t) => t.id === 'dead_tuple_bloat');
    expect(bloat && 'threshold' in bloat ? bloat.threshold : undefined).toBe(20);
  });

  it('has 5 stages, 1 → 100 %, holding 90 minutes in all', () => {
    expect(config.stages.map((s) => s.weight)).toEqual([1, 5, 25, 50, 100]);
    expect(config.stages.reduce((sum, s) => sum + s.hold, 0)).toBe(90 * MIN);
  });

  it('has the first-night cadence and checks', () => {
    const cadence = config.firstNight.cadence;
    expect(cadence).toHaveLength(5);
    expect(cadence.map((w) => [w.from / HOUR, w.to / HOUR, w.every / MIN])).toEqual([
      [0, 2, 15],
      [2, 6, 30],
      [6, 12, 60],
      [12, 18, 120],
      [18, 24, 60],
    ]);
    const csp = config.firstNight.checks.find((c) => c.id === 'csp_violations');
    expect(csp).toMatchObject({ comparison: '<', threshold: 100, onlyUntil: 2 * HOUR });
    expect(config.firstNight.checks.map((c) => c.id)).toEqual([
      'slo_burn_1h',
      'slo_burn_6h',
      'error_rate',
      'api_p95',
      'outbox_lag_p99',
      'csp_violations',
    ]);
  });

  it('has go/no-go, canary, freeze, escalation and evidence defaults', () => {
    expect(config.gonogo).toMatchObject({ timebox: 10 * MIN, reminderAt: 8 * MIN, coverageMin: 95 });
    expect(config.gonogo.approvers).toEqual(['devopsLead', 'cto', 'productOwner', 'securityTeam', 'redTeamLead']);
    expect(config.gonogo.items).toHaveLength(10);
    expect(config.canary).toEqual({
      analysisInterval: 10_000,
      noDataLimit: 2 * MIN,
      minRequestsPerStage: 500,
      cardUpdateThrottle: 5_000,
      queryTimeout: 5_000,
      requestsQuery: 'sum(rate(http_requests_total{app="spark",version="{{version}}",track="{{track}}"}[1m]))',
    });
    expect(config.freeze.bistHours).toEqual({ start: '09:30', end: '18:00' });
    expect(config.freeze.tradingDays).toEqual([1, 2, 3, 4, 5]);
    expect(config.freeze.holidays).toContain('2026-10-29');
    expect(config.freeze.dstReferenceZones).toEqual(['Europe/London', 'America/New_York']);
    expect(config.escalation.levels.map((l) => [l.level, l.after / MIN, l.roles, l.warRoom])).toEqual([
      ['L1', 0, ['onCall'], false],
      ['L2', 15, ['devopsLead', 'cto'], false],
      ['L3', 30, ['ic', 'devopsLead', 'cto'], true],
    ]);
    expect(config.escalation).toMatchObject({ statusPageReminder: 5 * MIN, postMortemDue: 48 * HOUR });
    expect(config.evidence.retentionDays).toBe(90);
  });

  it('gives every role a sample person the console can act as', () => {
    for (const role of ['ic', 'devopsLead', 'cto', 'productOwner', 'securityTeam', 'redTeamLead', 'onCall']) {
      const users = config.roles[role] ?? [];
      expect(users.length, role).toBeGreaterThan(0);
      for (const u of users) expect(config.people[u], u).toMatch(/\S/);
    }
  });

  it('the example file documents exactly the defaults', () => {
    const text = readFileSync(exampleFile, 'utf8');
    expect(valid(text)).toEqual(config);
  });

  it('the example file sets every key of every section', () => {
    const example = YAML.parse(readFileSync(exampleFile, 'utf8')) as unknown;
    expect(keyPaths(example)).toEqual(keyPaths(config));
  });

  it('the example file has a comment above every section and setting', () => {
    const lines = readFileSync(exampleFile, 'utf8').split('\n');
    let parent = '';
    const undocumented: string[] = [];
    lines.forEach((line, i) => {
      const m = /^( {0,2})([A-Za-z][A-Za-z0-9]*):/.exec(line);
      if (!m) return;
      if (m[1] === '') parent = m[2]!;
      // people and roles are data (ids, role names), documented as a whole above them
      else if (parent === 'people' || parent === 'roles') return;
      const above = lines.slice(0, i).reverse().find((l) => l.trim() !== '') ?? '';
      if (!/^\s*#/.test(above)) undocumented.push(`line ${i + 1}: ${line.trim()}`);
    });
    expect(undocumented).toEqual([]);
  });
});

describe('problems', () => {
  const broken = `
locale: en
canary:
  analysisIntervl: 10s
stages:
  - { weight: 1, hold: 15m }
  - { weight: 25, hold: 15m }
  - { weight: 5, hold: x }
  - { weight: 100, hold: 30m }
gonogo:
  approvers: [devopsLead, cto, ciso]
freeze:
  timezone: Europe/Istanbull
signals:
  - id: api_p95
    name: API p95
    query: 'histogram_quantile(0.95, rate(x{version="{{version}}",region="{{foo}}"}[1m]))'
    unit: ms
    comparison: '<='
    threshold: 200
triggers:
  - id: both
    group: standard
    description: both forms at once
    for: 5m
    query: 'up{version="{{version}}"}'
    comparison: '<'
    threshold: 1
    allOf:
      - { query: 'up', comparison: '<', threshold: 1 }
`;

  it('reports every mistake at once, each with its path', () => {
    const p = problems(broken);
    expect(p).toContain('stages.2.hold: expected a duration like 15m, 10s or 24h, got "x"');
    expect(p).toContain('canary.analysisIntervl: unknown key; did you mean "analysisInterval"?');
    expect(p).toContain("stages.2.weight: must be greater than the previous stage's 25 %, got 5");
    expect(p.find((l) => l.startsWith('gonogo.approvers.2: '))).toMatch(/unknown role "ciso"/);
    expect(p).toContain('signals.0.query: unknown placeholder {{foo}}; only {{version}} and {{track}} are allowed');
    expect(p).toContain('freeze.timezone: expected an IANA time zone like Europe/Istanbul, got "Europe/Istanbull"');
    expect(p.find((l) => l.startsWith('triggers.0.allOf: '))).toMatch(/either query\/comparison\/threshold or allOf, not both/);
    expect(p).toHaveLength(7);
    for (const line of p) expect(line).toMatch(/^[A-Za-z0-9_.]+: \S/);
  });

  it('validateConfig and loadConfig report the same problems', () => {
    const dir = tempDir('spark-config-');
    const file = path.join(dir, 'broken.yml');
    writeFileSync(file, broken);
    const r = loadConfig(file, {});
    expect(r).toEqual({ ok: false, problems: problems(broken), source: file });
  });

  it('reports a YAML syntax error with its line and column', () => {
    const p = problems('locale: tr\nstages:\n  - { weight: 1, hold: 15m\n  - { weight: 100, hold: 30m }\n');
    expect(p.length).toBeGreaterThan(0);
    expect(p[0]).toMatch(/^line \d+, column \d+: /);
    expect(p[0]).toMatch(/^line [34],/);
  });

  it('reports a duplicate key as a YAML error on its line', () => {
    const p = problems('locale: tr\ntimezone: UTC\nlocale: en\n');
    expect(p).toEqual([expect.stringMatching(/^line 3, column 1: .*unique/)]);
  });

  it('reports the root when the document is not a map', () => {
    expect(problems('- 1\n- 2\n')).toEqual(['(root): expected a map, got a list']);
  });

  it('rejects unknown root keys, with a suggestion', () => {
    expect(problems('stage:\n  - { weight: 100, hold: 15m }\n')).toEqual([
      'stage: unknown key; did you mean "stages"?',
    ]);
  });

  it('checks that stages end at 100 %', () => {
    expect(problems('stages:\n  - { weight: 10, hold: 15m }\n  - { weight: 50, hold: 15m }\n')).toEqual([
      'stages.1.weight: the last stage must be 100 %, got 50',
    ]);
    expect(problems('stages:\n  - { weight: 0, hold: 15m }\n  - { weight: 101, hold: 0m }\n')).toEqual([
      'stages.0.weight: must be greater than 0 %, got 0',
      'stages.1.weight: must be at most 100 %, got 101',
      'stages.1.hold: must be longer than 0, got "0m"',
    ]);
  });

  it('checks that first-night windows are contiguous from 0h', () => {
    const p = problems(`
firstNight:
  cadence:
    - { from: 1h, to: 2h, every: 15m }
    - { from: 3h, to: 6h, every: 30m }
    - { from: 5h, to: 4h, every: 1h }
`);
    expect(p).toEqual([
      'firstNight.cadence.0.from: the first window must start at 0h, got 1h',
      'firstNight.cadence.1.from: must start where the previous window ends (2h), got 3h: a gap',
      'firstNight.cadence.2.from: must start where the previous window ends (6h), got 5h: an overlap',
      'firstNight.cadence.2.to: must be after from (5h), got 4h',
    ]);
  });

  it('checks reminderAt < timebox', () => {
    expect(problems('gonogo: { timebox: 10m, reminderAt: 10m }\n')).toEqual([
      'gonogo.reminderAt: must be before the timebox (10m), got 10m',
    ]);
  });

  it('checks duplicate ids', () => {
    const config = defaultConfig();
    const signals = [...config.signals, config.signals[0]].map((s) => ({
      ...s!,
      threshold: s!.threshold,
    }));
    const r = validateConfig({ signals });
    expect(r.ok ? [] : r.problems).toEqual(['signals.8.id: duplicate signal id "api_p95" (also at signals.0)']);
  });

  it('checks that roles in escalation exist and that a needed role has users', () => {
    const p = problems(`
roles:
  ic: [U0SPARKIC]
  devopsLead: []
  cto: [U0CTO]
  productOwner: [U0PRODUCT]
  securityTeam: [U0SECURITY]
  redTeamLead: [U0REDTEAM]
escalation:
  levels:
    - { level: L1, after: 0m, roles: [oncall] }
`);
    expect(p).toEqual([
      'roles.devopsLead: has no users, but gonogo.approvers needs it',
      'escalation.levels.0.roles.0: unknown role "oncall" (roles defines: ic, devopsLead, cto, productOwner, securityTeam, redTeamLead)',
    ]);
  });

  it('checks a trigger has exactly one form', () => {
    const p = problems(`
triggers:
  - { id: none, group: standard, description: neither form, for: 1m }
  - { id: half, group: standard, description: no threshold, for: 1m, query: up, comparison: '<' }
  - { id: odd, group: other, description: bad group, for: 1m, allOf: [{ query: up, comparison: '<', threshold: 1 }] }
`);
    expect(p).toEqual([
      'triggers.0: needs either query, comparison and threshold, or allOf',
      'triggers.1.threshold: required (a trigger without allOf needs query, comparison and threshold)',
      'triggers.2.group: expected one of "standard", "enhanced", "autoGuard", "enrichment"; got "other"',
    ]);
  });

  it('checks every go/no-go item is filled by the bot or ticked by a role that exists', () => {
    const p = problems(`
gonogo:
  items:
    - { id: nobody, title: Nobody fills this }
    - { id: ghost, title: Ticked by no one, tickedBy: releaseManager }
    - { id: typo, title: Unknown check, auto: { preflight: [header] } }
    - { id: both, title: Both, auto: ci, tickedBy: cto }
    - { id: fine, title: Fine, auto: ci }
`);
    expect(p).toEqual([
      'gonogo.items.2.auto: expected evidence, ci, coverage, rollback, or { preflight: [checks] } with checks from identity, time-drift, pgbouncer, prisma, headers, sequences, flags, prometheus-targets, baseline, bloat; got a map',
      'gonogo.items.0: needs exactly one of auto (how the bot fills it) or tickedBy (the role that ticks it)',
      expect.stringMatching(/^gonogo\.items\.1\.tickedBy: unknown role "releaseManager"/),
      'gonogo.items.3: needs exactly one of auto (how the bot fills it) or tickedBy (the role that ticks it)',
    ]);
  });

  it('explains a bad threshold by the form it was meant to have', () => {
    const p = problems(`
signals:
  - { id: a, name: A, query: up, unit: ms, comparison: '<=', threshold: { baselinePlus: 10 } }
  - { id: b, name: B, query: up, unit: ms, comparison: '<=', threshold: lots }
`);
    expect(p).toEqual([
      'signals.0.threshold.baselinePlusPercent: required',
      'signals.0.threshold.baselinePlus: unknown key; did you mean "baselinePlusPercent"?',
      'signals.1.threshold: expected a number or { baselinePlusPercent: <number> }, got "lots"',
    ]);
  });

  it('validates times of day, dates and zones', () => {
    const p = problems(`
freeze:
  bistHours: { start: "9.30", end: "18:00" }
  dstMorningWindow: { start: "10:00", end: "06:00" }
  holidays: ["2026-02-30"]
  dstReferenceZones: [Europe/London, America/NewYork]
`);
    expect(p).toEqual([
      'freeze.bistHours.start: expected a time like 09:30 (HH:MM, 24-hour clock), got "9.30"',
      'freeze.holidays.0: expected a date like 2026-04-23 (YYYY-MM-DD), got "2026-02-30"',
      'freeze.dstReferenceZones.1: expected an IANA time zone like Europe/Istanbul, got "America/NewYork"',
      'freeze.dstMorningWindow.end: must be after start (10:00), got 06:00',
    ]);
  });

  it('refuses a bare number as a duration', () => {
    expect(problems('canary: { analysisInterval: 10 }\n')).toEqual([
      'canary.analysisInterval: expected a duration like 15m, 10s or 24h, got 10',
    ]);
  });

  it('overrides only what a file sets', () => {
    const config = valid('locale: en\nstages:\n  - { weight: 10, hold: 5m }\n  - { weight: 100, hold: 1h }\n');
    expect(config.locale).toBe('en');
    expect(config.stages).toEqual([
      { weight: 10, hold: 5 * MIN },
      { weight: 100, hold: HOUR },
    ]);
    expect(config.triggers).toHaveLength(20);
  });
});

describe('loadConfig resolution', () => {
  const dir = tempDir('spark-config-');
  const empty = path.join(dir, 'empty');
  mkdirSync(empty);
  const withFile = path.join(dir, 'with-file');
  mkdirSync(withFile);
  writeFileSync(path.join(withFile, 'spark.config.yml'), 'locale: en\n');
  const envFile = path.join(dir, 'env.yml');
  writeFileSync(envFile, 'timezone: UTC\n');

  it('falls back to the built-in defaults', () => {
    expect(loadConfig(undefined, {}, empty)).toEqual({ ok: true, config: defaultConfig(), source: BUILT_IN_SOURCE });
  });

  it('uses spark.config.yml in the working directory', () => {
    const r = loadConfig(undefined, {}, withFile);
    expect(r.source).toBe('spark.config.yml');
    expect(r.ok && r.config.locale).toBe('en');
  });

  it('prefers SPARK_CONFIG over the working directory, and the argument over both', () => {
    const fromEnv = loadConfig(undefined, { SPARK_CONFIG: envFile }, withFile);
    expect(fromEnv.source).toBe(envFile);
    expect(fromEnv.ok && fromEnv.config.timezone).toBe('UTC');
    const fromArg = loadConfig(exampleFile, { SPARK_CONFIG: envFile }, withFile);
    expect(fromArg).toEqual({ ok: true, config: defaultConfig(), source: exampleFile });
  });

  it('reports a missing file as one problem, never falling back', () => {
    const missing = path.join(dir, 'nope.yml');
    expect(loadConfig(missing, {}, withFile)).toEqual({ ok: false, problems: [`${missing}: no such file`], source: missing });
    const viaEnv = loadConfig(undefined, { SPARK_CONFIG: missing }, withFile);
    expect(viaEnv).toEqual({ ok: false, problems: [`${missing}: no such file (named by SPARK_CONFIG)`], source: missing });
  });
});

describe('deploy', () => {
  const commandsFrom = (lines: Record<string, string>) =>
    Object.entries(lines)
      .map(([key, line]) => `    ${key}: ${JSON.stringify(line)}`)
      .join('\n');
  const rollback = '\n    rollback: { stop: s, checkout: c, rebuild: r, dbCompat: d, restart: "r {target}", verifyHealth: v }';
  const COMMANDS = { setWeight: 'deploy/spark set-weight {version} {weight}', weights: 'deploy/spark weights', commitOf: 'deploy/spark commit-of {version}', health: 'deploy/spark health' };

  it('has no deploy target by default', () => {
    expect(defaultConfig().deploy).toEqual({ adapter: 'none', timeout: MIN, webhook: { retries: 3 } });
  });

  it("the example's command block is valid once uncommented", () => {
    const lines = readFileSync(exampleFile, 'utf8').split('\n');
    const start = lines.indexOf('  # command:');
    const end = lines.findIndex((l, i) => i > start && !l.startsWith('  #   '));
    const block = lines.slice(start, end).map((l) => l.replace(/^ {2}# /, '  '));
    const config = valid(`deploy:\n  adapter: command\n${block.join('\n')}\n`);
    expect(config.deploy.command?.setWeight).toEqual(['deploy/spark', 'set-weight', '{version}', '{weight}']);
    expect(config.deploy.command?.rollback.dbCompat).toEqual(['deploy/spark', 'rollback', 'db-compat', '{version}', '{target}']);
  });

  it('splits a command line into words; quotes keep spaces inside a word', () => {
    const config = valid(`deploy:\n  adapter: command\n  command:\n${commandsFrom({ ...COMMANDS, setWeight: `'/opt/spark deploy/set weight' --note "canary of {version}" --to={weight}% ';'` })}${rollback}\n`);
    expect(config.deploy.command?.setWeight).toEqual(['/opt/spark deploy/set weight', '--note', 'canary of {version}', '--to={weight}%', ';']);
  });

  it('checks each command line: placeholders it may use, closed quotes, no shell syntax', () => {
    const p = problems(
      `deploy:\n  adapter: command\n  command:\n${commandsFrom({
        setWeight: 'deploy/spark set-weight {version} {weight} {target}',
        weights: 'deploy/spark weights | jq .',
        commitOf: "deploy/spark commit-of '{version}",
        health: 'deploy/spark health {verison}',
      })}${rollback}\n`,
    );
    expect(p).toEqual([
      'deploy.command.setWeight: unknown placeholder {target}; this command may use {version} and {weight}',
      'deploy.command.weights: runs without a shell, so "|" would be passed as an argument: put the pipeline in a script',
      'deploy.command.commitOf: has a quote that is not closed',
      'deploy.command.health: unknown placeholder {verison}; this command takes none',
    ]);
  });

  it('a command adapter needs its commands, a webhook adapter its url and secret', () => {
    expect(problems('deploy: { adapter: command }\n')).toEqual([
      'deploy.command: required when deploy.adapter is command: setWeight, weights, commitOf, rollback and health',
    ]);
    expect(problems(`deploy:\n  adapter: command\n  command:\n${commandsFrom({ setWeight: COMMANDS.setWeight })}\n`)).toEqual([
      'deploy.command.weights: required',
      'deploy.command.commitOf: required',
      'deploy.command.rollback: required',
      'deploy.command.health: required',
    ]);
    expect(problems('deploy: { adapter: webhook }\n')).toEqual([
      'deploy.webhook.url: required when deploy.adapter is webhook',
      'deploy.webhook.secret: required when deploy.adapter is webhook',
    ]);
    expect(problems('deploy: { adapter: kubectl }\n')).toEqual(['deploy.adapter: expected one of "none", "command", "webhook"; got "kubectl"']);
  });

  it('refuses a secret written in the file, without repeating it', () => {
    const p = problems('deploy: { adapter: webhook, webhook: { url: https://deploy.example.com/hook, secret: whsec_live_0123456789 } }\n');
    expect(p).toEqual([
      'deploy.webhook.secret: must name the environment variable that holds the secret, like $SPARK_DEPLOY_WEBHOOK_SECRET: a secret is never written in the file',
    ]);
    expect(p.join('\n')).not.toContain('whsec_live_0123456789');
    expect(valid('deploy: { adapter: webhook, webhook: { url: $HOOK_URL, secret: $HOOK_SECRET, retries: 0 } }\n').deploy.webhook).toEqual({
      url: '$HOOK_URL',
      secret: '$HOOK_SECRET',
      retries: 0,
    });
  });
});

describe('queries', () => {
  it('fills the placeholders, escaping quotes', () => {
    expect(fillQuery('up{version="{{version}}",track="{{track}}"}', { version: 'v1.4.0', track: 'canary' })).toBe(
      'up{version="v1.4.0",track="canary"}',
    );
    expect(fillQuery('x{v="{{version}}"}', { version: 'a"b' })).toBe('x{v="a\\"b"}');
    expect(fillQuery('x{t="{{track}}"}', { version: 'v1' })).toBe('x{t="{{track}}"}');
  });

  it('the raw schema parses {} too', () => {
    expect(configSchema.safeParse({}).success).toBe(true);
  });
});
