/** The T-0 card's Start canary: the IC starts the canary as themself, through the canary's own gate. */
import { t0Card } from '../../chat/cards/run-of-show.ts';
import { formatTime } from '../../domain/freeze.ts';
import { enqueue } from '../../engine/outbox.ts';
import { isIc, onlyIc } from '../canary/gate.ts';
import { unfinishedCanary } from '../canary/record.ts';
import { startCanary, type CanaryDeps } from '../canary/run.ts';
import { readRun } from './record.ts';
import { auditRun, runRef, type RunOfShowDeps, type Said } from './run.ts';

export async function startFromRunOfShow(deps: RunOfShowDeps, runId: number, actor: string, deliveryId?: string): Promise<Said> {
  const run = await readRun(deps.db, runId);
  if (!run) return 'That run of show no longer exists; nothing was started.';
  const now = deps.clock.now();
  if (run.status === 'cancelled') return `The run of show of ${run.version} was cancelled; nothing was started. Start a canary by hand with \`/spark canary ${run.version}\`.`;
  if (run.status === 'counting') return `T-0 of ${run.version} has not come yet (${formatTime(run.t0, run.state.zone)}); nothing was started.`;
  if (!isIc(deps.config, actor)) {
    const why = onlyIc(deps.config, deps.nameOf, 'start the canary from the run of show');
    await deps.db.transaction((tx) => auditRun(tx, deps, { at: now, actor, action: 'run-of-show.refused', version: run.version, details: { runId, why } }));
    return why;
  }
  const canaryDeps: CanaryDeps = { ...deps, metrics: deps.sources.metrics, deploy: deps.sources.deploy };
  const said = await startCanary(canaryDeps, { version: run.version, actor, channel: run.channel, deliveryId });
  const started = said === undefined ? await unfinishedCanary(deps.db) : undefined;
  if (started?.state.version === run.version) {
    const text = `▶️ *T-0 · ${run.version}*: ${deps.nameOf(actor)} pressed *Start canary*; the canary (run ${started.id}) is under way on its release card.`;
    await deps.db.transaction((tx) => enqueue(tx, { kind: 'slack.update', channel: run.channel, card: t0Card(runId, run.version, text, false), of: `${runRef(runId)}:t-0` }, now));
    deps.wake();
  }
  return said;
}
