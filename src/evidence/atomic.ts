import { randomBytes } from 'node:crypto';
import { link, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** A complete, fsynced copy of data in dir under a hidden temporary name. */
async function writeTemp(dir: string, data: string, mode: number): Promise<string> {
  const temp = join(dir, `.${randomBytes(8).toString('hex')}.tmp`);
  const file = await open(temp, 'wx', mode);
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
  return temp;
}

/** Makes a rename or link in dir survive a power cut. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Creates a new file in dir under the first of `names` that is free and returns that name, or undefined when
 * every name is taken. An existing file is never overwritten, and a reader never sees a partial file: the
 * complete temp file gets its final name with link(2), which, unlike rename(2), fails when the name exists.
 */
export async function createFile(dir: string, names: Iterable<string>, data: string, mode = 0o644): Promise<string | undefined> {
  const temp = await writeTemp(dir, data, mode);
  let created: string | undefined;
  try {
    for (const name of names) {
      try {
        await link(temp, join(dir, name));
        created = name;
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
  } finally {
    await unlink(temp);
  }
  await syncDir(dir);
  return created;
}

/** Replaces dir/name with data in one step: readers see the old content or the new, never a mix. */
export async function replaceFile(dir: string, name: string, data: string): Promise<void> {
  const temp = await writeTemp(dir, data, 0o644);
  try {
    await rename(temp, join(dir, name));
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
  await syncDir(dir);
}
