import type { App } from '@slack/bolt';
import { toBlockKit } from '../blockkit.ts';
import { textCard } from '../card.ts';
import { parseCommand } from '../commands.ts';
import type { Router } from '../router.ts';
import { answerAsker } from './deliver.ts';
import type { Surface } from './surface.ts';

/** `/spark …`: a usage error is answered in the ack itself; valid commands are acked at once and run after. */
export function registerCommands(app: App, router: Router, surface: Surface): void {
  app.command('/spark', async ({ command, ack, respond, context }) => {
    const parsed = parseCommand(command.text);
    await (parsed.ok ? ack() : ack({ response_type: 'ephemeral', ...toBlockKit(textCard(parsed.problem)) }));
    surface.acked('command', context);
    surface.commandReceived(parsed.ok ? parsed.command.name : 'invalid');
    if (!parsed.ok) return;
    await surface.guard(respond, async () => {
      const reply = await router.command({
        text: command.text,
        userId: command.user_id,
        channelId: command.channel_id,
        deliveryId: `command:${command.trigger_id}`,
      });
      await answerAsker(reply, respond);
    });
  });
}
