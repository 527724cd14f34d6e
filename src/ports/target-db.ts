/** Preflight's facts about the platform's PostgreSQL (RITUAL §2 checks 2, 4, 6, 10). Fetch only; checks judge. */

/** A row of `_prisma_migrations`. */
export interface MigrationRow {
  name: string;
  /** null: started, never finished */
  finishedAt: Date | null;
  rolledBackAt: Date | null;
  logs: string | null;
}

/**
 * A sequence and the column it feeds. Values are numbers: int8 values above 2^53 lose precision,
 * which does not change a ratio to the max or a comparison of ids in use.
 */
export interface SequenceRow {
  name: string;
  lastValue: number | null;
  maxValue: number;
  /** the column the sequence feeds (`OWNED BY` / a column default); null when it feeds none */
  feeds: { table: string; column: string } | null;
  /** `max(column)`; null for an empty table or no column */
  columnMax: number | null;
}

export interface TableStats {
  table: string;
  liveTuples: number;
  deadTuples: number;
  /** null: autovacuum never ran on it */
  lastAutovacuum: Date | null;
}

export interface TargetDb {
  /** The database's `now()`. */
  now(): Promise<Date>;
  prismaMigrations(): Promise<MigrationRow[]>;
  sequences(): Promise<SequenceRow[]>;
  tableStats(): Promise<TableStats[]>;
  /** Connections open now (`pg_stat_activity`). */
  connectionCount(): Promise<number>;
}
