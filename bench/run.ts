// npm run bench: measures and writes bench/results/*.json. Figures, never pass/fail.
import { mkdirSync, writeFileSync } from 'node:fs';
import { benchAck } from './ack.ts';
import { benchEngine } from './engine.ts';
import { benchPreflight } from './preflight.ts';
import { benchVoteClicks } from './vote-clicks.ts';
import { benchStartup } from './startup.ts';

mkdirSync('bench/results', { recursive: true });
const write = (name: string, data: unknown) => writeFileSync(`bench/results/${name}.json`, `${JSON.stringify({ at: new Date().toISOString(), node: process.version, data }, null, 2)}\n`);

const startup = await benchStartup();
write('startup', startup);
console.table(startup);

const engine = await benchEngine();
write('engine', engine);
console.table(engine);

const preflight = await benchPreflight();
write('preflight', preflight);
console.table(preflight);

// The bot's database follows TEST_DATABASE_URL (test/support/bot-process.ts): embedded first, then PostgreSQL.
const pglite = await benchVoteClicks();
process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
const postgres = await benchVoteClicks();
delete process.env.TEST_DATABASE_URL;
write('vote-clicks', { pglite, postgres });
console.log('100 concurrent clicks on one GO button', { pglite, postgres });

const ack = await benchAck(Number(process.env.BENCH_SECONDS ?? 10));
write('ack', ack);
for (const { target, figures } of ack) {
  console.log(target);
  console.table(figures);
}
