/** The run of show as stored: one `run_of_show` row per countdown (migration 010). */
import type { PlannedStep, StepId } from '../../domain/run-of-show/timeline.ts';
import type { Sql } from '../../store/db.ts';

export type RunStatus = 'counting' | 'zero' | 'lifted' | 'cancelled';

/** What a step that ran said, for the card. */
export interface StepDone {
  /** epoch ms */
  at: number;
  line: string;
}

export interface RunState {
  /** the time zone T-0 was typed in */
  zone: string;
  steps: PlannedStep[];
  done: Partial<Record<StepId, StepDone>>;
  cancelled?: { by: string; at: number };
}

export interface StoredRun {
  id: number;
  version: string;
  channel: string;
  t0: Date;
  freezeFrom: Date;
  freezeLiftedAt: Date | null;
  state: RunState;
  status: RunStatus;
  scheduledBy: string;
  scheduledAt: Date;
}

const COLUMNS = `id, version, channel, t0, freeze_from AS "freezeFrom", freeze_lifted_at AS "freezeLiftedAt", state, status,
  scheduled_by AS "scheduledBy", scheduled_at AS "scheduledAt"`;
const ACTIVE = `status IN ('counting', 'zero')`;

const date = (d: Date | string | null): Date | null => (d === null ? null : new Date(d));
const row = (r: StoredRun | undefined): StoredRun | undefined =>
  r && { ...r, id: Number(r.id), t0: new Date(r.t0), freezeFrom: new Date(r.freezeFrom), freezeLiftedAt: date(r.freezeLiftedAt), scheduledAt: new Date(r.scheduledAt) };

/** Inserts the run; undefined when the version has an active run of show already. */
export async function insertRun(
  tx: Sql,
  r: { version: string; channel: string; t0: Date; freezeFrom: Date; state: RunState; by: string; at: Date },
): Promise<number | undefined> {
  const rows = await tx.query<{ id: number }>(
    `INSERT INTO run_of_show (version, channel, t0, freeze_from, state, status, scheduled_by, scheduled_at)
     VALUES ($1, $2, $3, $4, $5, 'counting', $6, $7)
     ON CONFLICT (version) WHERE ${ACTIVE} DO NOTHING RETURNING id`,
    [r.version, r.channel, r.t0, r.freezeFrom, JSON.stringify(r.state), r.by, r.at],
  );
  return rows[0] === undefined ? undefined : Number(rows[0].id);
}

export async function readRun(db: Sql, id: number): Promise<StoredRun | undefined> {
  const [r] = await db.query<StoredRun>(`SELECT ${COLUMNS} FROM run_of_show WHERE id = $1`, [id]);
  return row(r);
}

/** The run, locked until tx ends: its steps, a cancel and the freeze lift are applied one after another. */
export async function lockRun(tx: Sql, id: number): Promise<StoredRun | undefined> {
  const [r] = await tx.query<StoredRun>(`SELECT ${COLUMNS} FROM run_of_show WHERE id = $1 FOR UPDATE`, [id]);
  return row(r);
}

/** The runs counting down or past T-0 with their freeze still on, soonest T-0 first. */
export async function activeRuns(db: Sql): Promise<StoredRun[]> {
  const rows = await db.query<StoredRun>(`SELECT ${COLUMNS} FROM run_of_show WHERE ${ACTIVE} ORDER BY t0, id`);
  return rows.map((r) => row(r) as StoredRun);
}

export async function activeRunOf(db: Sql, version: string): Promise<StoredRun | undefined> {
  const [r] = await db.query<StoredRun>(`SELECT ${COLUMNS} FROM run_of_show WHERE version = $1 AND ${ACTIVE}`, [version]);
  return row(r);
}

export async function saveRun(tx: Sql, id: number, state: RunState, status: RunStatus): Promise<void> {
  await tx.query('UPDATE run_of_show SET state = $2, status = $3 WHERE id = $1', [id, JSON.stringify(state), status]);
}

/** Ends the run: cancelled, or lifted by the first night's close; `liftedAt` when its change freeze had begun. */
export async function endRun(tx: Sql, id: number, r: { state: RunState; status: 'lifted' | 'cancelled'; liftedAt: Date | null; at: Date }): Promise<void> {
  await tx.query('UPDATE run_of_show SET state = $2, status = $3, freeze_lifted_at = $4, ended_at = $5 WHERE id = $1', [
    id,
    JSON.stringify(r.state),
    r.status,
    r.liftedAt,
    r.at,
  ]);
}
