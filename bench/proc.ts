// Memory of a running process, read from Linux's /proc/<pid>/status.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** VmRSS (now) or VmHWM (peak so far) of `pid` in MB, or undefined once it is gone. */
export function memoryMb(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Math.round(Number(kb) / 102.4) / 10;
  } catch {
    return undefined;
  }
}

/** Samples VmRSS of `pid` every `everyMs` until stopped. */
export function sampleRss(pid: number, everyMs = 1_000) {
  const mb: number[] = [];
  const take = () => {
    const v = memoryMb(pid, 'VmRSS');
    if (v !== undefined) mb.push(v);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    mb,
    stop() {
      clearInterval(timer);
      return spread(mb);
    },
  };
}

export function spread(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  return { samples: s.length, minMb: s[0]!, medianMb: s[Math.floor((s.length - 1) / 2)]!, maxMb: s.at(-1)! };
}

export const TIME = '/usr/bin/time';

/**
 * Runs `args` under GNU time, which reports the child's wall time and peak RSS (getrusage ru_maxrss, the kernel's
 * VmHWM at exit) without missing a short peak between two polls.
 */
export async function timed(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; wallMs: number; peakRssMb: number; stdout: string }> {
  if (!existsSync(TIME)) throw new Error(`${TIME} is not installed (apt-get install time)`);
  const dir = mkdtempSync(join(tmpdir(), 'spark-bench-time-'));
  const report = join(dir, 'time');
  try {
    const started = performance.now();
    const proc = spawn(TIME, ['-f', '%e %M', '-o', report, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    proc.stdout.on('data', (d) => (stdout += String(d)));
    const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
    const wallMs = performance.now() - started;
    const [, kb] = readFileSync(report, 'utf8').trim().split('\n').at(-1)!.split(' ');
    return { code, wallMs: Math.round(wallMs), peakRssMb: Math.round(Number(kb) / 102.4) / 10, stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
