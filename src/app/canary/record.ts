import type { CanaryState } from '../../domain/canary/state.ts';
import type { Sql } from '../../store/db.ts';

export interface StoredCanary {
  id: number;
  channel: string;
  /** the stable version a rollback returns the traffic to */
  rollbackTo: string;
  state: CanaryState;
}

const COLUMNS = 'id, channel, rollback_to AS "rollbackTo", state';
const FINISHED: readonly CanaryState['phase'][] = ['released', 'rolled-back'];

/** The canary, locked until tx ends: a tick, a timer and a click are applied one after another. */
export async function lockCanary(tx: Sql, id: number): Promise<StoredCanary | undefined> {
  const [row] = await tx.query<StoredCanary>(`SELECT ${COLUMNS} FROM canary_run WHERE id = $1 FOR UPDATE`, [id]);
  return row;
}

export async function readCanary(db: Sql, id: number): Promise<StoredCanary | undefined> {
  const [row] = await db.query<StoredCanary>(`SELECT ${COLUMNS} FROM canary_run WHERE id = $1`, [id]);
  return row;
}

/** The canary that holds the lock (there is at most one): running, rolling back, or waiting for its rollback to be started again. */
export async function unfinishedCanary(db: Sql): Promise<StoredCanary | undefined> {
  const [row] = await db.query<StoredCanary>(`SELECT ${COLUMNS} FROM canary_run WHERE finished_at IS NULL`);
  return row;
}

/** How many earlier canaries of the version were rolled back, and whether one released it. */
export async function earlierCanaries(db: Sql, version: string): Promise<{ rolledBack: number; released: boolean }> {
  const [row] = await db.query<{ rolledBack: number; released: boolean }>(
    `SELECT count(*) FILTER (WHERE status = 'rolled-back')::int AS "rolledBack", COALESCE(bool_or(status = 'released'), false) AS released
     FROM canary_run WHERE version = $1`,
    [version],
  );
  return row ?? { rolledBack: 0, released: false };
}

/** Inserts the started canary; undefined when another one is unfinished (the one-at-a-time index said no). */
export async function insertCanary(tx: Sql, r: { channel: string; rollbackTo: string; state: CanaryState; at: Date; by: string }): Promise<number | undefined> {
  const rows = await tx.query<{ id: number }>(
    `INSERT INTO canary_run (version, channel, state, status, rollback_to, started_at, started_by) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT DO NOTHING RETURNING id`,
    [r.state.version, r.channel, JSON.stringify(r.state), r.state.status, r.rollbackTo, r.at, r.by],
  );
  return rows[0]?.id;
}

/** Stores the state; a released or rolled-back canary is finished and lets the next one start. */
export async function saveCanary(tx: Sql, id: number, s: CanaryState, now: Date): Promise<void> {
  await tx.query('UPDATE canary_run SET state = $2, status = $3, finished_at = $4 WHERE id = $1', [
    id, JSON.stringify(s), s.status, FINISHED.includes(s.phase) ? now : null,
  ]);
}
