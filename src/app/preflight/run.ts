import type { Card } from '../../chat/card.ts';
import { evidenceListCard, preflightCard, type CheckLine } from '../../chat/cards/preflight.ts';
import type { SparkConfig } from '../../config/schema.ts';
import type { Clock } from '../../domain/clock.ts';
import { verdictOf, type Finding, type RunVerdict } from '../../domain/preflight/finding.ts';
import { enqueue } from '../../engine/outbox.ts';
import { appendAudit } from '../../evidence/audit.ts';
import { writeEvidence, type EvidenceStore, type SealedFile } from '../../evidence/files.ts';
import { sealText } from '../../evidence/key.ts';
import type { Logger } from '../../log.ts';
import type { Db } from '../../store/db.ts';
import { isFirstDelivery } from '../deliveries.ts';
import { withTimeout } from '../timeout.ts';
import { NotConfigured, type CheckContext, type PreflightCheck, type PreflightSources } from './check.ts';
import { PREFLIGHT_CHECKS } from './checks.ts';
import { checkEvidence, summaryEvidence } from './evidence-text.ts';
import { finishRun, insertCheck, insertRun, previousConnections } from './store.ts';

export interface PreflightDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  config: SparkConfig;
  host: string;
  evidence: EvidenceStore;
  sources: PreflightSources;
  /** Tells the engine there is something new in the outbox. */
  wake: () => void;
}

export interface PreflightRequest {
  version: string;
  actor: string;
  channel: string;
  deliveryId?: string;
}

export interface PreflightResult {
  runId: number;
  verdict: RunVerdict;
  findings: Finding[];
  files: SealedFile[];
}

export async function runCheck(check: PreflightCheck, ctx: CheckContext, timeoutMs: number): Promise<Finding> {
  try {
    return await withTimeout(check.run(ctx), timeoutMs);
  } catch (err) {
    if (err instanceof NotConfigured) return { outcome: 'skipped', summary: err.message, lines: [err.message] };
    const message = (err as Error).message;
    return { outcome: 'fail', summary: message, lines: [`FAIL  ${message}`] };
  }
}

/**
 * `/spark preflight <version>`: posts the running card, runs the ten checks at once within the budget, and as each
 * finishes records it, seals its evidence file and updates the card; at the end seals the summary and lists the files
 * in the card's thread. Returns undefined for a repeated delivery of the same command.
 */
export async function runPreflight(deps: PreflightDeps, req: PreflightRequest): Promise<PreflightResult | undefined> {
  const { db, clock, config, evidence } = deps;
  const { budget, checkTimeout } = config.preflight;
  const started = clock.now();
  const lines: CheckLine[] = PREFLIGHT_CHECKS.map((c) => ({ title: c.title }));
  const view = (runId: number, done?: RunVerdict & { ms: number }): Card =>
    preflightCard({ version: req.version, actor: req.actor, runId, budgetMs: budget, checks: lines, ...(done ? { done } : {}) });

  const runId = await db.transaction(async (tx) => {
    if (req.deliveryId !== undefined && !(await isFirstDelivery(tx, req.deliveryId, 'command', started))) return undefined;
    const id = await insertRun(tx, { version: req.version, actor: req.actor, channel: req.channel, at: started });
    await appendAudit(tx, evidence.key, { at: started, actor: req.actor, action: 'preflight.started', version: req.version, details: { runId: id } });
    await enqueue(tx, { kind: 'slack.post', channel: req.channel, card: view(id), ref: `preflight:${id}` }, started);
    return id;
  });
  if (runId === undefined) return undefined;
  deps.wake();

  const ctx: CheckContext = {
    version: req.version,
    actor: req.actor,
    host: deps.host,
    now: () => clock.now(),
    config,
    sources: deps.sources,
    seal: (text) => sealText(evidence.key, text),
    previousConnections: await previousConnections(db),
  };
  const findings: Finding[] = [];
  const files: SealedFile[] = [];
  // Results are recorded one at a time, so every card update shows all the checks finished before it.
  let recorded = Promise.resolve();
  await Promise.all(
    PREFLIGHT_CHECKS.map(async (check, i) => {
      const from = clock.now().getTime();
      const finding = await runCheck(check, ctx, Math.min(checkTimeout, budget));
      const at = clock.now();
      const ms = at.getTime() - from;
      const record = async () => {
        findings[i] = finding;
        lines[i] = { title: check.title, outcome: finding.outcome, summary: finding.summary, ms };
        await db.transaction(async (tx) => {
          const file = await writeEvidence(tx, evidence, {
            version: req.version,
            kind: `preflight-${String(i + 1).padStart(2, '0')}-${check.id}`,
            at,
            actor: req.actor,
            title: `Preflight ${req.version}: ${i + 1}. ${check.title}`,
            content: checkEvidence({ runId, number: i + 1, finding, ms }),
          });
          files[i] = file;
          await insertCheck(tx, { runId, checkId: check.id, position: i + 1, finding, ms, evidencePath: file.path, at });
          await enqueue(tx, { kind: 'slack.update', channel: req.channel, card: view(runId), of: `preflight:${runId}` }, at);
        });
        deps.wake();
      };
      recorded = recorded.then(record);
      await recorded;
    }),
  );

  const end = clock.now();
  const verdict = verdictOf(findings.map((f) => f.outcome));
  const commit = (findings[0]?.data?.commit as string | null | undefined) ?? null;
  await db.transaction(async (tx) => {
    const summary = await writeEvidence(tx, evidence, {
      version: req.version,
      kind: 'preflight-summary',
      at: end,
      actor: req.actor,
      title: `Preflight ${req.version}: summary of run ${runId}`,
      content: summaryEvidence({ commit, started, end, verdict, titles: PREFLIGHT_CHECKS.map((c) => c.title), findings, files }),
    });
    files.push(summary);
    await finishRun(tx, { runId, at: end, verdict: verdict.verdict, commit, summaryPath: summary.path, summarySha256: summary.sha256 });
    await appendAudit(tx, evidence.key, {
      at: end,
      actor: req.actor,
      action: 'preflight.finished',
      version: req.version,
      details: { runId, verdict: verdict.verdict, counts: verdict.counts, summary: summary.path, sha256: summary.sha256 },
    });
    await enqueue(tx, { kind: 'slack.update', channel: req.channel, card: view(runId, { ...verdict, ms: end.getTime() - started.getTime() }), of: `preflight:${runId}` }, end);
    await enqueue(tx, { kind: 'slack.post', channel: req.channel, card: evidenceListCard(req.version, files), threadOf: `preflight:${runId}` }, end);
  });
  deps.wake();
  return { runId, verdict, findings, files };
}
