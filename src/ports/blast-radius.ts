/** The run of show's micro blast-radius test (RITUAL §7, T-10): requests fired at the canary for a short while. */

export interface BlastRadiusRequest {
  url: string;
  durationMs: number;
  /** requests in flight at once */
  concurrency: number;
  /** one request's time limit: unanswered by then, it counts as an error */
  requestTimeoutMs: number;
}

export interface BlastRadiusReading {
  /** requests sent and finished (answered or failed) */
  requests: number;
  /** of them, not answered with 2xx/3xx: failed, timed out, or HTTP 4xx/5xx */
  errors: number;
  /** from the first request sent to the last one finished */
  elapsedMs: number;
  /** the time each answered request took, in the order they finished */
  latenciesMs: number[];
  /** answers by HTTP status, and `failed` for requests that got none */
  statuses: Record<string, number>;
  /** why the first request without an answer got none */
  firstFailure?: string;
}

export interface BlastRadius {
  fire(req: BlastRadiusRequest): Promise<BlastRadiusReading>;
}
