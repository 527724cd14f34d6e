/** What a canary needs before it may start, and who may drive one. */
import { IC_ROLE, type SparkConfig } from '../../config/schema.ts';
import type { NameOf } from '../../domain/canary/machine.ts';
import { roleLabel } from '../../domain/gonogo/roles.ts';
import type { Sql } from '../../store/db.ts';

/** The roles that start, pause, resume, promote early and roll back a canary. */
const DRIVERS = [IC_ROLE, 'devopsLead'];

export const mayDrive = (config: SparkConfig, user: string): boolean => DRIVERS.some((role) => config.roles[role]?.includes(user));

export const isIc = (config: SparkConfig, user: string): boolean => config.roles[IC_ROLE]?.includes(user) ?? false;

/** "Only the IC (Ayşe Kaya) can override …" */
export function onlyIc(config: SparkConfig, nameOf: NameOf, action: string): string {
  const names = (config.roles[IC_ROLE] ?? []).map(nameOf);
  return `Only ${roleLabel(IC_ROLE)}${names.length > 0 ? ` (${names.join(' or ')})` : ''} can ${action}.`;
}

/** "Only the IC (Ayşe Kaya) or the DevOps Lead (Mehmet Demir) can pause the canary." */
export function onlyDrivers(config: SparkConfig, nameOf: NameOf, action: string): string {
  const who = DRIVERS.map((role) => {
    const names = (config.roles[role] ?? []).map(nameOf);
    return names.length > 0 ? `${roleLabel(role)} (${names.join(' or ')})` : roleLabel(role);
  });
  return `Only ${who.join(' or ')} can ${action}.`;
}

const short = (commit: string) => (/^[0-9a-f]{13,}$/.test(commit) ? commit.slice(0, 12) : commit);

/**
 * Why the version has no GO to start on, or undefined when it has one: its latest GO / NO-GO decided GO, for the
 * commit the deploy target builds it from (when the target knows it).
 */
export async function missingGo(tx: Sql, version: string, commit: string | undefined): Promise<string | undefined> {
  const [s] = await tx.query<{ id: number; status: string; decided: boolean; commit: string }>(
    `SELECT id, status, decided_at IS NOT NULL AS decided, state->'binding'->>'commit' AS commit
     FROM gonogo_session WHERE version = $1 ORDER BY id DESC LIMIT 1`,
    [version],
  );
  if (!s) return `there is no recorded GO for ${version}: decide it with \`/spark gonogo ${version}\` first`;
  if (!s.decided) return `the GO / NO-GO for ${version} (session ${s.id}) is still open: the canary waits for its GO`;
  if (s.status !== 'go') return `the latest GO / NO-GO for ${version} (session ${s.id}) decided ${s.status === 'expired' ? 'NO-GO (expired)' : 'NO-GO'}`;
  if (commit !== undefined && commit !== s.commit) {
    return `the GO (session ${s.id}) was given for commit ${short(s.commit)}, but the deploy target builds ${version} from ${short(commit)}: a new commit needs a new preflight and a new GO`;
  }
  return undefined;
}

/** The baseline the latest preflight of the version captured (check 9), and the stable version it measured. */
export async function preflightBaseline(tx: Sql, version: string): Promise<{ baseline: Record<string, number>; stableVersion?: string }> {
  const [row] = await tx.query<{ data: { baseline?: Record<string, number>; stableVersion?: string } | null }>(
    `SELECT c.data FROM preflight_check c JOIN preflight_run r ON r.id = c.run_id
     WHERE r.version = $1 AND c.check_id = 'baseline' ORDER BY r.id DESC LIMIT 1`,
    [version],
  );
  return { baseline: row?.data?.baseline ?? {}, ...(row?.data?.stableVersion ? { stableVersion: row.data.stableVersion } : {}) };
}
