import cron, { type RunCoordinator, type ScheduledTask } from 'node-cron';
import type { Clock } from '../domain/clock.ts';
import type { Logger } from '../log.ts';
import type { Sql } from '../store/db.ts';

/**
 * Elects one replica per slot of a wall-clock job (node-cron calls it with `<job>:<slot time>`): the advisory
 * lock makes replicas that fire together take turns, the claimed row makes the slot run once.
 */
export function postgresCoordinator(db: Sql & { transaction: <T>(fn: (tx: Sql) => Promise<T>) => Promise<T> }, clock: Clock): RunCoordinator {
  return {
    shouldRun: (key) =>
      db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [key.split(':')[0]]);
        const rows = await tx.query('INSERT INTO cron_run (key, started_at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING key', [key, clock.now()]);
        return rows.length === 1;
      }),
    onComplete: async (key) => {
      await db.query('UPDATE cron_run SET finished_at = $2 WHERE key = $1', [key, clock.now()]);
    },
  };
}

export interface WallClockJob {
  name: string;
  /** Cron expression, read in `timezone`. */
  cron: string;
  timezone: string;
  run: () => Promise<void>;
}

/** Starts wall-clock jobs (hourly evidence, daily pruning) that run on one replica at a time. */
export function startWallClockJobs(jobs: WallClockJob[], coordinator: RunCoordinator, log: Logger): ScheduledTask[] {
  const logger = {
    info: (m: string) => log.debug(m),
    warn: (m: string) => log.warn(m),
    error: (m: string | Error, e?: Error) => log.error({ err: e ?? m }, 'wall-clock job failed'),
    debug: (m: string | Error) => log.debug(String(m)),
  };
  return jobs.map((job) =>
    cron.schedule(
      job.cron,
      async () => {
        try {
          await job.run();
        } catch (err) {
          log.error({ err, job: job.name }, 'wall-clock job failed');
        }
      },
      // node-cron asks the coordinator with the key `<name>:<slot time>`.
      { name: job.name, timezone: job.timezone, noOverlap: true, distributed: true, runCoordinator: coordinator, logger },
    ),
  );
}
