import type { Card } from '../chat/card.ts';
import type { Clock } from '../domain/clock.ts';
import { scrubSecrets, type Logger } from '../log.ts';
import type { Db, Sql } from '../store/db.ts';
import { enqueue } from './outbox.ts';
import { backoffMs, type RetryPolicy } from './retry.ts';
import { claimDueTimer, completeTimer, failTimer, type DueTimer } from './timers.ts';

export interface TimerStep {
  now: Date;
  /**
   * Writes the timer's effects in the transaction that marks it done: both happen or neither.
   * Reads from outside (Prometheus, a deploy target) belong before it. Resolves false when
   * another worker took the timer over meanwhile, and nothing was written.
   */
  commit(write: (tx: Sql) => Promise<void>): Promise<boolean>;
}

export type TimerHandler = (timer: DueTimer, step: TimerStep) => Promise<void>;

export interface TimerRunnerDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  worker: string;
  policy: RetryPolicy;
  handlers: Record<string, TimerHandler>;
  /** Where a parked timer is reported. */
  alertChannel: string;
}

function parkedCard(timer: DueTimer, error: string): Card {
  const text = `:warning: A scheduled step failed ${timer.attempts} times and was parked: *${timer.kind}* (\`${timer.key}\`), due ${timer.dueAt.toISOString()}.\nLast error: ${error}`;
  return { text, blocks: [{ type: 'text', text }] };
}

async function runOne(deps: TimerRunnerDeps, timer: DueTimer): Promise<void> {
  const { db, clock, worker, policy, log } = deps;
  let committed = false;
  const step: TimerStep = {
    now: clock.now(),
    commit: (write) =>
      db.transaction(async (tx) => {
        if (committed || !(await completeTimer(tx, timer.id, worker, clock.now()))) return false;
        await write(tx);
        committed = true;
        return true;
      }),
  };
  try {
    const handler = deps.handlers[timer.kind];
    if (!handler) throw new Error(`no handler for timer kind "${timer.kind}"`);
    await handler(timer, step);
    if (!committed) await step.commit(async () => undefined);
  } catch (err) {
    const error = scrubSecrets(err instanceof Error ? err.message : String(err));
    const giveUp = timer.attempts >= policy.maxAttempts;
    const now = clock.now();
    await db.transaction(async (tx) => {
      await failTimer(tx, timer.id, worker, error, now, giveUp ? undefined : new Date(now.getTime() + backoffMs(policy, timer.attempts)));
      if (giveUp) await enqueue(tx, { kind: 'slack.post', channel: deps.alertChannel, card: parkedCard(timer, error) }, now);
    });
    if (giveUp) log.error({ timer: timer.key, kind: timer.kind, error }, 'timer parked');
    else log.warn({ timer: timer.key, attempts: timer.attempts, error }, 'timer failed; will retry');
  }
}

/** Runs every timer that is due now, one at a time; returns how many ran. */
export async function runDueTimers(deps: TimerRunnerDeps): Promise<number> {
  let ran = 0;
  for (;;) {
    const timer = await claimDueTimer(deps.db, deps.worker, deps.clock.now(), deps.policy.leaseMs);
    if (!timer) return ran;
    ran++;
    await runOne(deps, timer);
  }
}
