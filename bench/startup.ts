import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Milliseconds from spawning the console to its first answer (database open, migrated, router up). */
function firstAnswer(dataDir: string): Promise<number> {
  const started = performance.now();
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', SPARK_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  proc.stdin.write('/whoami\n');
  let answeredMs: number | undefined;
  return new Promise((resolve, reject) => {
    proc.stdout.on('data', (d) => {
      if (answeredMs === undefined && String(d).includes('You are')) {
        answeredMs = performance.now() - started;
        proc.stdin.end();
      }
    });
    // The next run opens the same data dir: only after this one has closed it.
    proc.once('exit', (code) => (answeredMs !== undefined && code === 0 ? resolve(answeredMs) : reject(new Error(`console exited ${code} before answering`))));
  });
}

export async function benchStartup(runs = 3) {
  const rows: { case: string; ms: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'spark-start-'));
    rows.push({ case: 'fresh .data (from template)', ms: Math.round(await firstAnswer(dir)) });
    rows.push({ case: 'existing .data', ms: Math.round(await firstAnswer(dir)) });
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
