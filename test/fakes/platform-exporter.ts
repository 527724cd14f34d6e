/**
 * A loopback stand-in for the platform's metrics endpoints: prom-client registries served on 127.0.0.1 for a
 * real Prometheus to scrape. Tests set the values; more metrics go on `registry` (served at /metrics), and other
 * scrape jobs get a registry of their own at another path (`registryAt('/pgbouncer')`, scraped at `urlOf(...)`).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Gauge, Registry } from 'prom-client';

export interface PlatformExporter {
  /** http://127.0.0.1:PORT/metrics */
  url: string;
  registry: Registry;
  /** `spark_test_value{track}`: one series per track set */
  setValue(track: string, value: number): void;
  /**
   * Sets one series of a gauge, created on first use with the label names given then (the same names, in any
   * order, every time after): `set('spark_golden_signal', { signal: 'api_p95', track: 'canary' }, 140)`.
   */
  set(metric: string, labels: Record<string, string>, value: number): void;
  /** The registry served at `path` (made on first use), for a scrape job of its own. */
  registryAt(path: string): Registry;
  /** http://127.0.0.1:PORT<path> */
  urlOf(path: string): string;
  close(): Promise<void>;
}

export async function startPlatformExporter(): Promise<PlatformExporter> {
  const registry = new Registry();
  const registries = new Map<string, Registry>([['/metrics', registry]]);
  const value = new Gauge({ name: 'spark_test_value', help: 'A value the test sets, one series per track.', labelNames: ['track'], registers: [registry] });
  const gauges = new Map<string, { gauge: Gauge; labelNames: string }>();

  const server = createServer(async (req, res) => {
    const served = registries.get(req.url ?? '');
    if (!served) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': served.contentType }).end(await served.metrics());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const registryAt = (path: string) => {
    let r = registries.get(path);
    if (!r) registries.set(path, (r = new Registry()));
    return r;
  };

  return {
    url: `${origin}/metrics`,
    registry,
    setValue: (track, v) => value.set({ track }, v),
    set(metric, labels, v) {
      const labelNames = Object.keys(labels).sort();
      let known = gauges.get(metric);
      if (!known) {
        known = { gauge: new Gauge({ name: metric, help: `${metric}, set by the test.`, labelNames, registers: [registry] }), labelNames: labelNames.join() };
        gauges.set(metric, known);
      }
      if (known.labelNames !== labelNames.join()) throw new Error(`${metric} has the labels ${known.labelNames}, not ${labelNames.join()}`);
      known.gauge.set(labels, v);
    },
    registryAt,
    urlOf: (path) => `${origin}${path}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections(); // Prometheus keeps its scrape connection alive
      }),
  };
}
