import type { Card } from '../chat/card.ts';
import type { UploadedFile } from './outbox.ts';

/** Where the outbox delivers chat messages: Slack's Web API, or the console. */
export interface ChatDelivery {
  post(m: { channel: string; card: Card; threadTs?: string; marker: string }): Promise<{ channel: string; ts: string }>;
  update(m: { channel: string; ts: string; card: Card }): Promise<void>;
  ephemeral(m: { channel: string; user: string; card: Card }): Promise<void>;
  /**
   * Finds a recent message posted with `marker` in a channel (by id) or thread: a post whose answer was
   * lost in a crash is recognised instead of posted twice. Recent by Slack's order, not by our clock.
   */
  findPosted(m: { channel: string; marker: string; threadTs?: string }): Promise<{ channel: string; ts: string } | undefined>;
  /** Shares a file in a channel (by id) or thread. */
  upload(m: { channel: string; threadTs?: string; file: UploadedFile }): Promise<{ channel: string; fileId: string }>;
  /** Finds a file of that name already shared there (a retry after a lost answer). */
  findUploaded(m: { channel: string; threadTs?: string; filename: string }): Promise<{ channel: string; fileId: string } | undefined>;
}

/** The receiver said to come back later (Slack's 429 with Retry-After). */
export class RateLimitedError extends Error {
  constructor(
    readonly retryAfterMs: number,
    message = `rate limited; retry after ${retryAfterMs} ms`,
  ) {
    super(message);
  }
}

/** The receiver refused for a reason that trying again will not change (channel_not_found, invalid_blocks). */
export class RefusedError extends Error {}
