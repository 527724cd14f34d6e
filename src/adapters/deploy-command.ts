/**
 * The deploy target as the team's own commands: one command per call, run without a shell. Each command is a list
 * of argument words; a `{placeholder}` is replaced inside its word, so a value holding spaces or `;` stays one
 * argument and can never start a second command. A command still running at the timeout is killed with its whole
 * process group. Its output, scrubbed of secrets and cut to size, is the detail the thread and the evidence show.
 *
 * What each command does (exit 0 is success; every one must be safe to repeat):
 *   setWeight {version} {weight}         routes {weight} % of traffic to {version}: sets it, never adds to it
 *   weights                              prints a JSON object of version → % of traffic: {"v1.3.2": 75, "v1.4.0": 25}
 *   commitOf {version}                   prints the git commit {version} was built from, or nothing when unknown
 *   rollback[step] {version} {target}    one step of rolling {version} back to {target}; the last line is the detail
 *   health                               exit 0: healthy, any other exit: unhealthy; the last line is the detail
 */
import { spawn } from 'node:child_process';
import { z } from 'zod';
import { scrubSecrets } from '../log.ts';
import type { DeployTarget, RollbackStepName } from '../ports/deploy.ts';
import { SourceError } from '../ports/errors.ts';

/** A command as argument words, the first naming the program; `{version}`, `{weight}` and `{target}` are filled per call. */
export type CommandWords = readonly string[];

export interface DeployCommands {
  setWeight: CommandWords;
  weights: CommandWords;
  commitOf: CommandWords;
  rollback: Record<RollbackStepName, CommandWords>;
  health: CommandWords;
}

export interface DeployCommandOptions {
  /** how long one command may run before its process group is killed */
  timeoutMs: number;
  /** the commands' environment; default: the bot's */
  env?: NodeJS.ProcessEnv;
}

type Values = Partial<Record<'version' | 'weight' | 'target', string>>;

interface Ran {
  /** undefined when the command did not run to its own end: it could not start, timed out or was killed */
  code: number | undefined;
  /** how it ended, as the end of a sentence: "exited with code 2" */
  ended: string;
  stdout: string;
  /** stdout and stderr as they came */
  output: string;
}

/** Characters of a stream kept in memory; the end is kept, it says why a command failed. */
const OUTPUT_CAP = 64 * 1024;
/** Characters of output in one detail line. */
const DETAIL_CAP = 600;
const DETAIL_LINES = 5;
/** A git commit as the target reports it: abbreviated or full, SHA-1 or SHA-256. */
export const GIT_COMMIT = /^[0-9a-f]{7,64}$/i;
const weightMap = z.record(z.string().min(1), z.number().min(0).max(100));

export function commandDeployTarget(commands: DeployCommands, opts: DeployCommandOptions): DeployTarget {
  const run = (words: CommandWords, values: Values = {}) => runCommand(words.map((w) => fill(w, values)), opts);
  const stdoutOf = async (name: string, words: CommandWords, values?: Values) => {
    const ran = await run(words, values);
    if (ran.code !== 0) throw new SourceError(`the deploy command ${name} ${ran.ended}${outputSuffix(ran.output)}`);
    return ran.stdout;
  };

  return {
    async setWeight(version, weightPercent) {
      await stdoutOf('setWeight', commands.setWeight, { version, weight: String(weightPercent) });
    },
    async weights() {
      const stdout = await stdoutOf('weights', commands.weights);
      const parsed = weightMap.safeParse(parseJson(stdout));
      if (!parsed.success) throw new SourceError(`the deploy command weights printed ${JSON.stringify(oneLine(stdout))}, not a JSON object of version → % of traffic`);
      return Object.fromEntries(Object.entries(parsed.data).filter(([, weight]) => weight > 0));
    },
    async commitOf(version) {
      const line = (await stdoutOf('commitOf', commands.commitOf, { version })).trim().split('\n')[0]?.trim();
      if (!line) return undefined;
      if (!GIT_COMMIT.test(line)) throw new SourceError(`the deploy command commitOf printed ${JSON.stringify(oneLine(line))}, not a git commit`);
      return line;
    },
    async rollbackStep(step, { from, to }) {
      const ran = await run(commands.rollback[step], { version: from, target: to });
      if (ran.code === 0) return { ok: true, detail: oneLine(ran.output, 1) || `${step} done, nothing printed` };
      return { ok: false, detail: `${step} ${ran.ended}${outputSuffix(ran.output)}` };
    },
    async health() {
      const ran = await run(commands.health);
      if (ran.code === undefined) throw new SourceError(`the deploy command health ${ran.ended}${outputSuffix(ran.output)}`);
      const said = oneLine(ran.output, 1);
      return { healthy: ran.code === 0, detail: said || `health ${ran.ended}` };
    },
  };
}

/**
 * Output as one line for the minutes: its last lines, secrets scrubbed, cut to a size a thread can show. Scrubbed
 * before it is cut, so a cut never leaves part of a secret the scrubber would no longer recognise.
 */
export function oneLine(text: string, lines = DETAIL_LINES): string {
  const kept = scrubSecrets(text)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-lines)
    .join(' | ');
  return kept.length > DETAIL_CAP ? `…${kept.slice(-DETAIL_CAP)}` : kept;
}

const outputSuffix = (output: string) => {
  const line = oneLine(output);
  return line ? `: ${line}` : '';
};

const fill = (word: string, values: Values) =>
  word.replace(/\{([A-Za-z]\w*)\}/g, (whole, name: string) => values[name as keyof Values] ?? whole);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function runCommand(argv: string[], opts: DeployCommandOptions): Promise<Ran> {
  const [program = '', ...args] = argv;
  return new Promise((resolve) => {
    // detached: the command leads a process group of its own, so a timeout kills what it started too
    const child = spawn(program, args, { env: opts.env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout = tail();
    const output = tail();
    let failed: string | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout.add(chunk);
      output.add(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => output.add(chunk));
    const timer = setTimeout(() => {
      failed = `timed out after ${(opts.timeoutMs / 1000).toFixed(1)} s; it was killed with its process group`;
      killGroup(child.pid);
    }, opts.timeoutMs);
    child.on('error', (err) => {
      failed ??= `could not start ${program}: ${(err as NodeJS.ErrnoException).code ?? err.message}`;
    });
    // 'close' follows 'error' too when the program could not start
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ended = failed ?? (code === null ? `was killed by ${signal}` : `exited with code ${code}`);
      resolve({ code: failed !== undefined || code === null ? undefined : code, ended, stdout: stdout.text(), output: output.text() });
    });
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is gone already
  }
}

/** The end of a stream, from a line start, so the cut never splits a secret the scrubber must see whole. */
function tail() {
  let text = '';
  return {
    add(chunk: string) {
      text += chunk;
      if (text.length > OUTPUT_CAP) {
        text = text.slice(-OUTPUT_CAP);
        text = text.slice(text.indexOf('\n') + 1);
      }
    },
    text: () => text,
  };
}
