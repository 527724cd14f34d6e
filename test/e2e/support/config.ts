/**
 * The end-to-end config: the ritual's shape with seconds where the defaults say minutes. The canary's signals and
 * triggers read the exporter's golden-signal gauges (the canary rig's), the preflight and the red team's automated
 * items point at the loopback targets, the first night takes a snapshot every few seconds, and L2 is paged a few seconds after L1.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { validateConfig } from '../../../src/config/load.ts';
import type { SparkConfigInput } from '../../../src/config/schema.ts';
import { GOLDEN, rigConfigInput } from '../../support/canary-rig.ts';
import { PROMETHEUS_JOB } from './platform.ts';
import { EXPECTED_MIGRATIONS, FLAGS, type PreflightTargets } from './preflight-targets.ts';
import type { RedteamTargets } from './redteam-targets.ts';

export const DEPLOYS = 'C0DEPLOYS';
export const INCIDENTS = 'C0INCIDENTS';
export const PD_POLICY = 'PSPARK1';
export const TARGET_DB_ENV = 'SPARK_TARGET_DB';

export interface E2eTimings {
  /** each stage's hold, e.g. ['3s', '3s', '3s', '3s', '3s'] */
  holds: string[];
  noDataLimit?: string;
  triggerFor?: string;
  escalateL2After?: string;
}

export const PEOPLE: Record<string, string> = {
  U0SPARKIC: 'Ayşe Kaya',
  U0DEVOPS: 'Mehmet Demir',
  U0CTO: 'Zeynep Arslan',
  U0PRODUCT: 'Can Yıldız',
  U0SECURITY: 'Elif Şahin',
  U0REDTEAM: 'Burak Çelik',
  U0ONCALL: 'Deniz Aydın',
};

const night = (signal: string) => `max(${GOLDEN}{signal="${signal}",app="spark",version="{{version}}"})`;

export function e2eConfig(t: E2eTimings, targets: PreflightTargets, redteam: RedteamTargets): SparkConfigInput {
  const rig = rigConfigInput({ holds: t.holds, analysisInterval: '1s', noDataLimit: t.noDataLimit ?? '20s', triggerFor: t.triggerFor ?? '3s' });
  return {
    channels: { deploys: DEPLOYS, incidents: INCIDENTS },
    // plain names, as PagerDuty knows the same people: the on-call it names is mentioned in Slack
    people: PEOPLE,
    stages: rig.stages!,
    canary: rig.canary!,
    signals: rig.signals!,
    triggers: rig.triggers!,
    freeze: rig.freeze!,
    // short enough that a timer leased by a killed bot is not held for minutes (the lease is twice the longest step)
    deploy: { ...rig.deploy!, timeout: '3s' },
    gonogo: { ci: targets.ciFile, coverage: targets.coverageFile },
    firstNight: {
      cadence: [
        { from: '0s', to: '6s', every: '2s' },
        { from: '6s', to: '12s', every: '3s' },
      ],
      checks: [
        { id: 'slo_burn', name: 'SLO burn rate', query: `${night('error_rate_5xx')} / 1`, unit: 'x', comparison: '<', threshold: 2 },
        { id: 'error_rate', name: 'Error rate', query: night('error_rate_5xx'), unit: '%', comparison: '<', threshold: 1 },
        { id: 'api_p95', name: 'API p95', query: night('api_p95'), unit: 'ms', comparison: '<', threshold: 200 },
      ],
      afterBreach: { every: '2s', cleanInARow: 2 },
    },
    escalation: {
      levels: [
        { level: 'L1', after: '0s', roles: ['onCall'] },
        { level: 'L2', after: t.escalateL2After ?? '4s', roles: ['devopsLead', 'cto'] },
        { level: 'L3', after: '10m', roles: ['ic', 'devopsLead', 'cto'], warRoom: true },
      ],
      pagingFallbackAfter: '3s',
      pagerdutyEscalationPolicy: PD_POLICY,
    },
    preflight: {
      budget: '15s',
      checkTimeout: '5s',
      targetDatabase: `$${TARGET_DB_ENV}`,
      timeDrift: { ntpServer: targets.ntpServer },
      pgbouncer: { adminUrl: targets.pgbouncerAdminUrl },
      prisma: { expectedMigrations: EXPECTED_MIGRATIONS },
      headers: { url: targets.webUrl },
      flags: { url: `${targets.webUrl}flags`, expected: FLAGS },
      prometheus: { expectedJobs: [PROMETHEUS_JOB] },
    },
    redteam: {
      idempotency: { url: redteam.ordersUrl },
      decimal: { url: redteam.roundingUrl },
      outboxSkew: { database: `$${TARGET_DB_ENV}` },
      cspFlood: { url: redteam.cspReportUrl },
      sbom: redteam.sbom,
    },
    runOfShow: { blastRadius: { duration: '2s', requestTimeout: '1s' } },
  };
}

/** Writes the config as YAML, as a team would, after checking it the way `config check` does. */
export function writeConfig(dir: string, input: SparkConfigInput): string {
  const valid = validateConfig(input);
  if (!valid.ok) throw new Error(`e2e config is invalid:\n${valid.problems.join('\n')}`);
  const file = join(dir, 'spark.config.yml');
  writeFileSync(file, stringify(input));
  return file;
}
