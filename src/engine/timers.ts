import type { Sql } from '../store/db.ts';

export interface TimerSpec {
  kind: string;
  /** Unique: scheduling the same key twice keeps the first. */
  key: string;
  dueAt: Date;
  payload?: Record<string, unknown>;
}

export interface DueTimer {
  id: number;
  key: string;
  kind: string;
  dueAt: Date;
  payload: Record<string, unknown>;
  attempts: number;
}

/** Schedules inside the caller's transaction; false when a timer with that key exists already. */
export async function schedule(tx: Sql, spec: TimerSpec, now: Date): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO timer (key, kind, due_at, payload, created_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (key) DO NOTHING RETURNING id`,
    [spec.key, spec.kind, spec.dueAt, JSON.stringify(spec.payload ?? {}), now],
  );
  return rows.length === 1;
}

export async function cancel(tx: Sql, key: string, now: Date): Promise<boolean> {
  const rows = await tx.query(
    `UPDATE timer SET state = 'cancelled', finished_at = $2 WHERE key = $1 AND state = 'pending' RETURNING id`,
    [key, now],
  );
  return rows.length === 1;
}

const COLUMNS = 'id, key, kind, due_at AS "dueAt", payload, attempts';

/** Takes the earliest due timer for `worker` until the lease ends; no other worker sees it meanwhile. */
export async function claimDueTimer(db: Sql, worker: string, now: Date, leaseMs: number): Promise<DueTimer | undefined> {
  const [row] = await db.query<DueTimer>(
    `UPDATE timer SET leased_by = $1, lease_until = $3, attempts = attempts + 1
     WHERE id = (SELECT id FROM timer
                 WHERE state = 'pending' AND due_at <= $2 AND (lease_until IS NULL OR lease_until <= $2)
                 ORDER BY due_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
     RETURNING ${COLUMNS}`,
    [worker, now, new Date(now.getTime() + leaseMs)],
  );
  return row;
}

/** Marks the timer done in `tx`, if `worker` still holds it; false when the lease was lost. */
export async function completeTimer(tx: Sql, id: number, worker: string, now: Date): Promise<boolean> {
  const rows = await tx.query(
    `UPDATE timer SET state = 'done', finished_at = $3, leased_by = NULL, lease_until = NULL
     WHERE id = $1 AND leased_by = $2 AND state = 'pending' RETURNING id`,
    [id, worker, now],
  );
  return rows.length === 1;
}

/** A failed run: try again at `retryAt`, or park it for good when `retryAt` is undefined. */
export async function failTimer(tx: Sql, id: number, worker: string, error: string, now: Date, retryAt: Date | undefined): Promise<void> {
  await tx.query(
    `UPDATE timer SET leased_by = NULL, lease_until = NULL, last_error = $3,
       state = CASE WHEN $4::timestamptz IS NULL THEN 'parked' ELSE state END,
       due_at = COALESCE($4::timestamptz, due_at),
       finished_at = CASE WHEN $4::timestamptz IS NULL THEN $5::timestamptz ELSE NULL END
     WHERE id = $1 AND leased_by = $2`,
    [id, worker, error, retryAt ?? null, now],
  );
}

export async function nextTimerDueAt(db: Sql): Promise<Date | undefined> {
  const [row] = await db.query<{ at: Date | null }>(`SELECT min(greatest(due_at, lease_until)) AS at FROM timer WHERE state = 'pending'`);
  return row?.at ?? undefined;
}

export interface TimerCounts {
  pending: number;
  parked: number;
  /** Seconds the most overdue pending timer is late by. */
  lagSeconds: number;
}

export async function timerCounts(db: Sql, now: Date): Promise<TimerCounts> {
  const [row] = await db.query<TimerCounts>(
    `SELECT count(*) FILTER (WHERE state = 'pending')::int AS pending,
            count(*) FILTER (WHERE state = 'parked')::int AS parked,
            COALESCE(extract(epoch FROM $1::timestamptz - min(due_at) FILTER (WHERE state = 'pending' AND due_at <= $1)), 0)::float8 AS "lagSeconds"
     FROM timer`,
    [now],
  );
  return row!;
}
