import { outboxCounts, parkedRows, type OutboxCounts, type ParkedRow } from '../engine/outbox.ts';
import { timerCounts, type TimerCounts } from '../engine/timers.ts';
import type { Db } from '../store/db.ts';
import { latestRuns, type LatestRun } from './preflight/store.ts';
import { activeRuns, type StoredRun } from './run-of-show/record.ts';
import { openIncidents } from './incident/record.ts';
import type { IncidentState } from '../domain/incident/state.ts';
import { schemaState } from '../store/migrate.ts';

export interface StatusReport {
  at: Date;
  mode: string;
  database: { engine: Db['engine']; schemaVersion: number; latestSchema: number };
  configSource: string;
  timers: TimerCounts;
  outbox: OutboxCounts;
  /** The newest rows that could not be delivered: kept, and shown until someone acts. */
  parked: ParkedRow[];
  /** The latest preflight of each version, newest first. */
  preflights: LatestRun[];
  /** The runs of show counting down, or past T-0 with their change freeze on; soonest T-0 first. */
  runsOfShow: StoredRun[];
  /** Incidents not closed yet (unresolved, or their post-mortem or an action item open), oldest first. */
  incidents: IncidentState[];
}

export interface StatusContext {
  db: Db;
  mode: string;
  configSource: string;
}

export async function readStatus({ db, mode, configSource }: StatusContext, at: Date): Promise<StatusReport> {
  const [schema, timers, outbox, parked, preflights, runsOfShow, incidents] = await Promise.all([
    schemaState(db),
    timerCounts(db, at),
    outboxCounts(db, at),
    parkedRows(db, 5),
    latestRuns(db, 5),
    activeRuns(db),
    openIncidents(db),
  ]);
  return {
    at,
    mode,
    database: { engine: db.engine, schemaVersion: schema.version, latestSchema: schema.latest },
    configSource,
    timers,
    outbox,
    parked,
    preflights,
    runsOfShow,
    incidents: incidents.map((i) => i.state),
  };
}
