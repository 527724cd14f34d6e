import { textCard } from '../chat/card.ts';
import type { Clock } from '../domain/clock.ts';
import { scrubSecrets, type Logger } from '../log.ts';
import type { Pager } from '../ports/pager.ts';
import type { Sql } from '../store/db.ts';
import { channelNameOf, RateLimitedError, RefusedError, type ChatDelivery, type WarRoom } from './delivery.ts';
import { claimHeadRow, laterUpdateOf, markDelivered, markFailed, postedMessage, type OutboxRow, type WarRoomRequest } from './outbox.ts';
import { backoffMs, type RetryPolicy } from './retry.ts';

export interface DispatcherDeps {
  db: Sql;
  clock: Clock;
  chat: ChatDelivery;
  pager: Pager;
  log: Logger;
  worker: string;
  policy: RetryPolicy;
}

const CHANNEL_ID = /^[CGD][A-Z0-9]+$/;

/** The channel's id: as configured, or as Slack answered an earlier post in the same stream. */
async function knownChannelId(db: Sql, stream: string, channel: string): Promise<string | undefined> {
  if (CHANNEL_ID.test(channel)) return channel;
  const [row] = await db.query<{ id: string }>(
    `SELECT result->>'channel' AS id FROM outbox WHERE stream = $1 AND state = 'delivered' AND result ? 'channel' LIMIT 1`,
    [stream],
  );
  return row?.id;
}

const mentions = (users: string[]) => users.map((u) => `<@${u}>`).join(', ');

function warRoomCard(room: WarRoom) {
  const invited = room.invited.length > 0 ? `${mentions(room.invited)} invited` : 'nobody invited';
  const missing = room.notInvited.map((n) => `<@${n.user}> (${n.error})`).join(', ');
  return textCard(`War room <#${room.channel}|${room.name}> is open: ${invited}, the protocol pinned.${missing ? `\nCould not invite ${missing}: add them by hand.` : ''}`);
}

/** Opens the war room, then says where it is. Both are safe to repeat when an earlier try's answer was lost. */
async function openWarRoom({ db, chat }: DispatcherDeps, row: OutboxRow, item: WarRoomRequest): Promise<WarRoom & { announced?: { channel: string; ts: string } }> {
  // The marker names the room, not the row: however many rows ask for it, the protocol is pinned once.
  const room = await chat.openWarRoom({ name: item.name, topic: item.topic, invite: item.invite, pin: item.pin, marker: `war-room:${channelNameOf(item.name)}` });
  const where = item.announceIn;
  if (!where) return room;
  const thread = where.threadOf ? await postedMessage(db, where.threadOf) : undefined;
  // Not refused: the message is in another stream and may simply not be posted yet.
  if (where.threadOf && !thread) throw new Error(`war room ${room.name} is open; its announcement waits for the message "${where.threadOf}"`);
  const marker = `outbox:${row.id}`;
  const channelId = thread?.channel ?? (row.attempts > 1 ? await knownChannelId(db, `slack:${where.channel}`, where.channel) : undefined);
  const earlier = row.attempts > 1 && channelId ? await chat.findPosted({ channel: channelId, marker, threadTs: thread?.ts }) : undefined;
  const announced = earlier ?? (await chat.post({ channel: where.channel, card: warRoomCard(room), threadTs: thread?.ts, marker }));
  return { ...room, announced };
}

/** Delivers one outbox row: the Slack message or the PagerDuty event it holds. */
async function deliver(deps: DispatcherDeps, row: OutboxRow): Promise<unknown> {
  const { db, chat, pager } = deps;
  const item = row.item;
  const marker = `outbox:${row.id}`;
  const messageOf = async (ref: string) => {
    const m = await postedMessage(db, ref);
    if (!m) throw new RefusedError(`the message "${ref}" it refers to was never posted`);
    return m;
  };
  switch (item.kind) {
    case 'slack.post': {
      const threadTs = item.threadOf ? (await messageOf(item.threadOf)).ts : undefined;
      // Tried before: the earlier try may have reached Slack before the bot died. Slack's history wants a channel id.
      const channelId = row.attempts > 1 ? await knownChannelId(db, row.stream, item.channel) : undefined;
      const earlier = channelId ? await chat.findPosted({ channel: channelId, marker, threadTs }) : undefined;
      const posted = earlier ?? (await chat.post({ channel: item.channel, card: item.card, threadTs, marker }));
      if (item.pin) await chat.pin(posted);
      return posted;
    }
    case 'slack.update': {
      // Slack allows about one update a second per channel: a card that changed again meanwhile is sent once, as it is now.
      const later = await laterUpdateOf(db, row);
      if (later !== undefined) return { supersededBy: later };
      const ts = item.ts ?? (item.of ? (await messageOf(item.of)).ts : undefined);
      if (!ts) throw new RefusedError('an update names no message');
      await chat.update({ channel: item.channel, ts, card: item.card });
      return { channel: item.channel, ts };
    }
    case 'slack.ephemeral':
      await chat.ephemeral(item);
      return null;
    case 'slack.upload': {
      const thread = item.threadOf ? await messageOf(item.threadOf) : undefined;
      // Slack shares a file only in a channel given by id; without one the file would be uploaded and shown to no one.
      const channel = thread?.channel ?? (await knownChannelId(db, row.stream, item.channel));
      if (!channel) throw new RefusedError(`cannot share ${item.file.filename}: the id of ${item.channel} is not known yet (configure the channel by id)`);
      const where = { channel, threadTs: thread?.ts };
      const earlier = row.attempts > 1 ? await chat.findUploaded({ ...where, filename: item.file.filename }) : undefined;
      return earlier ?? chat.upload({ ...where, file: item.file });
    }
    case 'slack.war-room':
      return openWarRoom(deps, row, item);
    case 'pagerduty.event':
      return pager.send(item.event);
  }
}

/** Claims and delivers rows until none is deliverable now; returns how many were tried. */
export async function dispatchDue(deps: DispatcherDeps): Promise<number> {
  const { db, clock, log, worker, policy } = deps;
  let tried = 0;
  for (;;) {
    const row = await claimHeadRow(db, worker, clock.now(), policy.leaseMs);
    if (!row) return tried;
    tried++;
    try {
      const result = await deliver(deps, row);
      await markDelivered(db, row.id, worker, result, clock.now());
    } catch (err) {
      const error = scrubSecrets(err instanceof Error ? err.message : String(err));
      // A page is never given up for failing often (a page must never be lost): only when it is refused for good.
      const outOfAttempts = row.item.kind !== 'pagerduty.event' && row.attempts >= policy.maxAttempts;
      const giveUp = err instanceof RefusedError || outOfAttempts;
      const wait = err instanceof RateLimitedError ? err.retryAfterMs : backoffMs(policy, row.attempts);
      const retryAt = giveUp ? undefined : new Date(clock.now().getTime() + wait);
      await markFailed(db, row.id, worker, error, retryAt);
      if (giveUp) log.error({ outboxId: row.id, kind: row.item.kind, stream: row.stream, error }, 'outbox row parked');
      else log.warn({ outboxId: row.id, attempts: row.attempts, retryAt, error }, 'outbox delivery failed; will retry');
    }
  }
}
