import { WebClient, type Logger as SlackLogger } from '@slack/web-api';
import { toBlockKit } from '../chat/blockkit.ts';
import type { ChatDelivery } from '../engine/delivery.ts';
import { call, MARKER_EVENT } from './slack-errors.ts';
import { openWarRoom, pin } from './slack-war-room.ts';

/**
 * The outbox's Slack adapter. Retries are the outbox's (durable, with backoff), so the client itself never retries,
 * and a 429 comes back at once with its Retry-After.
 */
export function slackDelivery(token: string, slackApiUrl: string | undefined, logger?: SlackLogger): ChatDelivery {
  const client = new WebClient(token, { slackApiUrl, logger, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: 10_000 });
  const recent = async (channel: string, threadTs: string | undefined) =>
    (
      await call(
        threadTs
          ? client.conversations.replies({ channel, ts: threadTs, include_all_metadata: true, limit: 200 })
          : client.conversations.history({ channel, include_all_metadata: true, limit: 100 }),
      )
    ).messages ?? [];
  return {
    async post({ channel, card, threadTs, marker }) {
      const r = await call(
        client.chat.postMessage({
          channel,
          ...toBlockKit(card),
          ...(threadTs ? { thread_ts: threadTs } : {}),
          metadata: { event_type: MARKER_EVENT, event_payload: { marker } },
        }),
      );
      return { channel: String(r.channel), ts: String(r.ts) };
    },
    async update({ channel, ts, card }) {
      await call(client.chat.update({ channel, ts, ...toBlockKit(card) }));
    },
    async ephemeral({ channel, user, card }) {
      await call(client.chat.postEphemeral({ channel, user, ...toBlockKit(card) }));
    },
    async findPosted({ channel, marker, threadTs }) {
      const found = (await recent(channel, threadTs)).find(
        (m) => m.metadata?.event_type === MARKER_EVENT && (m.metadata.event_payload as Record<string, unknown> | undefined)?.marker === marker,
      );
      return found?.ts ? { channel, ts: found.ts } : undefined;
    },
    async upload({ channel, threadTs, file }) {
      const r = await call(
        threadTs
          ? client.filesUploadV2({ channel_id: channel, thread_ts: threadTs, filename: file.filename, title: file.title, content: file.content })
          : client.filesUploadV2({ channel_id: channel, filename: file.filename, title: file.title, content: file.content }),
      );
      const fileId = (r.files as { files?: { id?: string }[] }[] | undefined)?.[0]?.files?.[0]?.id;
      return { channel, fileId: String(fileId) };
    },
    async findUploaded({ channel, threadTs, filename }) {
      const shared = (await recent(channel, threadTs)).flatMap((m) => m.files ?? []).find((f) => f.name === filename);
      return shared?.id ? { channel, fileId: shared.id } : undefined;
    },
    openWarRoom: (room) => openWarRoom(client, room),
    pin: ({ channel, ts }) => pin(client, channel, ts),
  };
}
