import { randomUUID } from 'node:crypto';
import { findingOf, type Finding, type Outcome } from '../../../domain/preflight/finding.ts';
import { need } from '../../preflight/check.ts';
import { countStatuses, describeCounts, type RedteamCheck } from '../check.ts';

type Part = { outcome: Outcome; line: string };

const is2xx = (status: number) => status >= 200 && status < 300;

/** One burst with one key: exactly one request may execute (2xx); every other must be turned away as a replay. */
export function judgeBurst(statuses: number[], replayStatus: number[]): Part[] {
  const counts = describeCounts(countStatuses(statuses));
  const executed = statuses.filter(is2xx).length;
  const parts: Part[] = [
    executed === 1
      ? { outcome: 'pass', line: `executed once: ${counts} from ${statuses.length} requests` }
      : executed === 0
        ? { outcome: 'fail', line: `never executed, no 2xx answer: ${counts} from ${statuses.length} requests` }
        : { outcome: 'fail', line: `executed ${executed} times: ${counts} from ${statuses.length} requests` },
  ];
  const other = statuses.filter((s) => !is2xx(s) && !replayStatus.includes(s));
  const replays = statuses.length - executed - other.length;
  const expected = replayStatus.join(' or ');
  if (replays > 0) parts.push({ outcome: 'pass', line: `${replays} ${replays === 1 ? 'replay' : 'replays'} answered ${expected}` });
  if (other.length > 0) parts.push({ outcome: 'fail', line: `${other.length} answered neither 2xx nor ${expected}: ${describeCounts(countStatuses(other))}` });
  return parts;
}

/** The request keys of one run: one fresh key, spelled in turn as each configured variant. */
export function burstKeys(variants: string[], requests: number, key: string): { key: string }[] {
  return Array.from({ length: requests }, (_, i) => ({ key: (variants[i % variants.length] ?? '{{key}}').replaceAll('{{key}}', key) }));
}

/** Item 11: concurrent requests with one idempotency key, in all its spellings, execute once; the rest are replays. */
export const idempotencyCheck: RedteamCheck = {
  id: 'idempotency',
  number: 11,
  title: 'Idempotency burst replay',
  async run({ config, sources }): Promise<Finding> {
    const target = need(sources.idempotency);
    const { requests, keyVariants, replayStatus } = config.redteam.idempotency;
    const answers = await target.burst(burstKeys(keyVariants, requests, randomUUID()));
    const statuses = answers.map((a) => a.status);
    return findingOf(judgeBurst(statuses, replayStatus), `${requests} concurrent requests with one key executed once`, { statuses: countStatuses(statuses) });
  },
};
