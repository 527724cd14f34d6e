import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Router } from '../router.ts';
import { answerAsker } from './deliver.ts';
import type { Surface } from './surface.ts';

/** Every button the bot posts: acked at once, then routed by action_id. */
export function registerActions(app: App, router: Router, surface: Surface): void {
  app.action<BlockAction<ButtonAction>>({ type: 'block_actions' }, async ({ body, action, ack, respond, context }) => {
    await ack();
    surface.acked('action', context);
    const channelId = body.channel?.id ?? body.container?.channel_id ?? '';
    const messageTs = body.message?.ts ?? body.container?.message_ts;
    await surface.guard(respond, async () => {
      const reply = await router.action({
        actionId: action.action_id,
        value: action.value ?? '',
        userId: body.user.id,
        channelId,
        messageTs,
        deliveryId: `action:${body.trigger_id}:${action.action_ts}`,
      });
      await answerAsker(reply, respond);
    });
  });
}
