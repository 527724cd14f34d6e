import type { WebClient } from '@slack/web-api';
import { channelNameOf, RefusedError, type ChatDelivery, type WarRoom } from '../engine/delivery.ts';
import { call, MARKER_EVENT, PERMANENT, slackError, translated } from './slack-errors.ts';

type OpenRequest = Parameters<ChatDelivery['openWarRoom']>[0];

interface Channel {
  id: string;
  /** unix seconds */
  created: number;
  topic: string;
  isMember: boolean;
  /** made by this try: nothing can have been posted in it yet */
  fresh: boolean;
}

// Slack struggling: the whole room is tried again later, rather than the invitee skipped.
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'request_timeout', 'service_unavailable', 'team_added_to_org', 'org_login_required']);
const TOPIC_MAX = 250;
// conversations.list and .history take a limit under 1000.
const PAGE = 999;
/** A retry looks for the protocol among the messages of the channel's first hour. */
const PROTOCOL_WINDOW_S = 3600;

async function created(client: WebClient, name: string): Promise<Channel | undefined> {
  try {
    const { channel } = await client.conversations.create({ name });
    return { id: String(channel?.id), created: channel?.created ?? 0, topic: '', isMember: true, fresh: true };
  } catch (err) {
    if (slackError(err) === 'name_taken') return undefined;
    throw translated(err, 'channels:manage');
  }
}

/** The channel of that name: made by an earlier try whose answer was lost, or by someone ahead of the bot. */
async function existing(client: WebClient, name: string): Promise<Channel> {
  let cursor: string | undefined;
  do {
    const page = await call(client.conversations.list({ types: 'public_channel', limit: PAGE, ...(cursor ? { cursor } : {}) }), 'channels:read');
    const found = page.channels?.find((c) => c.name === name);
    if (found?.id) {
      if (found.is_archived) throw new RefusedError(`#${name} exists but is archived: unarchive it, or open the war room under another name`);
      return { id: found.id, created: found.created ?? 0, topic: found.topic?.value ?? '', isMember: found.is_member ?? false, fresh: false };
    }
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor);
  throw new RefusedError(`Slack says the name #${name} is taken, but no public channel has it (a private channel may): choose another name`);
}

/** The protocol an earlier try posted, by its marker. */
async function postedProtocol(client: WebClient, channel: Channel, marker: string): Promise<string | undefined> {
  const window = channel.created > 0 ? { oldest: String(channel.created), latest: String(channel.created + PROTOCOL_WINDOW_S), inclusive: true } : {};
  const { messages } = await call(client.conversations.history({ channel: channel.id, include_all_metadata: true, limit: PAGE, ...window }), 'channels:history');
  return messages?.find((m) => m.metadata?.event_type === MARKER_EVENT && (m.metadata.event_payload as Record<string, unknown> | undefined)?.marker === marker)?.ts;
}

async function postProtocol(client: WebClient, channel: string, text: string, marker: string): Promise<string> {
  const metadata = { event_type: MARKER_EVENT, event_payload: { marker } };
  return String((await call(client.chat.postMessage({ channel, text, unfurl_links: false, metadata }), 'chat:write')).ts);
}

export async function pin(client: WebClient, channel: string, timestamp: string): Promise<void> {
  try {
    await client.pins.add({ channel, timestamp });
  } catch (err) {
    if (slackError(err) !== 'already_pinned') throw translated(err, 'pins:write');
  }
}

/** One user a call: Slack refuses a whole list for one invitee it will not take. */
async function invite(client: WebClient, channel: string, users: string[]): Promise<Pick<WarRoom, 'invited' | 'notInvited'>> {
  const invited: string[] = [];
  const notInvited: WarRoom['notInvited'] = [];
  for (const user of new Set(users)) {
    try {
      await client.conversations.invite({ channel, users: user });
      invited.push(user);
    } catch (err) {
      const error = slackError(err);
      // cant_invite_self: the bot, in the channel already
      if (error === 'already_in_channel' || error === 'cant_invite_self') invited.push(user);
      // An answer about the channel, the app or Slack stops the delivery; any other is about this one invitee.
      else if (error && !PERMANENT.has(error) && !TRANSIENT.has(error)) notInvited.push({ user, error });
      else throw translated(err, 'channels:manage');
    }
  }
  return { invited, notInvited };
}

async function open(client: WebClient, name: string, { topic, invite: users, pin: protocol, marker }: OpenRequest): Promise<WarRoom> {
  const channel = (await created(client, name)) ?? (await existing(client, name));
  if (!channel.isMember) await call(client.conversations.join({ channel: channel.id }), 'channels:join');
  const wantedTopic = [...topic].slice(0, TOPIC_MAX).join('');
  // Every topic change shows in the channel: a retry leaves an unchanged one alone.
  if (channel.topic !== wantedTopic) await call(client.conversations.setTopic({ channel: channel.id, topic: wantedTopic }), 'channels:manage');
  const ts = (channel.fresh ? undefined : await postedProtocol(client, channel, marker)) ?? (await postProtocol(client, channel.id, protocol, marker));
  await pin(client, channel.id, ts);
  return { channel: channel.id, name, ...(await invite(client, channel.id, users)) };
}

/**
 * Opens a war room in Slack: creates the channel (or finds it when an earlier try made it), joins it if need be,
 * sets the topic, posts and pins the protocol once, then invites the users (whom Slack refuses are reported).
 */
export async function openWarRoom(client: WebClient, request: OpenRequest): Promise<WarRoom> {
  const name = channelNameOf(request.name);
  if (!name) throw new RefusedError(`war room "${request.name}": nothing in that name is allowed in a Slack channel name`);
  try {
    return await open(client, name, request);
  } catch (err) {
    throw err instanceof RefusedError ? new RefusedError(`war room #${name}: ${err.message}`) : err;
  }
}
