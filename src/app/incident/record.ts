/**
 * Incidents as stored: one `incident` row each, the domain state in `state`, and beside it what lists, the
 * canary's gate and /metrics read without parsing the state (status, level, closed).
 */
import { isClosed, levelName } from '../../domain/incident/machine.ts';
import type { IncidentState } from '../../domain/incident/state.ts';
import type { OnCallUser } from '../../ports/on-call.ts';
import type { Sql } from '../../store/db.ts';

export interface StoredIncident {
  id: string;
  seq: number;
  channel: string;
  state: IncidentState;
  onCall: OnCallUser[] | null;
  pagingFallbackAt: Date | null;
}

/** What an automatic incident was opened for: opening it again for the same thing finds the first. */
export interface OriginKey {
  origin: 'auto-rollback' | 'first-night-breach';
  key: string;
}

const COLUMNS = `id, seq, channel, state, on_call AS "onCall", paging_fallback_at AS "pagingFallbackAt"`;
const row = (r: StoredIncident | undefined): StoredIncident | undefined => r && { ...r, seq: Number(r.seq) };

/** The next incident's number: INC-<n>. */
export async function nextIncidentSeq(tx: Sql): Promise<number> {
  const [r] = await tx.query<{ n: string | number }>(`SELECT nextval(pg_get_serial_sequence('incident', 'seq')) AS n`);
  return Number(r?.n);
}

export const incidentId = (seq: number) => `INC-${seq}`;

/** Inserts the opened incident; false when one was already opened for the same origin key. */
export async function insertIncident(tx: Sql, seq: number, channel: string, s: IncidentState, at: Date, origin?: OriginKey): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO incident (id, seq, version, severity, status, level, closed, channel, origin, origin_key, state, opened_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, false, $7, $8, $9, $10, $11, $11)
     ON CONFLICT (origin, origin_key) WHERE origin_key IS NOT NULL DO NOTHING RETURNING id`,
    [s.id, seq, s.version ?? null, s.severity, s.status, levelName(s), channel, s.origin.kind, origin?.key ?? null, JSON.stringify(s), at],
  );
  return rows.length === 1;
}

export async function incidentOfOrigin(tx: Sql, origin: OriginKey): Promise<StoredIncident | undefined> {
  const [r] = await tx.query<StoredIncident>(`SELECT ${COLUMNS} FROM incident WHERE origin = $1 AND origin_key = $2`, [origin.origin, origin.key]);
  return row(r);
}

/** The incident, locked until tx ends: a timer and a click are applied one after another. */
export async function lockIncident(tx: Sql, seq: number): Promise<StoredIncident | undefined> {
  const [r] = await tx.query<StoredIncident>(`SELECT ${COLUMNS} FROM incident WHERE seq = $1 FOR UPDATE`, [seq]);
  return row(r);
}

export async function readIncident(db: Sql, seq: number): Promise<StoredIncident | undefined> {
  const [r] = await db.query<StoredIncident>(`SELECT ${COLUMNS} FROM incident WHERE seq = $1`, [seq]);
  return row(r);
}

export async function saveIncident(tx: Sql, seq: number, s: IncidentState, now: Date): Promise<void> {
  await tx.query('UPDATE incident SET state = $2, status = $3, level = $4, closed = $5, updated_at = $6 WHERE seq = $1', [
    seq, JSON.stringify(s), s.status, levelName(s), isClosed(s), now,
  ]);
}

export async function saveOnCall(tx: Sql, seq: number, users: OnCallUser[]): Promise<void> {
  await tx.query('UPDATE incident SET on_call = $2 WHERE seq = $1', [seq, JSON.stringify(users)]);
}

/** Marks the paging fallback posted; false when it already was. */
export async function markPagingFallback(tx: Sql, seq: number, at: Date): Promise<boolean> {
  const rows = await tx.query('UPDATE incident SET paging_fallback_at = $2 WHERE seq = $1 AND paging_fallback_at IS NULL RETURNING seq', [seq, at]);
  return rows.length === 1;
}

/** Incidents not closed yet (unresolved, or a post-mortem or an action item open), oldest first. */
export async function openIncidents(db: Sql): Promise<StoredIncident[]> {
  const rows = await db.query<StoredIncident>(`SELECT ${COLUMNS} FROM incident WHERE NOT closed ORDER BY seq`);
  return rows.map((r) => row(r)!);
}

/** The oldest unresolved incident linked to a release: while there is one, no canary starts. */
export async function blockingIncident(db: Sql): Promise<StoredIncident | undefined> {
  const [r] = await db.query<StoredIncident>(`SELECT ${COLUMNS} FROM incident WHERE status <> 'resolved' AND version IS NOT NULL ORDER BY seq LIMIT 1`);
  return row(r);
}

/** The unresolved incident a first night already opened (a breach going on adds to it instead of opening another). */
export async function openIncidentOfNight(db: Sql, nightId: number): Promise<StoredIncident | undefined> {
  const [r] = await db.query<StoredIncident>(
    `SELECT ${COLUMNS} FROM incident WHERE origin = 'first-night-breach' AND origin_key LIKE $1 AND status <> 'resolved' ORDER BY seq DESC LIMIT 1`,
    [`night:${nightId}:%`],
  );
  return row(r);
}

/** Whether every PagerDuty event of the incident written before `before` was accepted. */
export async function undeliveredPages(db: Sql, id: string, before: Date): Promise<{ count: number; lastError: string | null }> {
  const [r] = await db.query<{ count: number; lastError: string | null }>(
    `SELECT count(*)::int AS count, max(last_error) AS "lastError" FROM outbox
     WHERE stream = $1 AND state <> 'delivered' AND created_at <= $2`,
    [`pagerduty:${id}`, before],
  );
  return r ?? { count: 0, lastError: null };
}
