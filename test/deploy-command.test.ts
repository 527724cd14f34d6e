import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { commandDeployTarget, type CommandWords, type DeployCommands } from '../src/adapters/deploy-command.ts';
import { configuredDeployTarget } from '../src/app/deploy/target.ts';
import { parseConfigText } from '../src/config/load.ts';
import { ROLLBACK_STEPS } from '../src/ports/deploy.ts';
import { SourceError } from '../src/ports/errors.ts';
import { tempDir } from './support/temp.ts';

const node = process.execPath;
const dir = tempDir('spark-deploy-command-');

/**
 * A deploy target in one script, state in a JSON file: `state.json` holds the stable version and the canaries'
 * weights; every run appends its arguments to `calls.jsonl`.
 */
const PLATFORM = `
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
const [dir, action, ...args] = process.argv.slice(2);
const file = dir + '/state.json';
const state = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { stable: 'v1.3.2', canaries: {} };
const save = () => writeFileSync(file, JSON.stringify(state));
appendFileSync(dir + '/calls.jsonl', JSON.stringify([action, ...args]) + '\\n');
const commits = { 'v1.3.2': '9c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d', 'v1.4.0': '3f2c9e1a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4' };
switch (action) {
  case 'set-weight': {
    const [version, weight] = args;
    if (version === state.stable) { console.error(version + ' is the stable version'); process.exit(3); }
    state.canaries[version] = Number(weight);
    save();
    console.log('routed ' + weight + ' % to ' + version);
    break;
  }
  case 'weights': {
    const canary = Object.values(state.canaries).reduce((a, b) => a + b, 0);
    console.log(JSON.stringify({ [state.stable]: 100 - canary, ...state.canaries }));
    break;
  }
  case 'commit-of':
    if (commits[args[0]]) console.log(commits[args[0]]);
    break;
  case 'rollback': {
    const [step, from, to] = args;
    if (step === 'stop') delete state.canaries[from];
    if (step === 'restart') { state.stable = to; state.canaries = {}; }
    save();
    console.log('working on ' + step);
    console.log(step + ': ' + from + ' -> ' + to);
    break;
  }
  case 'health':
    console.log('3/3 instances ready on ' + state.stable);
    break;
}
`;
const platformScript = path.join(dir, 'platform.mjs');
writeFileSync(platformScript, PLATFORM);

/** `node <script> <dir> <action> <args…>` as argument words. */
const platform = (workDir: string, action: string, ...args: string[]): CommandWords => [node, platformScript, workDir, action, ...args];
/** `node -e <code> <args…>`: process.argv[1] is the first argument. */
const inline = (code: string, ...args: string[]): CommandWords => [node, '-e', code, ...args];

function platformCommands(workDir: string): DeployCommands {
  const step = (name: string) => platform(workDir, 'rollback', name, '{version}', '{target}');
  return {
    setWeight: platform(workDir, 'set-weight', '{version}', '{weight}'),
    weights: platform(workDir, 'weights'),
    commitOf: platform(workDir, 'commit-of', '{version}'),
    rollback: {
      stop: step('stop'),
      checkout: step('checkout'),
      rebuild: step('rebuild'),
      'db-compat': step('db-compat'),
      restart: step('restart'),
      'verify-health': step('verify-health'),
    },
    health: platform(workDir, 'health'),
  };
}

