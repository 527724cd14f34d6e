import type { Card } from '../chat/card.ts';
import type { PagerEvent } from '../ports/pager.ts';
import type { Sql } from '../store/db.ts';

/** What a use case asks to be said, written in its own transaction and delivered after it commits. */
export type OutboxItem =
  | { kind: 'slack.post'; channel: string; card: Card; ref?: string; threadOf?: string; /** pinned in its channel once posted */ pin?: boolean }
  | { kind: 'slack.update'; channel: string; card: Card; ts?: string; of?: string }
  | { kind: 'slack.ephemeral'; channel: string; user: string; card: Card }
  | { kind: 'slack.upload'; channel: string; file: UploadedFile; threadOf?: string }
  | ({ kind: 'slack.war-room' } & WarRoomRequest)
  | { kind: 'pagerduty.event'; event: PagerEvent };

/** A war room (RITUAL §8): one channel, its topic, the people invited and the protocol pinned in it. */
export interface WarRoomRequest {
  /** the channel's name; made a valid Slack channel name on delivery */
  name: string;
  topic: string;
  /** Slack user ids */
  invite: string[];
  /** the war-room protocol, mrkdwn */
  pin: string;
  /** say where the room is (and who could not be invited) in this channel, or in the thread of the message with ref `threadOf` */
  announceIn?: { channel: string; threadOf?: string };
}

/** A text file shared in Slack (an evidence file, a report). `filename` is unique: a retry finds it instead of sharing it twice. */
export interface UploadedFile {
  filename: string;
  title: string;
  content: string;
}

export interface OutboxRow {
  id: number;
  stream: string;
  item: OutboxItem;
  ref: string | null;
  attempts: number;
}

/** Rows of one stream are delivered one after another, in the order they were written. */
function streamOf(item: OutboxItem): string {
  switch (item.kind) {
    case 'pagerduty.event':
      return `pagerduty:${item.event.dedup_key ?? 'new'}`;
    case 'slack.war-room':
      return `slack-war-room:${item.name}`;
    default:
      return `slack:${item.channel}`;
  }
}

/** Adds a row in `tx`. A row with a `ref` is written once: enqueueing the same ref again does nothing. */
export async function enqueue(tx: Sql, item: OutboxItem, now: Date): Promise<void> {
  const ref = item.kind === 'slack.post' ? (item.ref ?? null) : null;
  await tx.query(
    `INSERT INTO outbox (stream, kind, payload, ref, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $5)
     ON CONFLICT (ref) DO NOTHING`,
    [streamOf(item), item.kind, JSON.stringify(item), ref, now],
  );
}

/** Takes the oldest deliverable row at the head of its stream, for `worker`, until the lease ends. */
export async function claimHeadRow(db: Sql, worker: string, now: Date, leaseMs: number): Promise<OutboxRow | undefined> {
  const [row] = await db.query<{ id: number; stream: string; payload: OutboxItem; ref: string | null; attempts: number }>(
    `UPDATE outbox SET leased_by = $1, lease_until = $3, attempts = attempts + 1
     WHERE id = (SELECT o.id FROM outbox o
                 WHERE o.state = 'pending' AND o.next_attempt_at <= $2 AND (o.lease_until IS NULL OR o.lease_until <= $2)
                   AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.stream = o.stream AND p.state = 'pending' AND p.id < o.id)
                 ORDER BY o.id LIMIT 1 FOR UPDATE SKIP LOCKED)
     RETURNING id, stream, payload, ref, attempts`,
    [worker, now, new Date(now.getTime() + leaseMs)],
  );
  return row && { id: row.id, stream: row.stream, item: row.payload, ref: row.ref, attempts: row.attempts };
}

export async function markDelivered(db: Sql, id: number, worker: string, result: unknown, now: Date): Promise<void> {
  await db.query(
    `UPDATE outbox SET state = 'delivered', delivered_at = $4, result = $3, leased_by = NULL, lease_until = NULL, last_error = NULL
     WHERE id = $1 AND leased_by = $2`,
    [id, worker, JSON.stringify(result ?? null), now],
  );
}

/** A failed delivery: try again at `retryAt`, or park the row (kept, visible, never dropped) when undefined. */
export async function markFailed(db: Sql, id: number, worker: string, error: string, retryAt: Date | undefined): Promise<void> {
  await db.query(
    `UPDATE outbox SET leased_by = NULL, lease_until = NULL, last_error = $3,
       state = CASE WHEN $4::timestamptz IS NULL THEN 'parked' ELSE state END,
       next_attempt_at = COALESCE($4::timestamptz, next_attempt_at)
     WHERE id = $1 AND leased_by = $2`,
    [id, worker, error, retryAt ?? null],
  );
}

/** The Slack message a delivered row with `ref` created. */
export async function postedMessage(db: Sql, ref: string): Promise<{ channel: string; ts: string } | undefined> {
  const [row] = await db.query<{ result: { channel: string; ts: string } }>(
    `SELECT result FROM outbox WHERE ref = $1 AND state = 'delivered'`,
    [ref],
  );
  return row?.result;
}

/** A later update of the same message waiting in the same stream: delivering this one would only be overwritten. */
export async function laterUpdateOf(db: Sql, row: OutboxRow): Promise<number | undefined> {
  if (row.item.kind !== 'slack.update') return undefined;
  const [later] = await db.query<{ id: number }>(
    `SELECT id FROM outbox WHERE stream = $1 AND state = 'pending' AND kind = 'slack.update' AND id > $2
       AND payload->>'of' IS NOT DISTINCT FROM $3 AND payload->>'ts' IS NOT DISTINCT FROM $4
     ORDER BY id DESC LIMIT 1`,
    [row.stream, row.id, row.item.of ?? null, row.item.ts ?? null],
  );
  return later?.id;
}

export async function nextRowDueAt(db: Sql): Promise<Date | undefined> {
  const [row] = await db.query<{ at: Date | null }>(
    `SELECT min(greatest(o.next_attempt_at, o.lease_until)) AS at FROM outbox o
     WHERE o.state = 'pending'
       AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.stream = o.stream AND p.state = 'pending' AND p.id < o.id)`,
  );
  return row?.at ?? undefined;
}

export interface OutboxCounts {
  pending: number;
  parked: number;
  /** Age in seconds of the oldest undelivered row. */
  lagSeconds: number;
}

export async function outboxCounts(db: Sql, now: Date): Promise<OutboxCounts> {
  const [row] = await db.query<OutboxCounts>(
    `SELECT count(*) FILTER (WHERE state = 'pending')::int AS pending,
            count(*) FILTER (WHERE state = 'parked')::int AS parked,
            COALESCE(extract(epoch FROM $1::timestamptz - min(created_at) FILTER (WHERE state = 'pending')), 0)::float8 AS "lagSeconds"
     FROM outbox`,
    [now],
  );
  return row!;
}

export interface ParkedRow {
  id: number;
  kind: string;
  stream: string;
  error: string;
}

export async function parkedRows(db: Sql, limit = 10): Promise<ParkedRow[]> {
  return db.query<ParkedRow>(
    `SELECT id, kind, stream, last_error AS error FROM outbox WHERE state = 'parked' ORDER BY id DESC LIMIT $1`,
    [limit],
  );
}
