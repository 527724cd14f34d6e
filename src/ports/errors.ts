/**
 * The named errors every data-source port speaks. They carry meaning the domain acts on (Flagger's
 * `ErrNoValuesFound`): no data → hold (never a pass); rate-limited → retry later; any other source
 * failure → hold and count towards the no-data limit.
 */

/** The source answered, but with no samples: the ritual holds, it never passes on silence. */
export class NoDataError extends Error {
  override readonly name = 'NoDataError';
  constructor(
    readonly query: string,
    detail = 'no samples',
  ) {
    super(`${detail}: ${query}`);
  }
}

/** The source could not give an answer: unreachable, timed out, refused, a bad query, or an ambiguous result. */
export class SourceError extends Error {
  override readonly name: string = 'SourceError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The source refused for now (HTTP 429 and the like): retry after `retryAfterMs` when it is known. */
export class RateLimitedError extends SourceError {
  override readonly name = 'RateLimitedError';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