const callsIn = (workDir: string): string[][] =>
  readFileSync(path.join(workDir, 'calls.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as string[]);

function fresh(overrides: Partial<DeployCommands> = {}, timeoutMs = 10_000) {
  const workDir = tempDir('spark-deploy-platform-');
  return { workDir, deploy: commandDeployTarget({ ...platformCommands(workDir), ...overrides }, { timeoutMs }) };
}

/** Every rollback step running `words`. */
const allSteps = (words: CommandWords): DeployCommands['rollback'] =>
  Object.fromEntries(ROLLBACK_STEPS.map((s) => [s, words])) as DeployCommands['rollback'];

describe('commandDeployTarget', () => {
  it('fills placeholders inside each word; a value with spaces or ; stays one argument and starts nothing', async () => {
    const { workDir } = fresh();
    const argsFile = path.join(workDir, 'args.json');
    const record = inline(`require('node:fs').writeFileSync(process.argv[1], JSON.stringify(process.argv.slice(2)))`, argsFile);
    const deploy = commandDeployTarget({ ...platformCommands(workDir), setWeight: [...record, '--version={version}', '{weight}', 'x{version}y'] }, { timeoutMs: 10_000 });
    const pwned = path.join(workDir, 'pwned');
    const hostile = `v1.4.0; touch ${pwned} && echo $(touch ${pwned}) \`touch ${pwned}\` | tee ${pwned}`;

    await deploy.setWeight(hostile, 25);

    expect(JSON.parse(readFileSync(argsFile, 'utf8'))).toEqual([`--version=${hostile}`, '25', `x${hostile}y`]);
    expect(existsSync(pwned)).toBe(false);
  });

  it('sets a weight, and setting the same weight twice is harmless', async () => {
    const { workDir, deploy } = fresh();
    await deploy.setWeight('v1.4.0', 25);
    await deploy.setWeight('v1.4.0', 25);
    expect(await deploy.weights()).toEqual({ 'v1.3.2': 75, 'v1.4.0': 25 });
    expect(callsIn(workDir).filter(([action]) => action === 'set-weight')).toEqual([
      ['set-weight', 'v1.4.0', '25'],
      ['set-weight', 'v1.4.0', '25'],
    ]);
  });

  it("a refused weight is a SourceError carrying the command's words", async () => {
    const { deploy } = fresh();
    const err = await deploy.setWeight('v1.3.2', 5).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect((err as Error).message).toBe('the deploy command setWeight exited with code 3: v1.3.2 is the stable version');
  });

  it('reads weights as JSON, leaving out versions with no traffic', async () => {
    const { deploy } = fresh({ weights: inline('console.log(JSON.stringify({ "v1.3.2": 100, "v1.4.0": 0 }))') });
    expect(await deploy.weights()).toEqual({ 'v1.3.2': 100 });
    const garbled = fresh({ weights: inline('console.log("v1.3.2=100")') }).deploy;
    await expect(garbled.weights()).rejects.toThrow('the deploy command weights printed "v1.3.2=100", not a JSON object of version → % of traffic');
  });

  it('reads a commit, undefined for a version the target does not know, and refuses what is not a commit', async () => {
    const { deploy } = fresh();
    expect(await deploy.commitOf('v1.4.0')).toBe('3f2c9e1a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4');
    expect(await deploy.commitOf('v0.0.1')).toBeUndefined();
    const chatty = fresh({ commitOf: inline('console.log("fatal: not a git repository")') }).deploy;
    await expect(chatty.commitOf('v1.4.0')).rejects.toThrow('printed "fatal: not a git repository", not a git commit');
  });

  it('tells health from the exit code, with the last line printed as the detail', async () => {
    const { deploy } = fresh();
    expect(await deploy.health()).toEqual({ healthy: true, detail: '3/3 instances ready on v1.3.2' });
    const sick = fresh({ health: inline('console.log("checking"); console.error("2/3 instances ready"); process.exit(1)') }).deploy;
    expect(await sick.health()).toEqual({ healthy: false, detail: '2/3 instances ready' });
  });

  it('runs the six rollback steps in order, each with the rolled-back and the target version', async () => {
    const { workDir, deploy } = fresh();
    await deploy.setWeight('v1.4.0', 50);
    const results = [];
    for (const step of ROLLBACK_STEPS) results.push(await deploy.rollbackStep(step, { from: 'v1.4.0', to: 'v1.3.2' }));

    expect(results).toEqual(ROLLBACK_STEPS.map((step) => ({ ok: true, detail: `${step}: v1.4.0 -> v1.3.2` })));
    expect(callsIn(workDir).filter(([action]) => action === 'rollback').map((call) => call.slice(1))).toEqual(
      ROLLBACK_STEPS.map((step) => [step, 'v1.4.0', 'v1.3.2']),
    );
    expect(await deploy.weights()).toEqual({ 'v1.3.2': 100 });
  });

  it('a step that exits non-zero is ok: false with its exit code and output, not a throw', async () => {
    const failing = inline('console.log("> spark-api@1.3.2 build"); console.error("npm ERR! missing script: build"); process.exit(2)');
    const { deploy } = fresh({ rollback: { ...platformCommands(dir).rollback, rebuild: failing } });
    expect(await deploy.rollbackStep('rebuild', { from: 'v1.4.0', to: 'v1.3.2' })).toEqual({
      ok: false,
      detail: 'rebuild exited with code 2: > spark-api@1.3.2 build | npm ERR! missing script: build',
    });
  });

  it('kills a command that outlives the timeout, with everything it started', async () => {
    const { workDir } = fresh();
    const pidFile = path.join(workDir, 'grandchild.pid');
    const hang = inline(
      `const g = require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'inherit' });
       require('node:fs').writeFileSync(process.argv[1], String(g.pid));
       console.log('rebuilding spark-api:v1.3.2');
       setInterval(() => {}, 1000);`,
      pidFile,
    );
    const deploy = commandDeployTarget({ ...platformCommands(workDir), rollback: allSteps(hang), health: hang }, { timeoutMs: 1_500 });

    const result = await deploy.rollbackStep('rebuild', { from: 'v1.4.0', to: 'v1.3.2' });
    expect(result).toEqual({ ok: false, detail: 'rebuild timed out after 1.5 s; it was killed with its process group: rebuilding spark-api:v1.3.2' });
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    await vi.waitFor(() => expect(running(grandchild)).toBe(false));

    // health cannot tell: that is no answer, not "unhealthy"
    await expect(deploy.health()).rejects.toThrow(SourceError);
    await vi.waitFor(() => expect(running(Number(readFileSync(pidFile, 'utf8')))).toBe(false));
  });

  it('a program that does not exist fails the step and the calls that need an answer', async () => {
    const missing = [path.join(dir, 'no-such-deploy-script')];
    const deploy = commandDeployTarget({ setWeight: missing, weights: missing, commitOf: missing, rollback: allSteps(missing), health: missing }, { timeoutMs: 10_000 });
    expect(await deploy.rollbackStep('stop', { from: 'v1.4.0', to: 'v1.3.2' })).toEqual({ ok: false, detail: `stop could not start ${missing[0]}: ENOENT` });
    await expect(deploy.setWeight('v1.4.0', 1)).rejects.toThrow(SourceError);
    await expect(deploy.health()).rejects.toThrow('could not start');
  });

  it('scrubs secrets from the output before it reaches a detail or an error', async () => {
    const leaky = inline(
      `console.log('connecting to postgres://deploy:hunter2-db-pass@db.internal:5432/spark');
       console.error('curl -H "Authorization: Bearer tok_live_8f7e6d5c4b3a" failed');
       process.exit(1)`,
    );
    const { deploy } = fresh({ setWeight: leaky, rollback: allSteps(leaky) });
    const step = await deploy.rollbackStep('db-compat', { from: 'v1.4.0', to: 'v1.3.2' });
    const err = (await deploy.setWeight('v1.4.0', 1).catch((e: unknown) => e)) as Error;
    for (const text of [step.detail, err.message]) {
      expect(text).not.toContain('hunter2-db-pass');
      expect(text).not.toContain('tok_live_8f7e6d5c4b3a');
      expect(text).toContain('[redacted]');
      expect(text).toContain('db.internal');
    }
  });

  it('keeps the end of long output, cut to a size a thread can show', async () => {
    const noisy = inline('for (let i = 0; i < 20000; i++) console.log("line " + i); console.log("y".repeat(5000) + " the real reason"); process.exitCode = 1');
    const { deploy } = fresh({ rollback: allSteps(noisy) });
    const { ok, detail } = await deploy.rollbackStep('checkout', { from: 'v1.4.0', to: 'v1.3.2' });
    expect(ok).toBe(false);
    expect(detail).toMatch(/^checkout exited with code 1: …y+ the real reason$/);
    expect(detail.length).toBeLessThan(700);
  });
});

describe('configuredDeployTarget with adapter: command', () => {
  it('runs the command lines of the config, split into words, without the bot secrets in their environment', async () => {
    const workDir = tempDir('spark-deploy-config-');
    const envFile = path.join(workDir, 'env.json');
    const dump = `'${node}' -e "require('node:fs').writeFileSync(process.argv[1], JSON.stringify(process.env))" '${envFile}'`;
    const run = (action: string, args = '') => `'${node}' '${platformScript}' '${workDir}' ${action} ${args}`.trim();
    const parsed = parseConfigText(`
deploy:
  adapter: command
  timeout: 10s
  command:
    setWeight: ${JSON.stringify(run('set-weight', '{version} {weight}'))}
    weights: ${JSON.stringify(run('weights'))}
    commitOf: ${JSON.stringify(run('commit-of', '{version}'))}
    rollback:
      stop: ${JSON.stringify(run('rollback', 'stop {version} {target}'))}
      checkout: ${JSON.stringify(run('rollback', 'checkout {version} {target}'))}
      rebuild: ${JSON.stringify(run('rollback', 'rebuild {version} {target}'))}
      dbCompat: ${JSON.stringify(run('rollback', 'db-compat {version} {target}'))}
      restart: ${JSON.stringify(run('rollback', 'restart {version} {target}'))}
      verifyHealth: ${JSON.stringify(dump)}
    health: ${JSON.stringify(run('health'))}
`);
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    const source = configuredDeployTarget(parsed.config, { PATH: process.env.PATH, SLACK_BOT_TOKEN: 'xoxb-1-2-3', EVIDENCE_HMAC_KEY: 'k'.repeat(64), DEPLOY_REGION: 'eu-1' });
    if (!('port' in source)) throw new Error(source.missing);
    const deploy = source.port;

    await deploy.setWeight('v1.4.0', 5);
    expect(await deploy.weights()).toEqual({ 'v1.3.2': 95, 'v1.4.0': 5 });
    expect(await deploy.rollbackStep('db-compat', { from: 'v1.4.0', to: 'v1.3.2' })).toEqual({ ok: true, detail: 'db-compat: v1.4.0 -> v1.3.2' });
    expect(await deploy.rollbackStep('verify-health', { from: 'v1.4.0', to: 'v1.3.2' })).toMatchObject({ ok: true });
    const env = JSON.parse(readFileSync(envFile, 'utf8')) as Record<string, string>;
    expect(env).toMatchObject({ DEPLOY_REGION: 'eu-1' });
    expect(env).not.toHaveProperty('SLACK_BOT_TOKEN');
    expect(env).not.toHaveProperty('EVIDENCE_HMAC_KEY');
  });

  it('is missing, with the reason, when deploy.adapter is none', () => {
    const parsed = parseConfigText('');
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    expect(configuredDeployTarget(parsed.config, {})).toEqual({ missing: 'no deploy target configured (deploy.adapter is none): set it to command or webhook' });
  });
});

/** Alive and not a zombie waiting to be reaped. */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return !/^\d+ \(.*\) Z/.test(stat);
}
