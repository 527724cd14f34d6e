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
  /**
   * Opens a war room: a public channel named `name` (made a valid channel name), with `topic`, the users
   * invited and `pin` posted with `marker` and pinned. Safe to repeat: a retry finds the channel, the
   * posted protocol and the invitations of an earlier try instead of doing them twice.
   */
  openWarRoom(m: { name: string; topic: string; invite: string[]; pin: string; marker: string }): Promise<WarRoom>;
  /** Pins a posted message in its channel; pinning it again is not an error. */
  pin(m: { channel: string; ts: string }): Promise<void>;
}

export interface WarRoom {
  /** the channel's id */
  channel: string;
  name: string;
  /** users now in the channel (invited now or before) */
  invited: string[];
  /** users Slack would not invite, with its reason (`user_not_found`, `cant_invite`): the room is open without them */
  notInvited: { user: string; error: string }[];
}

/** `name` as a channel name: lowercase letters, digits, `-` and `_`, at most 80 characters (Slack's rules). */
export function channelNameOf(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/ı/g, 'i') // the dotless ı has no decomposition
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+/, '')
    .slice(0, 80)
    .replace(/-+$/, '');
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
