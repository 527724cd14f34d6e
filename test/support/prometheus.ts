/**
 * Debian's real Prometheus on loopback for tests: a generated config and a fresh TSDB in a temp dir, scraping
 * the given targets every second. Missing binary → an error, so a test needing it fails instead of skipping.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './bot-process.ts';

const PROMETHEUS = '/usr/bin/prometheus';
const SETPRIV = '/usr/bin/setpriv';
const POLL_MS = 100;
const LOG_TAIL_CHARS = 4000;

export interface PrometheusTarget {
  job: string;
  /** http://127.0.0.1:PORT/metrics */
  url: string;
}

export interface TestPrometheus {
  /** http://127.0.0.1:PORT */
  url: string;
  pid: number;
  /** Resolves once `up{job=…}` is 1: the first scrape comes 6–11 s after start (discovery batches its updates). */
  waitForUp(job: string, timeoutMs?: number): Promise<void>;
  /** Kills the process (SIGTERM, then SIGKILL) and removes its temp dir. */
  stop(): Promise<void>;
}

export async function startPrometheus(opts: { targets: PrometheusTarget[]; scrapeIntervalSeconds?: number }): Promise<TestPrometheus> {
  if (!existsSync(PROMETHEUS)) throw new Error('prometheus is not installed (apt-get install prometheus)');
  const interval = `${opts.scrapeIntervalSeconds ?? 1}s`;
  const dir = mkdtempSync(join(tmpdir(), 'spark-prometheus-'));
  writeFileSync(join(dir, 'prometheus.yml'), stringify(scrapeConfig(opts.targets, interval)));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;

  // setpriv (util-linux) execs Prometheus with a parent-death signal: a test worker killed before its afterAll
  // (vitest ends workers with SIGTERM, Ctrl-C) takes Prometheus with it.
  const proc = spawn(
    SETPRIV,
    ['--pdeathsig', 'SIGKILL', '--', PROMETHEUS, `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  proc.stderr.on('data', (chunk) => (log = (log + String(chunk)).slice(-LOG_TAIL_CHARS)));
  let gone: string | undefined;
  const exited = new Promise<void>((resolve) => {
    proc.once('exit', (code, signal) => ((gone = `exited (${code ?? signal})`), resolve()));
    proc.once('error', (err) => ((gone = `failed: ${err.message}`), resolve()));
  });

  const stop = async () => {
    if (gone === undefined) {
      proc.kill('SIGTERM');
      const killer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  /** Polls `check` until it holds; fails early if Prometheus exits. */
  const until = async (what: string, timeoutMs: number, check: () => Promise<boolean>) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (gone !== undefined) throw new Error(`prometheus ${gone} before ${what}\n${log}`);
      if (await check().catch(() => false)) return;
      if (Date.now() > deadline) throw new Error(`prometheus: no ${what} within ${timeoutMs} ms\n${log}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  };

  try {
    await until('/-/ready', 15_000, async () => {
      const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      return res.ok;
    });
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    url,
    pid: proc.pid!,
    stop,
    async waitForUp(job, timeoutMs = 25_000) {
      const query = new URLSearchParams({ query: `up{job=${JSON.stringify(job)}} == 1` });
      await until(`up{job="${job}"} == 1`, timeoutMs, async () => {
        const res = await fetch(`${url}/api/v1/query?${query}`, { signal: AbortSignal.timeout(1000) });
        const body = (await res.json()) as { data?: { result?: unknown[] } };
        return (body.data?.result?.length ?? 0) > 0;
      });
    },
  };
}

/** One scrape config per job; a job's targets share the scheme and path of its first. */
function scrapeConfig(targets: PrometheusTarget[], interval: string) {
  const jobs = new Map<string, URL[]>();
  for (const t of targets) jobs.set(t.job, [...(jobs.get(t.job) ?? []), new URL(t.url)]);
  return {
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
    scrape_configs: [...jobs].map(([job, urls]) => ({
      job_name: job,
      scheme: urls[0]!.protocol.replace(':', ''),
      metrics_path: urls[0]!.pathname,
      static_configs: [{ targets: urls.map((u) => u.host) }],
    })),
  };
}
