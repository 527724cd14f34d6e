// npm run bench: measures and writes bench/results/*.json. Figures, never pass/fail.
import { mkdirSync, writeFileSync } from 'node:fs';
import { benchAck } from './ack.ts';
import { benchEngine } from './engine.ts';
import { benchPreflight } from './preflight.ts';
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

const ack = await benchAck(Number(process.env.BENCH_SECONDS ?? 10));
write('ack', ack);
for (const { target, figures } of ack) {
  console.log(target);
  console.table(figures);
}
