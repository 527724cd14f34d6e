import type { Sql } from '../store/db.ts';

const DAY = 86_400_000;

export interface Pruned {
  deliveries: number;
  outboxRows: number;
  cronRuns: number;
}

/**
 * Forgets what no longer matters: delivery ids older than Slack's retry horizon, delivered outbox rows and
 * finished job slots after a month. Parked rows and pending work are never pruned.
 */
export async function pruneOld(db: Sql, now: Date): Promise<Pruned> {
  const before = (days: number) => new Date(now.getTime() - days * DAY);
  const count = async (sql: string, at: Date) => (await db.query(sql, [at])).length;
  return {
    deliveries: await count('DELETE FROM inbound_delivery WHERE received_at < $1 RETURNING id', before(2)),
    outboxRows: await count(`DELETE FROM outbox WHERE state = 'delivered' AND delivered_at < $1 RETURNING id`, before(30)),
    cronRuns: await count('DELETE FROM cron_run WHERE finished_at < $1 RETURNING key', before(30)),
  };
}
