/** Item 13: the outbox's producer and dispatcher timestamps, read from the platform's PostgreSQL with the configured query. */
import pg from 'pg';
import { SourceError } from '../ports/errors.ts';
import type { OutboxClock } from '../ports/redteam.ts';
import { redactUrl } from './redact-url.ts';

const DEFAULT_TIMEOUT_MS = 10_000;

type Row = { produced_at?: unknown; dispatched_at?: unknown };

export function pgOutboxClock(connectionString: string, opts: { query: string; timeoutMs?: number }): OutboxClock & { close(): Promise<void> } {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const where = redactUrl(connectionString);
  const pool = new pg.Pool({
    connectionString,
    max: 1,
    application_name: 'spark-ritual redteam',
    connectionTimeoutMillis: timeoutMs,
    statement_timeout: timeoutMs,
    // statement_timeout needs a server that answers; this one also ends a wait on a silent network.
    query_timeout: timeoutMs + 1_000,
  });
  // A dropped idle connection must not crash the bot; the next query opens another.
  pool.on('error', () => undefined);

  const timestamp = (row: Row, column: 'produced_at' | 'dispatched_at', i: number): Date => {
    const v = row[column];
    const at = v instanceof Date ? v : typeof v === 'string' || typeof v === 'number' ? new Date(v) : undefined;
    if (at === undefined || Number.isNaN(at.getTime())) {
      throw new SourceError(`the outbox query on ${where} gave row ${i + 1} no ${column} timestamp (got ${v === undefined ? 'no such column' : String(v)})`);
    }
    return at;
  };

  return {
    async samples() {
      let rows: Row[];
      try {
        rows = (await pool.query<Row>(opts.query)).rows;
      } catch (err) {
        throw new SourceError(`the outbox query on ${where}: ${(err as Error).message}`, { cause: err });
      }
      return rows.map((row, i) => ({ producedAt: timestamp(row, 'produced_at', i), dispatchedAt: timestamp(row, 'dispatched_at', i) }));
    },
    close: () => pool.end(),
  };
}
