// npm run bench: measures and writes bench/results/*.json. Figures, never pass/fail.
// BENCH_ONLY=analysis-tick,breach-rollback runs only the benches named (by their results file).
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { benchAck } from './ack.ts';
import { benchAnalysisTick } from './analysis-tick.ts';
import { benchBreachToRollback } from './breach-rollback.ts';
import { benchEngine } from './engine.ts';
import { benchPreflight } from './preflight.ts';
import { benchVoteClicks } from './vote-clicks.ts';
import { benchStartup } from './startup.ts';
import { benchRehearse } from './rehearse.ts';
import { benchCanaryRss } from './canary-rss.ts';

mkdirSync('bench/results', { recursive: true });
const only = process.env.BENCH_ONLY?.split(',').map((x) => x.trim());
const want = (name: string) => !only || only.includes(name);
const write = (name: string, data: unknown) => writeFileSync(`bench/results/${name}.json`, `${JSON.stringify({ at: new Date().toISOString(), node: process.version, loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100), data }, null, 2)}\n`);

if (want('startup')) {
  const startup = await benchStartup();
  write('startup', startup);
  console.table(startup);
}

if (want('engine')) {
  const engine = await benchEngine();
  write('engine', engine);
  console.table(engine);
}

if (want('preflight')) {
  const preflight = await benchPreflight();
  write('preflight', preflight);
  console.table(preflight);
}

// The canary against a real Prometheus (8 signals, 20 triggers), then breach → rollback on the wall clock.
if (want('analysis-tick')) {
  const tick = await benchAnalysisTick();
  write('analysis-tick', tick);
  console.log('one canary analysis tick', tick);
}
if (want('breach-rollback')) {
  const breach = await benchBreachToRollback();
  write('breach-rollback', breach);
  const { results, ...summary } = breach;
  console.log('trigger window satisfied → first rollback call at the deploy webhook', summary);
  console.table(results);
}

if (want('vote-clicks')) {
  // The bot's database follows TEST_DATABASE_URL (test/support/bot-process.ts): embedded first, then PostgreSQL.
  const pglite = await benchVoteClicks();
  process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
  const postgres = await benchVoteClicks();
  delete process.env.TEST_DATABASE_URL;
  write('vote-clicks', { pglite, postgres });
  console.log('100 concurrent clicks on one GO button', { pglite, postgres });
}

if (want('ack')) {
  const ack = await benchAck(Number(process.env.BENCH_SECONDS ?? 10));
  write('ack', ack);
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
  );
}

if (want('rehearse')) {
  const rehearsal = await benchRehearse();
  write('rehearse', rehearsal);
  console.log('rehearse v1.4.0', { wallMs: rehearsal.wallMs, peakRssMb: rehearsal.peakRssMb });
  console.table(rehearsal.floors);
}

if (want('canary-rss')) {
  const rss = await benchCanaryRss();
  write('canary-rss', rss);
  console.log('bot RSS through a canary', JSON.stringify(rss, null, 2));
}
