/**
 * The run of show's steps as durable timers, one kind per step. A step reads the stored run first and does nothing
 * unless the run is still counting down and the step has not run yet; work outside the database (the preflight, the
 * red team, the burst, reading files) comes before the transaction that completes its timer, which checks again
 * and writes what the step said, the card and the audit row. The preflight and the red team are started with a
 * delivery id of their own, so a step that runs again after a crash starts neither twice.
 */
import { basename } from 'node:path';
import { textCard } from '../../chat/card.ts';
import { t0Card } from '../../chat/cards/run-of-show.ts';
import { formatDurationShort } from '../../domain/canary/format.ts';
import { burstEvidence } from '../../domain/run-of-show/blast-radius.ts';
import { blastRadiusText, changeFreezeText, goText, greenButtonText, noGoText, preflightLine, redTeamLine, warRoomText, type ArtifactLine } from '../../domain/run-of-show/texts.ts';
import type { StepId } from '../../domain/run-of-show/timeline.ts';
import { enqueue } from '../../engine/outbox.ts';
import type { DueTimer } from '../../engine/timers.ts';
import type { TimerHandler, TimerStep } from '../../engine/timer-runner.ts';
import { writeEvidence } from '../../evidence/files.ts';
import type { Sql } from '../../store/db.ts';
import { missingGo } from '../canary/gate.ts';
import { unfinishedCanary } from '../canary/record.ts';
import { rebindGonogo } from '../gonogo/decide.ts';
import type { Source } from '../preflight/check.ts';
import { runPreflight } from '../preflight/run.ts';
import { latestRedteam, startRedteam } from '../redteam/run.ts';
import { blastRadiusFinding, type BurstTarget } from './blast-radius.ts';
import { readArtifacts, type Artifact } from './green-button.ts';
import { lockRun, readRun, saveRun, type StoredRun } from './record.ts';
import { auditRun, icNames, refOf, refreshCard, runRef, timerKind, type RunOfShowDeps } from './run.ts';

const BOT = 'spark-bot';

/** What a step wrote: the line for the card and the details for its audit row. */
interface Wrote {
  line: string;
  details?: Record<string, unknown>;
}

const waiting = (run: StoredRun | undefined, step: StepId): run is StoredRun => run !== undefined && run.status === 'counting' && run.state.done[step] === undefined;

const offsetOf = (run: StoredRun, step: StepId) => run.state.steps.find((s) => s.id === step)?.offsetMs ?? 0;

/** The version's latest preflight run, with its outcome counts. */
async function latestPreflight(db: Sql, version: string) {
  const [r] = await db.query<{ runId: number; verdict: string | null; counts: Record<string, number> }>(
    `SELECT r.id AS "runId", r.verdict,
            COALESCE((SELECT jsonb_object_agg(outcome, n) FROM (SELECT outcome, count(*)::int AS n FROM preflight_check c WHERE c.run_id = r.id GROUP BY outcome) x), '{}') AS counts
     FROM preflight_run r WHERE r.version = $1 ORDER BY r.id DESC LIMIT 1`,
    [version],
  );
  return r && { runId: Number(r.runId), verdict: r.verdict ?? 'running', counts: r.counts };
}

