/** The simulated pager: records every event, answers dedup keys like PagerDuty does. */
import type { Pager, PagerEvent } from '../ports/pager.ts';
import { hash32, prng } from './noise.ts';

export interface SimPager extends Pager {
  /** every event sent, in order, with the dedup key it was answered */
  readonly events: (PagerEvent & { dedupKey: string })[];
}

export function createSimPager(seed: number): SimPager {
  const next = prng(hash32(seed, 'pager'));
  const events: (PagerEvent & { dedupKey: string })[] = [];
  const newKey = () => Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16)).join('');
  return {
    events,
    async send(event) {
      const dedupKey = event.dedup_key ?? newKey();
      events.push({ ...event, dedupKey });
      return { dedupKey };
    },
  };
}
