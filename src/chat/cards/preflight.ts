import type { Outcome, RunVerdict } from '../../domain/preflight/finding.ts';
import type { Block, Card } from '../card.ts';

export interface CheckLine {
  title: string;
  /** undefined while it runs */
  outcome?: Outcome;
  summary?: string;
  ms?: number;
}

export interface PreflightView {
  version: string;
  actor: string;
  runId: number;
  budgetMs: number;
  checks: CheckLine[];
  /** set when every check has finished */
  done?: RunVerdict & { ms: number };
  /** the bot stopped before every check finished */
  interrupted?: boolean;
}

const MARK: Record<Outcome, string> = { pass: '✅', warn: '⚠️', fail: '❌', skipped: '⏭' };

const VERDICT: Record<RunVerdict['verdict'], string> = {
  ready: '✅ *Ready*',
  'ready-with-warnings': '⚠️ *Ready, with warnings*',
  incomplete: '⏭ *Incomplete*: a skipped check is not a pass',
  'not-ready': '❌ *Not ready*',
};

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function line(c: CheckLine, i: number): string {
  if (!c.outcome) return `⏳ ${i + 1}. ${c.title} — running`;
  // Only a slow check's time is worth a reader's attention; the total is always shown.
  const took = c.ms === undefined || c.ms < 1000 ? '' : ` _(${secs(c.ms)})_`;
  return `${MARK[c.outcome]} ${i + 1}. *${c.title}* — ${c.outcome === 'skipped' ? 'skipped: ' : ''}${c.summary ?? ''}${took}`;
}

/** The preflight card in #spark-deploys, posted when the run starts and updated in place as each check finishes. */
export function preflightCard(v: PreflightView): Card {
  const finished = v.checks.filter((c) => c.outcome).length;
  const blocks: Block[] = [{ type: 'header', text: `Preflight ${v.version}` }, { type: 'text', text: v.checks.map(line).join('\n') }];
  let text: string;
  if (v.done) {
    const { counts } = v.done;
    const tally = `${counts.pass} pass · ${counts.warn} warn · ${counts.fail} fail · ${counts.skipped} skipped`;
    blocks.push({ type: 'text', text: `${VERDICT[v.done.verdict]} — ${tally} in ${secs(v.done.ms)} (budget ${secs(v.budgetMs)})` });
    text = `Preflight ${v.version}: ${v.done.verdict.replace(/-/g, ' ')} (${tally})`;
  } else if (v.interrupted) {
    blocks.push({ type: 'text', text: `⛔ *Interrupted*: the bot stopped after ${finished} of ${v.checks.length} checks; nothing from this run counts. Run \`/spark preflight ${v.version}\` again.` });
    text = `Preflight ${v.version} interrupted after ${finished} of ${v.checks.length} checks`;
  } else {
    blocks.push({ type: 'text', text: `Running: ${finished} of ${v.checks.length} checks done (budget ${secs(v.budgetMs)})` });
    text = `Preflight ${v.version} running: ${finished} of ${v.checks.length} checks done`;
  }
  blocks.push({ type: 'context', text: `Run ${v.runId} · started by <@${v.actor}> · evidence in the thread` });
  return { text, blocks };
}

/** The thread reply that lists a finished run's evidence files. */
export function evidenceListCard(version: string, files: { path: string; sha256: string }[]): Card {
  const list = files.map((f) => `• \`${f.path}\` sha256 \`${f.sha256.slice(0, 16)}…\``).join('\n');
  const text = `Evidence for preflight ${version}: ${files.length} files, sealed in the manifest and the audit log.`;
  return { text, blocks: [{ type: 'text', text: `${text}\n${list}` }, { type: 'context', text: `Verify: \`/spark evidence ${version}\`` }] };
}
