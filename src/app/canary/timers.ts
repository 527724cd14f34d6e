/**
 * The canary's durable timers: the analysis tick, the hold's end, setting the traffic weight, and each step of
 * the rollback procedure. Each reads or calls the platform first, then writes what came of it in the transaction
 * that completes the timer; a crash in between leaves the timer due, and it runs again.
 */
import { isActive, type CanaryEvent } from '../../domain/canary/state.ts';
import type { DueTimer } from '../../engine/timers.ts';
import type { TimerHandler, TimerStep } from '../../engine/timer-runner.ts';
import { ROLLBACK_STEPS } from '../../ports/deploy.ts';
import { applyEvent, audit, BOT, CANARY_TIMER, inThread, scheduleRollbackStep } from './apply.ts';
import { callDeploy } from './call-deploy.ts';
import { measure } from './measure.ts';
import { lockCanary, readCanary, type StoredCanary } from './record.ts';
import type { CanaryDeps } from './run.ts';
import { healthText, stepText } from './texts.ts';

const runIdOf = (t: DueTimer) => Number(t.payload.runId);

/** One rollback step (0–5), then the health check (6): whether it went well, and one line about it. */
async function rollbackStep(deps: CanaryDeps, n: number, from: string, to: string): Promise<{ ok: boolean; detail: string; text: string }> {
  const name = ROLLBACK_STEPS[n];
  if (name) {
    const r = await callDeploy(deps, (d) => d.rollbackStep(name, { from, to }));
    const { ok, detail } = 'ok' in r ? r.ok : { ok: false, detail: r.failed };
    return { ok, detail, text: stepText(n + 1, ROLLBACK_STEPS.length, name, ok, detail) };
  }
  const r = await callDeploy(deps, (d) => d.health());
  const { healthy, detail } = 'ok' in r ? r.ok : { healthy: false, detail: r.failed };
  return { ok: healthy, detail, text: healthText(healthy, detail) };
}

export function canaryTimers(deps: CanaryDeps): Record<string, TimerHandler> {
  async function commit(step: TimerStep, id: number, event: CanaryEvent, at = step.now): Promise<void> {
    await step.commit(async (tx) => void (await applyEvent(tx, deps, id, event, at)));
  }

  return {
    // A tick within its slot measures and judges at the slot's time, Prometheus included: a few milliseconds of
    // scheduling must not leave a trigger's window at 2999 of 3000 ms and push its rollback a whole interval later.
    [CANARY_TIMER.tick]: async (timer, step) => {
      const stored = await readCanary(deps.db, runIdOf(timer));
      if (!stored || !isActive(stored.state.phase)) return;
      const late = step.now.getTime() - timer.dueAt.getTime();
      const at = late >= 0 && late < stored.state.rules.analysisIntervalMs ? timer.dueAt : step.now;
      const samples = await measure(deps, stored.state, at);
      await commit(step, stored.id, { type: 'tick', ...samples }, at);
    },

    [CANARY_TIMER.holdEnded]: (timer, step) => commit(step, runIdOf(timer), { type: 'hold-ended', stage: Number(timer.payload.stage) }),

    // A failed weight rolls the canary back: its traffic is not where the stage says it is.
    [CANARY_TIMER.setWeight]: async (timer, step) => {
      const stage = Number(timer.payload.stage);
      const weight = Number(timer.payload.weight);
      const stored = await readCanary(deps.db, runIdOf(timer));
      // overtaken: the canary moved on or is rolling back; its traffic must not be raised now
      if (!stored || !isActive(stored.state.phase) || stored.state.current?.stage !== stage) return;
      const { id, state } = stored;
      const r = await callDeploy(deps, (d) => d.setWeight(state.version, weight));
      await step.commit(async (tx) => {
        const details = { runId: id, stage, weight };
        if ('ok' in r) {
          await audit(tx, deps, { at: step.now, actor: BOT, action: 'canary.weight-set', version: state.version, details });
          await applyEvent(tx, deps, id, { type: 'weight-confirmed', stage }, step.now);
          return;
        }
        await audit(tx, deps, { at: step.now, actor: BOT, action: 'canary.weight-failed', version: state.version, details: { ...details, error: r.failed } });
        await inThread(tx, stored, `⚠️ The deploy target could not set ${state.version} to ${weight} % (stage ${stage}): ${r.failed}`, step.now);
        const reason = `the deploy target could not set stage ${stage}'s weight (${weight} %): ${r.failed}`;
        await applyEvent(tx, deps, id, { type: 'rollback', by: BOT, reason }, step.now);
      });
    },

    // Each step is its own timer: its report is written once, with the step's completion, and a crash resumes at the step.
    [CANARY_TIMER.rollbackStep]: async (timer, step) => {
      const attempt = Number(timer.payload.attempt);
      const n = Number(timer.payload.step);
      const current = (s: StoredCanary | undefined): s is StoredCanary => s?.state.phase === 'rolling-back' && s.state.rollback?.attempts === attempt;
      const stored = await readCanary(deps.db, runIdOf(timer));
      if (!current(stored)) return;
      const { id, state, rollbackTo } = stored;
      const done = await rollbackStep(deps, n, state.version, rollbackTo);
      await step.commit(async (tx) => {
        if (!current(await lockCanary(tx, id))) return;
        await inThread(tx, stored, done.text, step.now);
        const what = ROLLBACK_STEPS[n] ?? 'health';
        await audit(tx, deps, { at: step.now, actor: BOT, action: 'canary.rollback-step', version: state.version, details: { runId: id, attempt, step: what, ok: done.ok, detail: done.detail } });
        if (done.ok && n < ROLLBACK_STEPS.length) return scheduleRollbackStep(tx, id, attempt, n + 1, step.now);
        const detail = done.ok ? `${rollbackTo} is healthy: ${done.detail}` : `${what === 'health' ? 'the health check' : `step ${what}`} failed: ${done.detail}`;
        await applyEvent(tx, deps, id, { type: 'rollback-finished', ok: done.ok, detail }, step.now);
      });
    },
  };
}
