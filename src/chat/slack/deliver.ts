import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { toBlockKit } from '../blockkit.ts';
import type { Reply } from '../card.ts';

export interface Where {
  channelId: string;
  messageTs?: string;
  respond?: RespondFn;
}

/** Sends a router Reply to Slack: the ephemeral part through response_url, posts and updates through the Web API. */
export async function deliverToSlack(client: WebClient, reply: Reply, where: Where): Promise<void> {
  if (reply.ephemeral && where.respond) {
    await where.respond({ response_type: 'ephemeral', replace_original: false, ...toBlockKit(reply.ephemeral) });
  }
  if (reply.update && where.messageTs) {
    await client.chat.update({ channel: where.channelId, ts: where.messageTs, ...toBlockKit(reply.update) });
  }
  for (const post of reply.posts) {
    await client.chat.postMessage({ channel: post.channel, ...(post.threadTs ? { thread_ts: post.threadTs } : {}), ...toBlockKit(post.card) });
  }
}
