import type { App } from '@slack/bolt';
import { readStatus, type StatusContext } from '../../app/status.ts';
import type { Clock } from '../../domain/clock.ts';
import type { Logger } from '../../log.ts';
import { toBlockKit } from '../blockkit.ts';
import { helpCard } from '../cards/help.ts';
import { statusCard } from '../cards/status.ts';

/** The App Home tab: the current status and the command list. */
export function registerHome(app: App, status: StatusContext, clock: Clock, log: Logger): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    try {
      const report = await readStatus(status, clock.now());
      const blocks = [...toBlockKit(statusCard(report)).blocks, { type: 'divider' }, ...toBlockKit(helpCard()).blocks];
      await client.views.publish({ user_id: event.user, view: { type: 'home', blocks: blocks as never } });
    } catch (err) {
      log.error({ err }, 'could not publish the App Home tab');
    }
  });
}
