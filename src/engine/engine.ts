import type { VirtualClock } from '../adapters/virtual-clock.ts';
import { dispatchDue, type DispatcherDeps } from './dispatcher.ts';
import { nextRowDueAt } from './outbox.ts';
import { DEFAULT_RETRY, type RetryPolicy } from './retry.ts';
import { runDueTimers, type TimerRunnerDeps } from './timer-runner.ts';
import { nextTimerDueAt } from './timers.ts';

export type EngineDeps = Omit<TimerRunnerDeps & DispatcherDeps, 'policy'> & { policy?: Partial<RetryPolicy> };

/** The engine room: runs due timers and delivers the outbox, in real time or in virtual time. */
export interface Engine {
  /** Runs due timers and delivers due rows until nothing more is due now. */
  runDue(): Promise<number>;
  /** When something will next be due (a timer, or a row waiting to be retried). */
  nextWakeAt(): Promise<Date | undefined>;
  /** Virtual time: jumps from one due moment to the next until nothing is left, or `until`. */
  fastForward(clock: VirtualClock, until?: Date): Promise<void>;
  /** Real time: keeps running until `stop()`; `wake()` makes it look at once (after a use case enqueued). */
  start(): void;
  wake(): void;
  stop(): Promise<void>;
}

const IDLE_POLL_MS = 1_000;
const BUSY_NAP_MS = 20;

/** One kind of work in real time: done until nothing is due, then a nap until it is due again or poked. */
function worker(work: () => Promise<number>, nextDue: () => Promise<Date | undefined>, deps: EngineDeps, what: string) {
  let poke: (() => void) | undefined;
  let stopping = false;
  async function run(afterWork: () => void) {
    while (!stopping) {
      try {
        while (!stopping && (await work()) > 0) afterWork();
      } catch (err) {
        deps.log.error({ err }, `${what} failed; trying again shortly`);
      }
      const next = await nextDue().catch(() => undefined);
      // Due but not runnable here (another replica holds its lease): look again soon, without spinning.
      const wait = next ? Math.max(BUSY_NAP_MS, Math.min(IDLE_POLL_MS, next.getTime() - deps.clock.now().getTime())) : IDLE_POLL_MS;
      if (stopping) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        poke = () => (clearTimeout(timer), resolve());
      });
      poke = undefined;
    }
  }
  return {
    run,
    wake: () => poke?.(),
    stop() {
      stopping = true;
      poke?.();
    },
  };
}

export function createEngine(deps: EngineDeps): Engine {
  const policy = { ...DEFAULT_RETRY, ...deps.policy };
  const full = { ...deps, policy };
  let running: Promise<unknown> | undefined;
  // In real time the timers and the outbox run side by side: a slow Slack must not hold up a rollback step.
  let timers: ReturnType<typeof worker> | undefined;
  let outbox: ReturnType<typeof worker> | undefined;

  async function runDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const done = (await runDueTimers(full)) + (await dispatchDue(full));
      if (done === 0) return total;
      total += done;
    }
  }

  async function nextWakeAt(): Promise<Date | undefined> {
    const [t, r] = await Promise.all([nextTimerDueAt(deps.db), nextRowDueAt(deps.db)]);
    return [t, r].filter((d): d is Date => d !== undefined).sort((a, b) => a.getTime() - b.getTime())[0];
  }

  return {
    runDue,
    nextWakeAt,
    async fastForward(clock, until) {
      for (;;) {
        const done = await runDue();
        const next = await nextWakeAt();
        if (!next || (until && next > until)) break;
        if (done === 0 && next <= clock.now()) throw new Error(`engine stuck: work due at ${next.toISOString()} cannot run`);
        clock.advanceTo(next);
      }
      if (until) clock.advanceTo(until);
    },
    start() {
      if (running) return;
      const t = worker(() => runDueTimers(full), () => nextTimerDueAt(deps.db), deps, 'timer pass');
      const o = worker(() => dispatchDue(full), () => nextRowDueAt(deps.db), deps, 'outbox pass');
      timers = t;
      outbox = o;
      // what a timer wrote for Slack goes out at once
      running = Promise.all([t.run(() => o.wake()), o.run(() => undefined)]);
    },
    wake() {
      timers?.wake();
      outbox?.wake();
    },
    async stop() {
      timers?.stop();
      outbox?.stop();
      await running;
      running = timers = outbox = undefined;
    },
  };
}
