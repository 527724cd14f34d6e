/** Reads one JSON document from a file path or an http(s) URL: CI status and coverage reports, SBOMs. */
import { readFile } from 'node:fs/promises';
import { SourceError } from '../ports/errors.ts';
import { fetchJson } from './http.ts';

export async function readJsonDocument(target: string, what: string, timeoutMs: number): Promise<unknown> {
  if (/^https?:\/\//i.test(target)) return (await fetchJson(target, what.replace(/^the /, ''), { timeoutMs })).json;
  let text: string;
  try {
    text = await readFile(target, 'utf8');
  } catch (err) {
    throw new SourceError(`${what} file ${target} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new SourceError(`${what} ${target} is not JSON`);
  }
}
