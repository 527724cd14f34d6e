import type { SparkConfig } from '../../config/schema.ts';
import type { Finding } from '../../domain/preflight/finding.ts';
import type { CspReportEndpoint, IdempotencyTarget, OutboxClock, RoundingService, SbomSource } from '../../ports/redteam.ts';
import { NotConfigured, type Source } from '../preflight/check.ts';

export interface RedteamSources {
  idempotency: Source<IdempotencyTarget>;
  rounding: Source<RoundingService>;
  outboxClock: Source<OutboxClock>;
  cspReport: Source<CspReportEndpoint>;
  sbom: Source<SbomSource>;
}

export interface RedteamContext {
  version: string;
  /** The bot's clock: read it for the moment of a measurement, never for how long something took. */
  now: () => Date;
  config: SparkConfig;
  sources: RedteamSources;
}

/** One of the red team's automated items (RITUAL §3, 11–15). */
export interface RedteamCheck {
  id: string;
  number: 11 | 12 | 13 | 14 | 15;
  title: string;
  run(ctx: RedteamContext): Promise<Finding>;
}

/** Runs a check to a finding: a missing target is skipped with the key to set, a failing source fails with its reason. */
export async function runRedteamCheck(check: RedteamCheck, ctx: RedteamContext): Promise<Finding> {
  try {
    return await check.run(ctx);
  } catch (err) {
    if (err instanceof NotConfigured) return { outcome: 'skipped', summary: err.message, lines: [err.message] };
    const message = (err as Error).message;
    return { outcome: 'fail', summary: message, lines: [`FAIL  ${message}`] };
  }
}

/** How many answers got each status. */
export function countStatuses(statuses: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
  return counts;
}

/** `1× 201, 99× 409`, by status. */
export function describeCounts(counts: Record<number, number>): string {
  const entries = Object.entries(counts).sort(([a], [b]) => Number(a) - Number(b));
  return entries.length === 0 ? 'no answers' : entries.map(([status, n]) => `${n}× ${status}`).join(', ');
}
