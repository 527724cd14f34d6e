import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scratchDatabase } from './db.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface BotProcess {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  stop(): Promise<number | null>;
}

/**
 * Runs the real bot (`node --import tsx src/main.ts`, no npm or npx in between, so signals reach it) with a
 * clean environment: only what the test passes, plus a database of its own — a scratch database on the
 * real PostgreSQL when the suite runs against one, else a fresh PGlite data dir.
 */
export async function spawnBot(args: string[], env: Record<string, string>, stdin?: string): Promise<BotProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'spark-bot-'));
  const scratch = process.env.TEST_DATABASE_URL ? await scratchDatabase(process.env.TEST_DATABASE_URL) : undefined;
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      SPARK_DATA_DIR: dataDir,
      EVIDENCE_DIR: join(dataDir, 'evidence'),
      LOG_LEVEL: 'info',
      ...(scratch ? { DATABASE_URL: scratch.url } : {}),
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  const poke = () => waiters.forEach((w) => w());
  proc.stdout!.on('data', (d) => ((out += String(d)), poke()));
  proc.stderr!.on('data', (d) => ((err += String(d)), poke()));
  if (stdin !== undefined) proc.stdin!.end(stdin);
  const exited = new Promise<number | null>((resolve) =>
    proc.once('exit', async (code) => {
      poke();
      rmSync(dataDir, { recursive: true, force: true });
      await scratch?.drop();
      resolve(code);
    }),
  );

  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForOutput(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(out) || pattern.test(err)) return done(resolve);
          if (proc.exitCode !== null) return done(() => reject(new Error(`bot exited (${proc.exitCode}) before printing ${pattern}\n${err}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms\n${out}\n${err}`))), timeoutMs);
        const done = (f: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          f();
        };
        waiters.add(check);
        check();
      });
    },
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      return exited;
    },
  };
}
