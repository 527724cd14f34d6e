import type { RespondFn } from '@slack/bolt';
import { toBlockKit } from '../blockkit.ts';
import type { Reply } from '../card.ts';

/** Sends the immediate answer to the person who asked, through the request's response_url. */
export async function answerAsker(reply: Reply, respond: RespondFn): Promise<void> {
  if (reply.ephemeral) await respond({ response_type: 'ephemeral', replace_original: false, ...toBlockKit(reply.ephemeral) });
}
