import type { Pager } from '../../ports/pager.ts';
import type { Screen } from './screen.ts';

/** The console's and the rehearsal's pager: each event is shown on the screen as PagerDuty would receive it. */
export function shownPager(pager: Pager, screen: Screen, stamp: () => string = () => ''): Pager {
  return {
    async send(event) {
      const answer = await pager.send(event);
      const what = event.event_action === 'trigger' ? ` (${event.payload.severity}, ${event.payload.group ?? 'no level'}): ${event.payload.summary}` : '';
      screen.print(`${stamp()}📟 PagerDuty ${event.event_action} ${answer.dedupKey}${what}`);
      return answer;
    },
  };
}
