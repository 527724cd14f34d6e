import { fillQuery } from '../../../config/schema.ts';
import { findingOf, type Finding, type Outcome } from '../../../domain/preflight/finding.ts';
import { NoDataError } from '../../../ports/errors.ts';
import { fmt, need, type PreflightCheck } from '../check.ts';

/** The version taking most traffic that is not the one being released: what the baseline measures. */
export function stableVersionOf(weights: Record<string, number>, releasing: string): string | undefined {
  return Object.entries(weights)
    .filter(([v, w]) => v !== releasing && w > 0)
    .sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** Check 9: every golden signal's value on the stable track now, kept as this release's baseline. No data is a fail. */
export const baselineCheck: PreflightCheck = {
  id: 'baseline',
  title: 'Baseline metrics',
  async run({ version, now, config, sources }): Promise<Finding> {
    const metrics = need(sources.metrics);
    const stable = stableVersionOf(await need(sources.deploy).weights(), version);
    if (!stable) return { outcome: 'fail', summary: 'no stable version takes traffic: nothing to measure a baseline on', lines: [] };
    const at = now();
    const results = await Promise.all(
      config.signals.map(async (s) => {
        try {
          return { s, value: await metrics.query(fillQuery(s.query, { version: stable, track: 'stable' }), at) };
        } catch (err) {
          if (err instanceof NoDataError) return { s, error: 'no data' };
          return { s, error: (err as Error).message };
        }
      }),
    );
    const baseline: Record<string, number> = {};
    const parts = results.map((r): { outcome: Outcome; line: string } => {
      if (r.value === undefined) return { outcome: 'fail', line: `${r.s.name}: ${r.error}` };
      baseline[r.s.id] = r.value;
      return { outcome: 'pass', line: `${r.s.name} = ${fmt(r.value, 3)} ${r.s.unit}` };
    });
    return findingOf(parts, `${Object.keys(baseline).length} signals captured on ${stable}`, { stableVersion: stable, baseline });
  },
};
