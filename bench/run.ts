// npm run bench: measures and writes bench/results/*.json. Figures, never pass/fail.
// BENCH_ONLY=analysis-tick,breach-rollback runs only the benches named (by their results file).
import { mkdirSync, writeFileSync } from 'node:fs';
import { benchAck } from './ack.ts';
import { benchAnalysisTick } from './analysis-tick.ts';
import { benchBreachToRollback } from './breach-rollback.ts';
import { benchEngine } from './engine.ts';
import { benchPreflight } from './preflight.ts';
import { benchVoteClicks } from './vote-clicks.ts';
import { benchStartup } from './startup.ts';

mkdirSync('bench/results', { recursive: true });
const only = process.env.BENCH_ONLY?.split(',').map((x) => x.trim());
const want = (name: string) => !only || only.includes(name);
const write = (name: string, data: unknown) => writeFileSync(`bench/results/${name}.json`, `${JSON.stringify({ at: new Date().toISOString(), node: process.version, data }, null, 2)}\n`);

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
  for (const { target, figures } of ack) {
    console.log(target);
    console.table(figures);
  }
}
