/**
 * The alert rules and their unit tests through Debian's promtool (package `prometheus`), and the dashboard's
 * queries through Prometheus' own PromQL parser. No promtool → the test fails: the CI installs it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { tempDir } from './support/temp.ts';

const PROMTOOL = '/usr/bin/promtool';

function promtool(...args: string[]): string {
  const r = spawnSync(PROMTOOL, args, { encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw new Error(`promtool could not run (apt-get install prometheus): ${r.error.message}`);
  const out = `${r.stdout}${r.stderr}`;
  if (r.status !== 0) throw new Error(`promtool ${args.join(' ')} exited ${r.status}:\n${out}`);
  return out;
}

describe('the Prometheus alert rules, by promtool', () => {
  it('are valid rules', () => {
    expect(promtool('check', 'rules', 'ops/prometheus/alerts.yml')).toMatch(/SUCCESS: 10 rules found/);
  });

  it('pass their unit tests', () => {
    expect(promtool('test', 'rules', 'ops/prometheus/alerts.test.yml')).toMatch(/SUCCESS/);
  });

  it('include the dashboard queries, which parse as PromQL', () => {
    const dashboard = JSON.parse(readFileSync('ops/grafana/spark-ritual.json', 'utf8')) as { panels: { targets: { expr: string }[] }[] };
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr.replaceAll('$__rate_interval', '1m')));
    expect(exprs.length).toBeGreaterThanOrEqual(10);
    // Each query as a recording rule: `check rules` parses every expression.
    const file = join(tempDir('spark-dashboard-'), 'dashboard.rules.yml');
    writeFileSync(file, stringify({ groups: [{ name: 'dashboard', rules: exprs.map((expr, i) => ({ record: `spark_dashboard:q${i}`, expr })) }] }));
    expect(promtool('check', 'rules', file)).toMatch(new RegExp(`SUCCESS: ${exprs.length} rules found`));
  });
});