export function runOfShowTimers(deps: RunOfShowDeps, blastRadius: Source<BurstTarget>): Record<string, TimerHandler> {
  const post = (tx: Sql, run: StoredRun, text: string, now: Date, ref?: string, pin?: boolean) =>
    enqueue(tx, { kind: 'slack.post', channel: run.channel, card: textCard(text), ...(ref ? { ref } : {}), ...(pin ? { pin } : {}) }, now);

  /** Runs one step: `before` outside any transaction, `write` in the one that completes the timer. */
  async function runStep<M>(timer: DueTimer, s: TimerStep, step: StepId, before: (run: StoredRun) => Promise<M>, write: (tx: Sql, run: StoredRun, m: M, now: Date) => Promise<Wrote>) {
    const runId = Number(timer.payload.runId);
    const stored = await readRun(deps.db, runId);
    if (!waiting(stored, step)) return;
    const m = await before(stored);
    await s.commit(async (tx) => {
      const run = await lockRun(tx, runId);
      if (!waiting(run, step)) return;
      const now = s.now;
      const wrote = await write(tx, run, m, now);
      const state = { ...run.state, done: { ...run.state.done, [step]: { at: now.getTime(), line: wrote.line } } };
      const status = step === 'start-canary' ? 'zero' : run.status;
      await saveRun(tx, runId, state, status);
      await refreshCard(tx, deps, { ...run, state, status }, now);
      await auditRun(tx, deps, { at: now, actor: BOT, action: `run-of-show.${step}`, version: run.version, details: { runId, line: wrote.line, ...wrote.details } });
    });
    deps.wake();
  }

  const nothing = async () => undefined;

  const handlers: Record<StepId, TimerHandler> = {
    'change-freeze': (timer, s) =>
      runStep(timer, s, 'change-freeze', nothing, async (tx, run, _m, now) => {
        await post(tx, run, changeFreezeText(refOf(run), offsetOf(run, 'change-freeze')), now);
        return { line: 'no deploys until the freeze lift; emergency rollback any time' };
      }),

    'war-room': (timer, s) =>
      runStep(timer, s, 'war-room', nothing, async (tx, run, _m, now) => {
        await post(tx, run, warRoomText(refOf(run), offsetOf(run, 'war-room'), icNames(deps)), now, `${runRef(run.id)}:war-room`, true);
        return { line: 'protocol pinned; theories go to its thread' };
      }),

    preflight: (timer, s) =>
      runStep(
        timer,
        s,
        'preflight',
        async (run) => {
          const result = await runPreflight(deps, { version: run.version, actor: run.scheduledBy, channel: run.channel, deliveryId: `${runRef(run.id)}:preflight` });
          if (result) await rebindGonogo(deps, run.version);
          return result ? { runId: result.runId, verdict: result.verdict.verdict, counts: result.verdict.counts } : await latestPreflight(deps.db, run.version);
        },
        async (tx, run, found, now) => {
          const text = preflightLine(offsetOf(run, 'preflight'), found);
          await post(tx, run, text, now);
          return { line: found ? `run ${found.runId} ${found.verdict.replace(/-/g, ' ')}` : 'no run recorded', details: found ? { preflightRunId: found.runId, verdict: found.verdict } : {} };
        },
      ),

    'blast-radius': (timer, s) =>
      runStep(
        timer,
        s,
        'blast-radius',
        () => blastRadiusFinding(deps.config, blastRadius),
        async (tx, run, { finding, url }, now) => {
          const file = await writeEvidence(tx, deps.evidence, {
            version: run.version,
            kind: 'run-of-show-blast-radius',
            at: now,
            actor: BOT,
            title: `Run of show ${run.version}: micro blast-radius test ${finding.outcome}`,
            content: burstEvidence({ runId: run.id, at: now.toISOString(), finding }),
          });
          await post(tx, run, blastRadiusText(offsetOf(run, 'blast-radius'), finding, url, file.path), now);
          return { line: `${finding.outcome}: ${finding.summary}`, details: { outcome: finding.outcome, evidence: file.path, sha256: file.sha256, ...finding.data } };
        },
      ),

    'red-team': (timer, s) =>
      runStep(
        timer,
        s,
        'red-team',
        async (run) => {
          const note = await startRedteam({ ...deps, sources: deps.redteam }, { version: run.version, actor: run.scheduledBy, channel: run.channel, deliveryId: `${runRef(run.id)}:red-team` });
          return { note, latest: await latestRedteam(deps.db, run.version) };
        },
        async (tx, run, { note, latest }, now) => {
          await post(tx, run, redTeamLine(offsetOf(run, 'red-team'), latest, note), now);
          return { line: latest ? `run ${latest.runId}, ${latest.complete ? 'complete' : 'manual items to tick'}` : 'no run recorded', details: latest ? { redteamRunId: latest.runId } : {} };
        },
      ),

    'green-button': (timer, s) =>
      runStep(
        timer,
        s,
        'green-button',
        () => readArtifacts(deps.config),
        async (tx, run, artifacts, now) => {
          const lines: ArtifactLine[] = [];
          const sealedFiles: (Artifact & { evidence: string })[] = [];
          for (const a of artifacts) {
            if ('missing' in a) {
              lines.push({ what: a.what, missing: a.missing });
              continue;
            }
            const file = await writeEvidence(tx, deps.evidence, {
              version: run.version,
              kind: `run-of-show-${a.key}`,
              at: now,
              actor: BOT,
              title: `Run of show ${run.version}: ${a.what} at the green button`,
              content: `source: ${a.path}\nsha256 of the source: ${a.sha256}\nbytes: ${a.bytes}\n\n${a.content}`,
            });
            lines.push({ what: a.what, path: a.path, sha256: a.sha256, bytes: a.bytes, evidence: file.path });
            sealedFiles.push({ ...a, evidence: file.path });
          }
          const ref = `${runRef(run.id)}:green-button`;
          await post(tx, run, greenButtonText(refOf(run), offsetOf(run, 'green-button'), lines), now, ref);
          for (const a of sealedFiles) {
            if ('missing' in a) continue;
            const filename = `run-of-show-${run.id}-${basename(a.path)}`;
            await enqueue(tx, { kind: 'slack.upload', channel: run.channel, file: { filename, title: `${run.version} ${a.what}`, content: a.content }, threadOf: ref }, now);
          }
          const missing = lines.filter((l) => 'missing' in l).map((l) => l.what);
          return {
            line: missing.length ? `${missing.join(' and ')} missing` : 'SBOM and provenance attached',
            details: { attached: sealedFiles.map((a) => ({ what: a.what, evidence: a.evidence })), missing },
          };
        },
      ),

    'start-canary': (timer, s) =>
      runStep(timer, s, 'start-canary', nothing, async (tx, run, _m, now) => {
        const ref = refOf(run);
        const canary = await unfinishedCanary(tx);
        const why = canary ? `the canary of ${canary.state.version} (run ${canary.id}) is already ${canary.state.status.replace(/-/g, ' ')}` : await missingGo(tx, run.version, undefined);
        const first = deps.config.stages[0];
        const stage1 = first ? `${first.weight} % for ${formatDurationShort(first.hold)}` : 'stage 1';
        const text = why === undefined ? goText(ref, icNames(deps), stage1) : noGoText(ref, why);
        await enqueue(tx, { kind: 'slack.post', channel: run.channel, card: t0Card(run.id, run.version, text, why === undefined), ref: `${runRef(run.id)}:t-0` }, now);
        return { line: why === undefined ? 'GO recorded: Start canary is the IC’s' : `no Start canary: ${why}`, details: { go: why === undefined, ...(why ? { why } : {}) } };
      }),
  };
  return Object.fromEntries(Object.entries(handlers).map(([step, h]) => [timerKind(step as StepId), h]));
}
