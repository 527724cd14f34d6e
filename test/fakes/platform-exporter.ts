/**
 * A loopback stand-in for the platform's metrics endpoint: a prom-client registry served on 127.0.0.1 for a
 * real Prometheus to scrape. Tests set the values; more metrics go on `registry`.
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
  close(): Promise<void>;
}

export async function startPlatformExporter(): Promise<PlatformExporter> {
  const registry = new Registry();
  const value = new Gauge({ name: 'spark_test_value', help: 'A value the test sets, one series per track.', labelNames: ['track'], registers: [registry] });

  const server = createServer(async (req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`,
    registry,
    setValue: (track, v) => value.set({ track }, v),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections(); // Prometheus keeps its scrape connection alive
      }),
  };
}
