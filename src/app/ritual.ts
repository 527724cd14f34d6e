import type { SparkConfig } from '../config/schema.ts';
import type { NameOf } from '../domain/gonogo/types.ts';
import type { EvidenceStore } from '../evidence/files.ts';
import type { OnCallDirectory } from '../ports/on-call.ts';
import type { ReleaseFacts } from '../ports/release-facts.ts';
import type { PreflightSources } from './preflight/check.ts';
import type { RedteamSources } from './redteam/check.ts';

/** What every step of the ritual reads: the config, where evidence goes, and the platform it looks at. */
export interface Ritual {
  config: SparkConfig;
  host: string;
  evidence: EvidenceStore;
  sources: PreflightSources;
  redteam: RedteamSources;
  release: ReleaseFacts;
  nameOf: NameOf;
  /** who PagerDuty says is on call (PAGERDUTY_API_TOKEN); absent: the config's on-call role only */
  onCall?: OnCallDirectory | undefined;
}

/** A person's name as the config has it, without the role in brackets the sample names carry: "Zeynep Arslan". */
export const namesFrom =
  (config: SparkConfig): NameOf =>
  (userId) =>
    (config.people[userId] ?? userId).replace(/\s*\([^)]*\)$/, '');
