/**
 * What the run of show says at each step (RITUAL §7), in Slack mrkdwn. Pure: names, times and results are passed in.
 * Times are shown as wall-clock times in the zone T-0 was typed in.
 */
import type { Finding } from '../preflight/finding.ts';
import { formatTime, local } from '../freeze/calendar.ts';
import { STEP_TITLE, tMinus, type StepId } from './timeline.ts';

/** `21:30`, the date too when it is not T-0's day. */
export function clockText(at: Date | number, zone: string, t0?: Date): string {
  const l = local(at, zone);
  return t0 === undefined || l.hasSame(local(t0, zone), 'day') ? l.toFormat('HH:mm') : l.toFormat('yyyy-MM-dd HH:mm');
}

/** `*T-30 · Change freeze*` */
export const stepHead = (id: StepId, offsetMs: number): string => `*${tMinus(offsetMs)} · ${STEP_TITLE[id]}*`;

export interface RunRef {
  version: string;
  t0: Date;
  zone: string;
}

const t0Text = (r: RunRef) => formatTime(r.t0, r.zone);

/** Why `/spark freeze` shows the window: the change freeze's reason. */
export const changeFreezeReason = (r: RunRef): string => `run of show ${r.version}, T-0 ${t0Text(r)}; only ${r.version}'s own canary goes ahead`;

export function changeFreezeText(r: RunRef, offsetMs: number): string {
  return [
    `🧊 ${stepHead('change-freeze', offsetMs)} for ${r.version}: from now until the freeze lift after the first night, no deploys and no schema changes. Hold open PRs with the \`hold-for-canary\` label.`,
    `Emergency rollback is allowed at any time. \`/spark freeze\` shows the state. T-0 is ${t0Text(r)}.`,
  ].join('\n');
}

/** The war room's protocol, posted at T-20 for the release: who decides, what is said where. */
export function warRoomText(r: RunRef, offsetMs: number, ic: readonly string[]): string {
  const who = ic.length > 0 ? `the IC (${ic.join(' or ')})` : 'the IC';
  return [
    `🚨 ${stepHead('war-room', offsetMs)} for ${r.version}, T-0 at ${clockText(r.t0, r.zone)}. Until the release is over, this channel is the war room:`,
    '1. Signal only: measured values, results and decisions here; nothing else.',
    `2. One decision-maker: ${who}. Everyone else proposes; no deploy, flag change or restart without the IC.`,
    '3. Every decision is a minute: `Time | Stage | Metrics | Decision`.',
    '4. Theories go to the parking lot, the thread under this message, until one is backed by a measurement.',
    '5. Emergency rollback is allowed at any time: `/spark rollback <reason>`.',
  ].join('\n');
}

export const VERDICT_TEXT: Record<string, string> = {
  ready: '✅ ready',
  'ready-with-warnings': '⚠️ ready, with warnings',
  incomplete: '⏭ incomplete: a skipped check is not a pass',
  'not-ready': '❌ not ready',
};

export function preflightLine(offsetMs: number, run: { runId: number; verdict: string; counts: Record<string, number> } | undefined): string {
  if (!run) return `🔎 ${stepHead('preflight', offsetMs)}: no preflight run was recorded.`;
  const c = run.counts;
  const tally = `${c.pass ?? 0} pass · ${c.warn ?? 0} warn · ${c.fail ?? 0} fail · ${c.skipped ?? 0} skipped`;
  return `🔎 ${stepHead('preflight', offsetMs)}: run ${run.runId} ${VERDICT_TEXT[run.verdict] ?? run.verdict} (${tally}).`;
}

const MARK: Record<Finding['outcome'], string> = { pass: '✅', warn: '⚠️', fail: '❌', skipped: '⏭' };

export function blastRadiusText(offsetMs: number, finding: Finding, url: string | undefined, evidence: string): string {
  const where = url ? ` against ${url}` : '';
  return `💥 ${stepHead('blast-radius', offsetMs)}${where}: ${MARK[finding.outcome]} ${finding.summary}. Sealed in \`${evidence}\`.`;
}

export function redTeamLine(offsetMs: number, run: { runId: number; counts: Record<string, number>; complete: boolean } | undefined, note: string | undefined): string {
  if (!run) return `🛡 ${stepHead('red-team', offsetMs)}: no red-team run was recorded.`;
  const c = run.counts;
  const tally = `${c.pass ?? 0} pass · ${c.warn ?? 0} warn · ${c.fail ?? 0} fail · ${c.skipped ?? 0} skipped · ${c.open ?? 0} open`;
  const rest = run.complete ? 'complete' : 'the Red Team Lead ticks the open items on its card';
  return `🛡 ${stepHead('red-team', offsetMs)}: run ${run.runId}, items 11–15 ran (${tally}); ${rest}.${note ? ` ${note}` : ''}`;
}

/** One artifact of the green button: sealed, or why not. */
export type ArtifactLine = { what: string; path: string; sha256: string; bytes: number; evidence: string } | { what: string; missing: string };

const kb = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} kB`);

export function greenButtonText(r: RunRef, offsetMs: number, artifacts: readonly ArtifactLine[]): string {
  const lines = artifacts.map((a) =>
    'missing' in a ? `⏭ ${a.what}: ${a.missing}` : `✅ ${a.what} \`${a.path}\` (${kb(a.bytes)}, sha256 ${a.sha256.slice(0, 12)}…), sealed in \`${a.evidence}\``,
  );
  const all = artifacts.every((a) => !('missing' in a));
  return [
    `🟢 ${stepHead('green-button', offsetMs)} for ${r.version}: ${all ? 'the release evidence is attached.' : 'release evidence is missing; it is not a pass.'}`,
    ...lines,
    `At T-0 (${clockText(r.t0, r.zone)}) the IC gets *Start canary*, if GO is recorded.`,
  ].join('\n');
}

export function goText(r: RunRef, ic: readonly string[], stage1: string): string {
  const who = ic.length > 0 ? ic.join(' or ') : 'the IC';
  return `🚀 *T-0 · ${r.version}*: GO is recorded. ${who}: press *Start canary* for stage 1 (${stage1}).`;
}

export function noGoText(r: RunRef, why: string): string {
  return `⛔ *T-0 · ${r.version}*: no *Start canary*: ${why}. When that is settled, the IC starts it with \`/spark canary ${r.version}\`. The change freeze holds meanwhile; \`/spark runofshow cancel ${r.version}\` calls the release off and lifts it.`;
}

export function cancelledText(r: RunRef, by: string, freezeLifted: boolean): string {
  const freeze = freezeLifted ? ' The change freeze is lifted.' : '';
  return `✖ Run of show ${r.version} (T-0 ${t0Text(r)}) cancelled by ${by}: the steps still to come will not run.${freeze}`;
}

export function existsText(r: RunRef & { id: number; by: string }): string {
  return `A run of show for ${r.version} exists already (run ${r.id}, T-0 ${t0Text(r)}, scheduled by ${r.by}); nothing was scheduled. To move it, cancel it with \`/spark runofshow cancel ${r.version}\` and schedule it again.`;
}
