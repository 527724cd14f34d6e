import type { Sql } from '../store/db.ts';

/**
 * Records an inbound delivery (a slash command, a button press) and says whether it is the first.
 * Slack's retries and replays carry the same id, so they are recognised and dropped.
 */
export async function isFirstDelivery(db: Sql, id: string, kind: string, at: Date): Promise<boolean> {
  const rows = await db.query(
    'INSERT INTO inbound_delivery (id, kind, received_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING RETURNING id',
    [id, kind, at],
  );
  return rows.length === 1;
}
