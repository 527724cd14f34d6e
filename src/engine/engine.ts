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

export function createEngine(deps: EngineDeps): Engine {
  const policy = { ...DEFAULT_RETRY, ...deps.policy };
  const full = { ...deps, policy };
  let running: Promise<void> | undefined;
  let stopping = false;
  let poke: (() => void) | undefined;

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

  async function loop() {
    while (!stopping) {
      try {
        await runDue();
      } catch (err) {
        deps.log.error({ err }, 'engine pass failed; trying again shortly');
      }
      const next = await nextWakeAt().catch(() => undefined);
      const wait = next ? Math.max(0, Math.min(IDLE_POLL_MS, next.getTime() - deps.clock.now().getTime())) : IDLE_POLL_MS;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        poke = () => (clearTimeout(timer), resolve());
      });
      poke = undefined;
    }
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
      stopping = false;
      running ??= loop();
    },
    wake: () => poke?.(),
    async stop() {
      stopping = true;
      poke?.();
      await running;
      running = undefined;
    },
  };
}
