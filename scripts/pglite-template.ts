// Run after `npm ci`: dumps an empty PGlite data directory, so the first `npm start` skips initdb (seconds in WASM).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLITE_TEMPLATE } from '../src/store/open.ts';

try {
  const db = await PGlite.create();
  const tar = Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer());
  await db.close();
  mkdirSync(dirname(PGLITE_TEMPLATE), { recursive: true });
  writeFileSync(`${PGLITE_TEMPLATE}.tmp`, tar);
  renameSync(`${PGLITE_TEMPLATE}.tmp`, PGLITE_TEMPLATE);
} catch (err) {
  // Without the template the bot still starts, only its first start is slower.
  console.warn(`pglite template not prepared: ${(err as Error).message}`);
}
