import type { App } from '@slack/bolt';
import { MODAL_FIELD, MODAL_INPUT } from '../blockkit.ts';
import type { Router } from '../router.ts';
import type { Surface } from './surface.ts';

/**
 * Submitted forms (a NO-GO reason, a note): applied before the ack, so a refusal or an empty reason keeps the
 * form open with the message under the input, as Slack shows `response_action: errors`.
 */
export function registerViews(app: App, router: Router, surface: Surface): void {
  app.view({ type: 'view_submission' }, async ({ ack, body, view, context }) => {
    const value = view.state.values[MODAL_INPUT.blockId]?.[MODAL_INPUT.actionId]?.value ?? '';
    const fields = Object.fromEntries(
      Object.entries(view.state.values).flatMap(([blockId, inputs]) => {
        const input = inputs[MODAL_FIELD.actionId];
        if (!blockId.startsWith(MODAL_FIELD.blockPrefix) || !input) return [];
        return [[blockId.slice(MODAL_FIELD.blockPrefix.length), input.selected_option?.value ?? input.value ?? '']];
      }),
    );
    const reply = await router.submit({
      callbackId: view.callback_id,
      metadata: view.private_metadata,
      value,
      fields,
      userId: body.user.id,
      deliveryId: `view:${view.id}:${view.hash}`,
    });
    await ack(reply.error ? { response_action: 'errors', errors: { [MODAL_INPUT.blockId]: reply.error } } : undefined);
    surface.acked('view', context);
  });
}
