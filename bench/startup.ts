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
  return new Promise((resolve, reject) => {
    proc.stdout.on('data', (d) => {
      if (String(d).includes('You are')) {
        resolve(performance.now() - started);
        proc.stdin.end();
      }
    });
    proc.once('exit', (code) => reject(new Error(`console exited ${code} before answering`)));
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
