// npm run bench: measures and writes bench/results/*.json. Figures, never pass/fail.
// BENCH_ONLY=analysis-tick,breach-rollback runs only the benches named (by their results file).
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { benchAck } from './ack.ts';
import { benchAnalysisTick } from './analysis-tick.ts';
import { benchBreachToRollback } from './breach-rollback.ts';
import { benchCanaryRss } from './canary-rss.ts';
import { benchEngine } from './engine.ts';
import { benchPreflight } from './preflight.ts';
import { benchRehearse } from './rehearse.ts';
import { benchStartup } from './startup.ts';
import { benchVoteClicks } from './vote-clicks.ts';

mkdirSync('bench/results', { recursive: true });
const only = process.env.BENCH_ONLY?.split(',').map((x) => x.trim());
const want = (name: string) => !only || only.includes(name);
// The load average says how much else the machine was doing while the figures were taken.
const write = (name: string, data: unknown) =>
  writeFileSync(`bench/results/${name}.json`, `${JSON.stringify({ at: new Date().toISOString(), node: process.version, loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100), data }, null, 2)}\n`);

/** Runs one bench and writes its figures; one that fails writes why, and the others still run. */
async function bench<T>(name: string, measure: () => Promise<T>, show: (data: T) => void) {
  if (!want(name)) return;
  try {
    const data = await measure();
    write(name, data);
    show(data);
  } catch (err) {
    write(name, { failed: (err as Error).message });
    console.error(`${name} failed: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}

await bench('startup', benchStartup, console.table);
await bench('engine', benchEngine, console.table);
await bench('preflight', benchPreflight, console.table);

// The canary against a real Prometheus (8 signals, 20 triggers), then breach → rollback on the wall clock.
await bench('analysis-tick', benchAnalysisTick, (tick) => console.log('one canary analysis tick', tick));
await bench('breach-rollback', benchBreachToRollback, ({ results, ...summary }) => {
  console.log('trigger window satisfied → first rollback call at the deploy webhook', summary);
  console.table(results);
});

await bench(
  'vote-clicks',
  async () => {
    // The bot's database follows TEST_DATABASE_URL (test/support/bot-process.ts): embedded first, then PostgreSQL.
    const pglite = await benchVoteClicks();
    process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
    const postgres = await benchVoteClicks().finally(() => delete process.env.TEST_DATABASE_URL);
    return { pglite, postgres };
  },
  (clicks) => console.log('100 concurrent clicks on one GO button', clicks),
);

await bench('ack', () => benchAck(Number(process.env.BENCH_SECONDS ?? 10)), (ack) =>
  console.table(
    ack.rows.map((r) =>
      'skipped' in r
        ? { database: r.database, kind: r.kind, connections: r.connections, skipped: r.skipped }
        : {
            database: r.database, kind: r.kind, connections: r.connections,
            'bare req/s': r.bareBolt.requestsPerSecond, 'bare p50': r.bareBolt.p50Ms, 'bare p99': r.bareBolt.p99Ms,
            'spark req/s': r.spark.requestsPerSecond, 'spark p50': r.spark.p50Ms, 'spark p99': r.spark.p99Ms,
            'req/s ratio': r.ratioToBareBolt.requestsPerSecond, 'p99 ratio': r.ratioToBareBolt.p99, 'outbox left': r.spark.outboxPendingAfter,
          },
    ),
  ),
);

await bench('rehearse', () => benchRehearse(), (r) => {
  console.log('rehearse v1.4.0', { wallMs: r.wallMs, peakRssMb: r.peakRssMb });
  console.table(r.floors);
});

await bench('canary-rss', () => benchCanaryRss(), (rss) => console.log('bot RSS through a canary', JSON.stringify(rss, null, 2)));
