/** pgBouncer's admin console (RITUAL §2 check 3). */

export type PoolMode = 'session' | 'transaction' | 'statement';

/** A row of `SHOW POOLS`, with the pool size `SHOW DATABASES` configures for its database. */
export interface PoolRow {
  database: string;
  user: string;
  cl_active: number;
  cl_waiting: number;
  sv_active: number;
  sv_idle: number;
  sv_used: number;
  /** seconds the oldest waiting client has waited */
  maxwait: number;
  pool_mode: PoolMode;
  pool_size: number;
}

/** A row of `SHOW STATS`: averages over pgBouncer's last stats period (60 s by default). */
export interface StatsRow {
  database: string;
  xactsPerSecond: number;
  avgQueryMs: number;
  /** how long clients waited for a server connection, on average */
  avgWaitMs: number;
}

export interface PgBouncer {
  pools(): Promise<PoolRow[]>;
  stats(): Promise<StatsRow[]>;
}
