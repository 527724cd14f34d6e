import { findingOf, type Finding, type Outcome } from '../../../domain/preflight/finding.ts';
import type { ScrapeTarget } from '../../../ports/prometheus-targets.ts';
import { need, type PreflightCheck } from '../check.ts';

export function judgeTargets(targets: ScrapeTarget[], expectedJobs: string[]): { outcome: Outcome; line: string }[] {
  const parts = expectedJobs.map((job): { outcome: Outcome; line: string } => {
    const mine = targets.filter((t) => t.job === job);
    if (mine.length === 0) return { outcome: 'fail', line: `${job}: not scraped at all` };
    const down = mine.filter((t) => t.health !== 'up');
    if (down.length === 0) return { outcome: 'pass', line: `${job}: ${mine.length}/${mine.length} up` };
    return { outcome: 'fail', line: `${job}: ${down.length}/${mine.length} down (${down.map((t) => `${t.instance}${t.lastError ? `: ${t.lastError}` : ''}`).join('; ')})` };
  });
  const others = targets.filter((t) => !expectedJobs.includes(t.job) && t.health !== 'up');
  for (const t of others) parts.push({ outcome: 'warn', line: `${t.job} ${t.instance} is ${t.health} (not an expected job)${t.lastError ? `: ${t.lastError}` : ''}` });
  return parts;
}

/** Check 8: Prometheus scrapes every expected job, and every one of its targets is up. */
export const prometheusTargetsCheck: PreflightCheck = {
  id: 'prometheus-targets',
  title: 'Prometheus targets',
  async run({ config, sources }): Promise<Finding> {
    const targets = await need(sources.targets).targets();
    const jobs = config.preflight.prometheus.expectedJobs;
    if (jobs.length === 0) return { outcome: 'warn', summary: 'no expected jobs configured (preflight.prometheus.expectedJobs)', lines: [] };
    return findingOf(judgeTargets(targets, jobs), `${jobs.length} jobs, ${targets.length} targets up`);
  },
};
