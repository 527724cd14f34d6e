/** Reads one JSON document from a file path or an http(s) URL: CI status and coverage reports. */
import { readFile } from 'node:fs/promises';
import { SourceError } from '../ports/errors.ts';
import { fetchFailure, withoutCredentials } from './http.ts';

export async function readJsonDocument(target: string, what: string, timeoutMs: number): Promise<unknown> {
  let text: string;
  let where = `${what} ${target}`;
  if (/^https?:\/\//i.test(target)) {
    const { url, authorization } = withoutCredentials(target, what);
    where = `${what} at ${url.origin}${url.pathname}`;
    let res: Response;
    try {
      res = await fetch(url, { headers: { accept: 'application/json', ...(authorization ? { authorization } : {}) }, signal: AbortSignal.timeout(timeoutMs) });
      text = await res.text();
    } catch (err) {
      throw new SourceError(`${where} ${fetchFailure(err, timeoutMs)}`, { cause: err });
    }
    if (!res.ok) throw new SourceError(`${where} answered HTTP ${res.status}`);
  } else {
    try {
      text = await readFile(target, 'utf8');
    } catch (err) {
      throw new SourceError(`${what} file ${target} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
    }
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new SourceError(`${where} is not JSON`);
  }
}
