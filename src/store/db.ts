/** The storage port: the same SQL runs on the embedded PGlite and on a real PostgreSQL. */
export interface Sql {
  query<R extends object = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
}

/** One connection held for a while: a multi-statement script, or session-level locks. */
export interface Session extends Sql {
  exec(script: string): Promise<void>;
}

export interface Db extends Sql {
  readonly engine: 'postgres' | 'pglite';
  /** Runs fn in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  session<T>(fn: (s: Session) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
