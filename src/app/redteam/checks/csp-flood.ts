import { findingOf, type Finding, type Outcome } from '../../../domain/preflight/finding.ts';
import type { CspFloodResult } from '../../../ports/redteam.ts';
import { need } from '../../preflight/check.ts';
import { describeCounts, type RedteamCheck } from '../check.ts';

/** A flood must meet the rate limit (`expectStatus`) and leave the endpoint standing: no 5xx, no dropped connections. */
export function judgeFlood(result: CspFloodResult, sent: number, expectStatus: number): { outcome: Outcome; line: string }[] {
  const counts = `${sent} reports: ${describeCounts(result.statuses)}${result.errors > 0 ? `, ${result.errors} without an answer` : ''}`;
  const limited = result.statuses[expectStatus] ?? 0;
  const serverErrors = Object.entries(result.statuses)
    .filter(([status]) => Number(status) >= 500)
    .reduce((n, [, count]) => n + count, 0);
  return [
    limited > 0
      ? { outcome: 'pass', line: `${counts}; ${limited} rate-limited (${expectStatus})` }
      : { outcome: 'fail', line: `${counts}; none rate-limited (${expectStatus})` },
    ...(serverErrors > 0 ? [{ outcome: 'fail' as const, line: `${serverErrors} reports answered 5xx` }] : []),
    ...(result.errors > 0 ? [{ outcome: 'fail' as const, line: `${result.errors} reports got no answer (connection refused, closed or timed out)` }] : []),
    result.upAfter ? { outcome: 'pass', line: 'answered again right after the flood' } : { outcome: 'fail', line: 'did not answer right after the flood' },
  ];
}

/** Item 14: the CSP report endpoint rate-limits a flood of reports and stays up. */
export const cspFloodCheck: RedteamCheck = {
  id: 'csp-flood',
  number: 14,
  title: 'CSP report flood',
  async run({ config, sources }): Promise<Finding> {
    const endpoint = need(sources.cspReport);
    const { requests, expectStatus } = config.redteam.cspFlood;
    const result = await endpoint.flood(requests);
    const limited = result.statuses[expectStatus] ?? 0;
    return findingOf(judgeFlood(result, requests, expectStatus), `rate-limited ${limited} of ${requests} reports (${expectStatus}), still up`, { ...result });
  },
};
