import { createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { createFile } from './atomic.ts';

const LOCAL_KEY_FILE = 'evidence-hmac.key';

// The secret lives here, out of the object's reach: nothing that walks, prints or serialises a key finds it.
const secrets = new WeakMap<EvidenceKey, KeyObject>();

/** The key that seals evidence and the audit chain: an opaque handle for sealText. */
export class EvidenceKey {
  constructor(bytes: Buffer) {
    if (bytes.length === 0) throw new Error('the evidence key is empty');
    secrets.set(this, createSecretKey(bytes));
  }

  toJSON(): string {
    return '[evidence key]';
  }

  toString(): string {
    return '[evidence key]';
  }

  [inspect.custom](): string {
    return '[evidence key]';
  }
}

/** HMAC-SHA-256 of text with the evidence key, in hex. */
export function sealText(key: EvidenceKey, text: string): string {
  return createHmac('sha256', secrets.get(key)!).update(text).digest('hex');
}

/**
 * EVIDENCE_HMAC_KEY as the operator wrote it: 32 or more hex digits (`openssl rand -hex 32`) are the key's bytes;
 * any other text is used as it is, in UTF-8.
 */
export function evidenceKeyFrom(text: string): EvidenceKey {
  const t = text.trim();
  if (!t) throw new Error('EVIDENCE_HMAC_KEY is empty');
  return new EvidenceKey(/^(?:[0-9a-f]{2}){16,}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'utf8'));
}

/** Console mode's key: `<dataDir>/evidence-hmac.key`, created once (32 random bytes in hex, mode 0600). */
export async function loadOrCreateLocalKey(dataDir: string): Promise<EvidenceKey> {
  const file = join(dataDir, LOCAL_KEY_FILE);
  try {
    return evidenceKeyFrom(await readFile(file, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await mkdir(dataDir, { recursive: true });
  // Two processes starting together: one creates the file, both read the same key.
  await createFile(dataDir, [LOCAL_KEY_FILE], `${randomBytes(32).toString('hex')}\n`, 0o600);
  return evidenceKeyFrom(await readFile(file, 'utf8'));
}
