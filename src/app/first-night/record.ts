/**
 * The first night as stored: one `first_night` row per released canary. Its state is JSON and holds everything
 * the next snapshot needs (the schedule's position, the night folded so far, the last values for the trends)
 * and the rules and checks the night started with: a night runs to its end by them, whatever the config says
 * after a restart.
 */
import type { FirstNightCheck } from '../../config/schema.ts';
import type { NightRules, NightState } from '../../domain/first-night/schedule.ts';
import type { NightSummary, SnapshotValues } from '../../domain/first-night/snapshot.ts';
import type { Sql } from '../../store/db.ts';

export type NightStatus = 'running' | 'ended';

export interface StoredNightState {
  /** where the schedule stands (`afterSnapshot`) */
  night: NightState;
  /** the night folded from its snapshots (`foldSnapshot`) */
  summary: NightSummary;
  /** the previous snapshot's values, for the trends */
  previous: SnapshotValues;
  rules: NightRules;
  checks: FirstNightCheck[];
}

export interface StoredNight {
  id: number;
  version: string;
  runId: number;
  channel: string;
  releasedAt: Date;
  state: StoredNightState;
  status: NightStatus;
}

const COLUMNS = `id, version, canary_run_id AS "runId", channel, released_at AS "releasedAt", state, status`;

/** Normalises what the driver returns (bigint ids may come back as strings). */
const row = (r: StoredNight | undefined): StoredNight | undefined => r && { ...r, id: Number(r.id), runId: Number(r.runId), releasedAt: new Date(r.releasedAt) };

/** Inserts the night; undefined when this canary's night exists already. */
export async function insertNight(
  tx: Sql,
  r: { version: string; runId: number; channel: string; releasedAt: Date; state: StoredNightState; at: Date },
): Promise<number | undefined> {
  const rows = await tx.query<{ id: number }>(
    `INSERT INTO first_night (version, canary_run_id, channel, released_at, state, status, started_at) VALUES ($1, $2, $3, $4, $5, 'running', $6)
     ON CONFLICT (canary_run_id) DO NOTHING RETURNING id`,
    [r.version, r.runId, r.channel, r.releasedAt, JSON.stringify(r.state), r.at],
  );
  return rows[0] === undefined ? undefined : Number(rows[0].id);
}

export async function nightOfRun(db: Sql, runId: number): Promise<StoredNight | undefined> {
  const [r] = await db.query<StoredNight>(`SELECT ${COLUMNS} FROM first_night WHERE canary_run_id = $1`, [runId]);
  return row(r);
}

export async function readNight(db: Sql, id: number): Promise<StoredNight | undefined> {
  const [r] = await db.query<StoredNight>(`SELECT ${COLUMNS} FROM first_night WHERE id = $1`, [id]);
  return row(r);
}

/** The night, locked until tx ends: a snapshot and the close are applied one after another. */
export async function lockNight(tx: Sql, id: number): Promise<StoredNight | undefined> {
  const [r] = await tx.query<StoredNight>(`SELECT ${COLUMNS} FROM first_night WHERE id = $1 FOR UPDATE`, [id]);
  return row(r);
}

export async function runningNights(db: Sql): Promise<StoredNight[]> {
  const rows = await db.query<StoredNight>(`SELECT ${COLUMNS} FROM first_night WHERE status = 'running' ORDER BY id`);
  return rows.map((r) => row(r) as StoredNight);
}

export async function saveNight(tx: Sql, id: number, state: StoredNightState): Promise<void> {
  await tx.query('UPDATE first_night SET state = $2 WHERE id = $1', [id, JSON.stringify(state)]);
}

export async function endNight(tx: Sql, id: number, now: Date): Promise<void> {
  await tx.query(`UPDATE first_night SET status = 'ended', ended_at = $2 WHERE id = $1`, [id, now]);
}
