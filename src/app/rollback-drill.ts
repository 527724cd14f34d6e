/**
 * A rollback drill: the team rehearsed the rollback procedure (on staging, in a game day) and the IC or the DevOps
 * Lead records it with `/spark drill <version> <how it went>`. Like a real rollback, a drill within
 * gonogo.rollbackMaxAge fills the "rollback plan tested" item; it is sealed into the audit log and into evidence.
 */
import { textCard } from '../chat/card.ts';
import type { SparkConfig } from '../config/schema.ts';
import type { NameOf } from '../domain/canary/machine.ts';
import type { Clock } from '../domain/clock.ts';
import { formatDuration } from '../config/duration.ts';
import { appendAudit, sealedDetails } from '../evidence/audit.ts';
import { writeEvidence, type EvidenceStore } from '../evidence/files.ts';
import { enqueue } from '../engine/outbox.ts';
import type { Db, Sql } from '../store/db.ts';
import { mayDrive, onlyDrivers } from './canary/gate.ts';
import { isFirstDelivery } from './deliveries.ts';

export const DRILL_RECORDED = 'rollback.drill';

export interface DrillDeps {
  db: Db;
  clock: Clock;
  config: SparkConfig;
  evidence: EvidenceStore;
  nameOf: NameOf;
  wake: () => void;
}

interface DrillDetails {
  note: string;
  evidence: string;
  sha256: string;
}

export interface Drill {
  version: string;
  at: Date;
  by: string;
  note: string;
}

/** Records the drill and says so in #spark-deploys; or says why not (only the IC or the DevOps Lead records one). */
export async function recordDrill(deps: DrillDeps, req: { version: string; note: string; actor: string; deliveryId?: string }): Promise<string | undefined> {
  const { config, nameOf } = deps;
  if (!mayDrive(config, req.actor)) return onlyDrivers(config, nameOf, 'record a rollback drill');
  const now = deps.clock.now();
  const until = new Date(now.getTime() + config.gonogo.rollbackMaxAge).toISOString().slice(0, 10);
  const recorded = await deps.db.transaction(async (tx) => {
    if (req.deliveryId !== undefined && !(await isFirstDelivery(tx, req.deliveryId, 'command', now))) return false;
    const file = await writeEvidence(tx, deps.evidence, {
      version: req.version,
      kind: 'rollback-drill',
      at: now,
      actor: req.actor,
      title: `Rollback drill of ${req.version}`,
      content: [`Recorded by ${nameOf(req.actor)} (${req.actor}) at ${now.toISOString()}.`, '', req.note, ''].join('\n'),
    });
    const details: DrillDetails = { note: req.note, evidence: file.path, sha256: file.sha256 };
    await appendAudit(tx, deps.evidence.key, { at: now, actor: req.actor, action: DRILL_RECORDED, version: req.version, details: { ...details } });
    const text =
      `🧯 Rollback drill of ${req.version} recorded by ${nameOf(req.actor)}: ${req.note}\n` +
      `"Rollback plan tested" counts it until ${until} (${formatDuration(config.gonogo.rollbackMaxAge)}). Evidence: \`${file.path}\`.`;
    await enqueue(tx, { kind: 'slack.post', channel: config.channels.deploys, card: textCard(text) }, now);
    return true;
  });
  if (recorded) deps.wake();
  return undefined;
}

/** The latest drill recorded at or after `since` whose audit seal holds: a changed row counts for nothing. */
export async function latestDrill(db: Sql, evidence: EvidenceStore, since: Date): Promise<Drill | undefined> {
  const rows = await db.query<{ id: number; version: string; at: Date; actor: string }>(
    `SELECT id, version, at, actor FROM audit_log WHERE action = $1 AND at >= $2 ORDER BY at DESC, id DESC`,
    [DRILL_RECORDED, since],
  );
  if (rows.length === 0) return undefined;
  const sealed = new Map((await sealedDetails<DrillDetails>(db, evidence.key, DRILL_RECORDED)).map((r) => [r.id, r.details]));
  const row = rows.find((r) => sealed.has(r.id));
  return row && { version: row.version, at: row.at, by: row.actor, note: sealed.get(row.id)!.note };
}
