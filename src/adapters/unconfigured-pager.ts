import { RefusedError } from '../engine/delivery.ts';
import type { Pager } from '../ports/pager.ts';

/** No PagerDuty configured: a page is refused at once, so its outbox row is parked and shown, never silently lost. */
export const unconfiguredPager: Pager = {
  send: async () => {
    throw new RefusedError('PagerDuty is not configured (set PAGERDUTY_ROUTING_KEY): nobody was paged');
  },
};
