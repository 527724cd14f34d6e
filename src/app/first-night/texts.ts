/**
 * What the first night's app layer writes around the domain's texts (domain/first-night/texts.ts): the small
 * first-night card, the ⚠️ line a breach posts at once, the line when the fast cadence ends, the freeze-lift
 * line, and the evidence files' contents.
 */
import type { Card } from '../../chat/card.ts';
import { formatDurationShort, formatValue } from '../../domain/canary/format.ts';
import type { NightRules } from '../../domain/first-night/schedule.ts';
import type { CheckResult, SnapshotResult } from '../../domain/first-night/snapshot.ts';
import { limitText, offsetText } from '../../domain/first-night/texts.ts';

/** `2026-03-10 14:05 UTC` */
const utc = (t: Date | number): string => `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The first-night card: which release, since when, and the domain's one line about the night. */
export function nightCard(n: { version: string; releasedAt: Date }, line: string, note?: string): Card {
  const head = `*First night of ${n.version}* · at 100 % since ${utc(n.releasedAt)}`;
  const context = note ?? 'Each snapshot is posted in the release card’s thread.';
  return {
    text: `First night of ${n.version}: ${line}`,
    blocks: [
      { type: 'text', text: head },
      { type: 'text', text: line },
      { type: 'context', text: context },
    ],
  };
}

/** `<@U0ONCALL> <@U0OTHER>`, or who to tell when nobody holds the role. */
export const mentions = (users: readonly string[]): string => (users.length > 0 ? users.map((u) => `<@${u}>`).join(' ') : '_nobody holds the on-call role_');

const what = (c: CheckResult): string =>
  c.outcome === 'no-data' || c.value === undefined
    ? `${c.name} no data${c.why && c.why !== 'no data' ? ` (${c.why})` : ''}`
    : `${c.name} ${formatValue(c.value, c.unit)} (${limitText(c)})`;

/**
 * The line a snapshot that is not clean posts at once: ⚠️, what failed or had no data, who is told, and the
 * fast cadence it opens. `fresh`: the breach is new (a check that passed the previous snapshot does not now); the
 * on-call is named only then, not every 15 minutes while the same breach goes on.
 */
export function breachText(result: SnapshotResult, bad: readonly CheckResult[], oncall: readonly string[], rules: NightRules, fresh: boolean): string {
  const failed = bad.some((c) => c.outcome === 'fail');
  const kind = failed ? 'breach' : 'no data';
  const head = fresh
    ? `⚠️ *First-night ${kind} at ${offsetText(result.offsetMs)}*: ${bad.map(what).join(', ')}.`
    : `⚠️ *Still ${failed ? 'breaching' : 'without data'} at ${offsetText(result.offsetMs)}*: ${bad.map(what).join(', ')}.`;
  const cadence = `Snapshots every ${formatDurationShort(rules.fastEveryMs)} until ${rules.cleanRunsToRecover} clean in a row.`;
  return fresh ? `${head}\n${mentions(oncall)} please look. ${cadence}` : `${head} ${cadence}`;
}

export const recoveredText = (offsetMs: number, rules: NightRules): string =>
  `✅ ${rules.cleanRunsToRecover} clean snapshots in a row at ${offsetText(offsetMs)}: back to the normal first-night cadence.`;

export const freezeLiftedText = (version: string, at: Date): string =>
  `🔓 Freeze lifted for ${version} at ${utc(at)}: the first night is over.`;

/** The evidence file of one snapshot: its post, then the judged result as JSON. */
export function snapshotEvidence(n: { version: string; runId: number; releasedAt: Date }, pos: { n: number; of: number }, result: SnapshotResult, takenAt: Date, post: readonly string[]): string {
  return [
    `First-night snapshot ${pos.n}/${pos.of} of ${n.version} (canary run ${n.runId}), counted at ${offsetText(result.offsetMs)}: ${utc(n.releasedAt.getTime() + result.offsetMs)}; measured at ${takenAt.toISOString()}.`,
    '',
    ...post,
    '',
    '```json',
    JSON.stringify(result, null, 2),
    '```',
  ].join('\n');
}
