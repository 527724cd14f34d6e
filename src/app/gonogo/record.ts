import type { GonogoSession } from '../../domain/gonogo/types.ts';
import type { Sql } from '../../store/db.ts';

export interface StoredSession {
  id: number;
  channel: string;
  session: GonogoSession;
}

/** The session, locked until tx ends: concurrent clicks on one card are applied one after another. */
export async function lockSession(tx: Sql, id: number): Promise<StoredSession | undefined> {
  const [row] = await tx.query<{ id: number; channel: string; state: GonogoSession }>('SELECT id, channel, state FROM gonogo_session WHERE id = $1 FOR UPDATE', [id]);
  return row && { id: row.id, channel: row.channel, session: row.state };
}

export async function readSession(db: Sql, id: number): Promise<StoredSession | undefined> {
  const [row] = await db.query<{ id: number; channel: string; state: GonogoSession }>('SELECT id, channel, state FROM gonogo_session WHERE id = $1', [id]);
  return row && { id: row.id, channel: row.channel, session: row.state };
}

export async function openSessionIds(db: Sql, version: string): Promise<number[]> {
  return (await db.query<{ id: number }>('SELECT id FROM gonogo_session WHERE version = $1 AND decided_at IS NULL', [version])).map((r) => r.id);
}

export async function insertSession(tx: Sql, channel: string, s: GonogoSession, at: Date): Promise<number> {
  const [row] = await tx.query<{ id: number }>(
    'INSERT INTO gonogo_session (version, channel, status, state, opened_at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
    [s.version, channel, s.status, JSON.stringify(s), at],
  );
  return row!.id;
}

export async function saveSession(tx: Sql, id: number, s: GonogoSession): Promise<void> {
  await tx.query('UPDATE gonogo_session SET status = $2, state = $3, decided_at = $4 WHERE id = $1', [id, s.status, JSON.stringify(s), s.decision?.at ?? null]);
}
