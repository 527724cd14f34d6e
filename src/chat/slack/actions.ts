import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { toModalView } from '../blockkit.ts';
import type { Router } from '../router.ts';
import { answerAsker } from './deliver.ts';
import type { Surface } from './surface.ts';

/** Every button the bot posts: acked at once, then routed by action_id. */
export function registerActions(app: App, router: Router, surface: Surface): void {
  app.action<BlockAction<ButtonAction>>({ type: 'block_actions' }, async ({ body, action, ack, respond, context, client }) => {
    await ack();
    surface.acked('action', context);
    const input = {
      actionId: action.action_id,
      value: action.value ?? '',
      userId: body.user.id,
      channelId: body.channel?.id ?? body.container?.channel_id ?? '',
      messageTs: body.message?.ts ?? body.container?.message_ts,
      deliveryId: `action:${body.trigger_id}:${action.action_ts}`,
    };
    const answer = async () => {
      const reply = await router.action(input);
      if (reply.modal) await client.views.open({ trigger_id: body.trigger_id, view: toModalView(reply.modal) as never });
      await answerAsker(reply, respond);
    };
    // A form must open within 3 s of the click (the trigger_id expires): it does not wait behind other work.
    if (router.opensModal(input.actionId)) await surface.guard(respond, answer, { now: true });
    else await surface.guard(respond, answer);
  });
}
