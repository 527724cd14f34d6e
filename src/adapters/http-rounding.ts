/**
 * Item 12: the platform's rounding, over HTTP. The contract the platform implements:
 *
 *   POST <url>   content-type: application/json
 *   { "samples": [{ "value": "312.245", "scale": 2 }, …] }
 *   → 200 { "results": ["312.24", …] }
 *
 * one result per sample, in order, each the value rounded to its scale as the platform displays it. Values and results
 * are decimal text, never JSON numbers: a number would pass through a binary float on the way and hide the very drift
 * the check looks for.
 */
import { z } from 'zod';
import { SourceError } from '../ports/errors.ts';
import type { RoundingService } from '../ports/redteam.ts';
import { fetchJson } from './http.ts';

const DEFAULT_TIMEOUT_MS = 10_000;

const answer = z.object({ results: z.array(z.string()) });

export function httpRounding(target: string, opts: { timeoutMs?: number } = {}): RoundingService {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    async round(samples) {
      const { json: body, where } = await fetchJson(target, 'rounding service', { timeoutMs, body: { samples } });
      const parsed = answer.safeParse(body);
      if (!parsed.success) throw new SourceError(`${where} answered without { "results": ["<decimal text>", …] }`);
      const { results } = parsed.data;
      if (results.length !== samples.length) throw new SourceError(`${where} answered ${results.length} results for ${samples.length} samples`);
      return results;
    },
  };
}
