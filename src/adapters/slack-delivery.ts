import { WebAPIPlatformError, WebAPIRateLimitedError, WebClient, type Logger as SlackLogger } from '@slack/web-api';
import { toBlockKit } from '../chat/blockkit.ts';
import { RateLimitedError, RefusedError, type ChatDelivery } from '../engine/delivery.ts';

// Slack errors that trying again will not mend (https://api.slack.com/methods/chat.postMessage#errors).
const PERMANENT = new Set([
  'channel_not_found', 'not_in_channel', 'is_archived', 'invalid_blocks', 'invalid_blocks_format', 'msg_too_long',
  'no_text', 'invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'missing_scope', 'message_not_found',
  'cant_update_message', 'edit_window_closed', 'user_not_in_channel', 'invalid_arguments', 'restricted_action',
]);

const MARKER_EVENT = 'spark_outbox';

/** Turns Slack's errors into the outbox's: later (429), never (a permanent refusal), or try again. */
function translated(err: unknown): unknown {
  if (err instanceof WebAPIRateLimitedError) return new RateLimitedError(err.retryAfter * 1000, `Slack rate limit; retry after ${err.retryAfter} s`);
  if (err instanceof WebAPIPlatformError && PERMANENT.has(err.data.error)) return new RefusedError(`Slack refused: ${err.data.error}`);
  return err;
}

const call = <T>(p: Promise<T>): Promise<T> => p.catch((err: unknown) => Promise.reject(translated(err)));

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
  };
}
