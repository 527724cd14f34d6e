import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** The embedded database belongs to one process at a time: a second one would corrupt it. */
export class DataDirBusyError extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `<dir>/spark.lock` for this process (taking over one left by a process that died); returns its release. */
export function lockDataDir(dir: string): () => void {
  const file = join(dir, 'spark.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(file, 'utf8'));
      if (holder && holder !== process.pid && alive(holder)) {
        throw new DataDirBusyError(`another spark-ritual (pid ${holder}) is using the embedded database in ${dir}: stop it, or give this one its own SPARK_DATA_DIR`);
      }
      rmSync(file, { force: true });
    }
  }
  throw new DataDirBusyError(`could not lock ${file}`);
}
