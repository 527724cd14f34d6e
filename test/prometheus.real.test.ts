import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { prometheusMetrics, prometheusTargets } from '../src/adapters/prometheus.ts';
import { NoDataError, SourceError } from '../src/ports/errors.ts';
import type { MetricsSource } from '../src/ports/metrics.ts';
import { startPlatformExporter, type PlatformExporter } from './fakes/platform-exporter.ts';
import { freePort } from './support/bot-process.ts';
import { startPrometheus, type TestPrometheus } from './support/prometheus.ts';

const CANARY = 'spark_test_value{track="canary"}';

describe('the Prometheus adapters against a real Prometheus', () => {
  let exporter: PlatformExporter;
  let prometheus: TestPrometheus;
  let closedPort: number;
  let metrics: MetricsSource;

  beforeAll(async () => {
    exporter = await startPlatformExporter();
    exporter.setValue('canary', 0.25);
    exporter.setValue('stable', 0.5);
    closedPort = await freePort();
    prometheus = await startPrometheus({
      targets: [
        { job: 'platform', url: exporter.url },
        { job: 'gone', url: `http://127.0.0.1:${closedPort}/metrics` },
      ],
    });
    await prometheus.waitForUp('platform');
    // a trailing slash on the base URL is fine
    metrics = prometheusMetrics(`${prometheus.url}/`, { timeoutMs: 2000 });
  }, 45_000);

  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.close();
  });

  it('lists the exporter up and a job on a closed port down, with its last error', async () => {
    const source = prometheusTargets(prometheus.url);
    // the two jobs' first scrapes land at different moments: wait for the dead one's
    const targets = await vi.waitFor(
      async () => {
        const all = await source.targets();
        expect(all.find((t) => t.job === 'gone')?.health).toBe('down');
        return all;
      },
      { timeout: 10_000, interval: 200 },
    );
    expect(targets).toHaveLength(2);
    expect(targets).toContainEqual({ job: 'platform', instance: new URL(exporter.url).host, health: 'up', lastError: '' });
    expect(targets).toContainEqual({
      job: 'gone',
      instance: `127.0.0.1:${closedPort}`,
      health: 'down',
      lastError: expect.stringContaining('connection refused'),
    });
  });

  it('answers the value the exporter serves now', async () => {
    expect(await metrics.query(CANARY, new Date())).toBe(0.25);
    exporter.setValue('canary', 1.75);
    // Prometheus has it after its next scrape
    await vi.waitFor(async () => expect(await metrics.query(CANARY, new Date())).toBe(1.75), { timeout: 10_000, interval: 200 });
    expect(await metrics.query(`scalar(${CANARY}) * 2`, new Date())).toBe(3.5);
  });

  it('holds on a query that matches nothing, on NaN, and before the first sample', async () => {
    await expect(metrics.query('spark_test_value{track="nowhere"}', new Date())).rejects.toThrow(NoDataError);
    await expect(metrics.query('scalar(spark_test_value{track="nowhere"})', new Date())).rejects.toThrow('the query answered NaN');
    const anHourAgo = new Date(Date.now() - 3_600_000);
    await expect(metrics.query(CANARY, anHourAgo)).rejects.toThrow(NoDataError);
  });

  it('refuses a query answered by several series, saying how many', async () => {
    const failure = metrics.query('spark_test_value', new Date());
    await expect(failure).rejects.toThrow(SourceError);
    await expect(failure).rejects.toThrow(/answered 2 series, not exactly one/);
  });

  it("reports a bad query with Prometheus's own parse error", async () => {
    const failure = metrics.query('spark_test_value{', new Date());
    await expect(failure).rejects.toThrow(SourceError);
    await expect(failure).rejects.toThrow(/\(bad_data\): invalid parameter "query": .*parse error/);
  });

  it('is online; a closed port is not, and a query there is a SourceError', async () => {
    expect(await metrics.isOnline()).toBe(true);
    const nowhere = prometheusMetrics(`http://127.0.0.1:${closedPort}`, { timeoutMs: 2000 });
    expect(await nowhere.isOnline()).toBe(false);
    await expect(nowhere.query(CANARY, new Date())).rejects.toThrow(`Prometheus at http://127.0.0.1:${closedPort} is unreachable: connect ECONNREFUSED`);
  });

  it('gives up on a stopped (SIGSTOP) Prometheus after the timeout instead of hanging', async () => {
    const quick = prometheusMetrics(prometheus.url, { timeoutMs: 300 });
    process.kill(prometheus.pid, 'SIGSTOP');
    try {
      const started = performance.now();
      await expect(quick.query(CANARY, new Date())).rejects.toThrow(`Prometheus at ${prometheus.url} did not answer within 300 ms`);
      expect(await quick.isOnline()).toBe(false);
      expect(performance.now() - started).toBeLessThan(1500);
    } finally {
      process.kill(prometheus.pid, 'SIGCONT');
    }
  });
});
