// Wall time of /spark preflight against real services on loopback: PostgreSQL (the machine's), pgBouncer and
// Prometheus (Debian packages), and loopback web, flags and SNTP servers.
import { runPreflight } from '../src/app/preflight/run.ts';
import { startPreflightRig } from '../test/support/preflight-rig.ts';

const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function benchPreflight(runs = 5) {
  process.env.TEST_DATABASE_URL ??= SERVER;
  const rig = await startPreflightRig(SERVER, { ntpOffsetMs: 40, stableValue: 142 });
  try {
    const wall: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await runPreflight(rig.deps, { version: 'v1.4.0', actor: 'U0BENCH', channel: '#spark-deploys' });
      wall.push(performance.now() - t0);
    }
    const sorted = [...wall].sort((a, b) => a - b);
    const ms = (v: number) => Math.round(v);
    return { runs, firstMs: ms(wall[0]!), p50Ms: ms(sorted[Math.floor(runs / 2)]!), maxMs: ms(sorted.at(-1)!), budgetMs: rig.deps.config.preflight.budget };
  } finally {
    await rig.stop();
  }
}
