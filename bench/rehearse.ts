// `rehearse v1.4.0` as a person runs it (node with tsx's loader, the embedded PGlite started in the process, the
// ritual and its 24 virtual hours): wall time and peak RSS. Beside it, the floors the same process stands on.
import { timed } from './proc.ts';

const env = { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn' };
const node = process.execPath;

// What the process costs before the ritual does anything: node, then node with tsx's loader (its hooks run in a
// thread of their own, with a compiler), then PGlite opened from the template and migrated, as rehearse opens it.
const FLOORS: [string, string[]][] = [
  ['node, empty script', [node, '-e', '']],
  ['node + tsx loader, empty script', [node, '--import', 'tsx', '--input-type=module', '-e', '']],
  [
    'node + tsx + PGlite opened from the template and migrated',
    [
      node, '--import', 'tsx', '--input-type=module', '-e',
      "const { openPglite } = await import('./src/store/pglite.ts'); const { PGLITE_TEMPLATE } = await import('./src/store/open.ts');" +
        " const { migrate } = await import('./src/store/migrate.ts'); const db = await openPglite(undefined, PGLITE_TEMPLATE); await migrate(db); await db.close();",
    ],
  ],
];

export async function benchRehearse(runs = 3) {
  const rows: { run: number; exit: number | null; wallMs: number; peakRssMb: number }[] = [];
  for (let i = 1; i <= runs; i++) {
    const r = await timed([node, '--import', 'tsx', 'src/main.ts', 'rehearse', 'v1.4.0'], env);
    rows.push({ run: i, exit: r.code, wallMs: r.wallMs, peakRssMb: r.peakRssMb });
  }
  const floors = [];
  for (const [what, args] of FLOORS) {
    const r = await timed(args, env);
    floors.push({ what, exit: r.code, wallMs: r.wallMs, peakRssMb: r.peakRssMb });
  }
  const wall = rows.map((r) => r.wallMs).sort((a, b) => a - b);
  const rss = rows.map((r) => r.peakRssMb).sort((a, b) => a - b);
  return {
    runs: rows,
    wallMs: { min: wall[0]!, median: wall[Math.floor((wall.length - 1) / 2)]!, max: wall.at(-1)! },
    peakRssMb: { min: rss[0]!, median: rss[Math.floor((rss.length - 1) / 2)]!, max: rss.at(-1)! },
    floors,
    targets: { wallMs: 10_000, peakRssMb: 150 },
  };
}
