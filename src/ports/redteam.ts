/** What the red team's automated items (RITUAL §3, 11–15) read from the platform. Fetch only; checks judge. */

/** Item 11: the order endpoint, hit with one idempotency key at once. */
export interface IdempotencyTarget {
  /** Sends every request at the same moment, each with the same body and its own spelling of the key; answers in order. */
  burst(requests: { key: string }[]): Promise<{ status: number }[]>;
}

/** Item 12: the platform's own rounding. */
export interface RoundingService {
  /** The platform's rounding of each value to its scale, as decimal text, in the order given. */
  round(samples: { value: string; scale: number }[]): Promise<string[]>;
}

/** Item 13: when the producer wrote each outbox row and when the dispatcher sent it, by their own clocks. */
export interface OutboxClock {
  samples(): Promise<{ producedAt: Date; dispatchedAt: Date }[]>;
}

export interface CspFloodResult {
  /** how many reports got each HTTP status */
  statuses: Record<number, number>;
  /** reports that got no answer: connection refused or closed, or timed out */
  errors: number;
  /** the endpoint still answered (below 500) right after the flood */
  upAfter: boolean;
}

/** Item 14: the CSP report endpoint, flooded. */
export interface CspReportEndpoint {
  flood(n: number): Promise<CspFloodResult>;
}

/** A component of an SBOM: `name` includes the group (`@scope/name`, `org.group/name`) when there is one. */
export interface Component {
  name: string;
  /** empty when the SBOM gives none */
  version: string;
  purl?: string;
  /** SPDX ids, licence names or SPDX expressions, as the SBOM lists them */
  licenses: string[];
}

/** Item 15: the previous release's SBOM and this one's. */
export interface SbomSource {
  read(): Promise<{ previous: Component[]; current: Component[] }>;
}
