/** What every scenario checks about what the bot did, whatever the scenario. */
import { spawn } from 'node:child_process';
import type { DeployWebhookPlatform } from '../../fakes/deploy-webhook-platform.ts';
import { blockKitProblems } from '../../fakes/block-kit-limits.ts';
import type { FakeSlack, SlackCall } from '../../fakes/slack-web-api.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const WITH_BLOCKS = new Set(['chat.postMessage', 'chat.update', 'chat.postEphemeral', 'response_url']);
const WITH_VIEW = new Set(['views.open', 'views.update', 'views.publish', 'views.push']);

const blocksOf = (c: SlackCall): unknown => (WITH_VIEW.has(c.method) ? (c.body.view as { blocks?: unknown } | undefined)?.blocks : c.body.blocks);

/**
 * Every message, update, ephemeral answer and form the bot sent, against Block Kit's limits (the fake answers
 * `invalid_blocks` to a post that breaks one, but a refused post must count too): `method #n: problem` lines.
 */
export function blockKitViolations(slack: FakeSlack): string[] {
  return slack.calls
    .filter((c) => WITH_BLOCKS.has(c.method) || WITH_VIEW.has(c.method))
    .flatMap((c, i) => blockKitProblems(blocksOf(c)).map((p) => `${c.method} #${i} (${String(c.body.text ?? '').slice(0, 60)}): ${p}`));
}

/** How many messages the bot sent and Slack kept (a count per method). */
export const sent = (slack: FakeSlack) => slack.calls.filter((c) => (WITH_BLOCKS.has(c.method) || WITH_VIEW.has(c.method)) && c.status === 200).length;

/** Messages Slack kept more than once: the same delivery marker (or, for a message without one, the same thread and text). */
export function postedTwice(slack: FakeSlack): string[] {
  const seen = new Map<string, number>();
  for (const m of slack.messages()) {
    const marker = (m.metadata as { event_payload?: { marker?: string } } | undefined)?.event_payload?.marker;
    const key = marker ? `marker ${marker}` : `${m.channel}/${m.thread_ts ?? '-'}: ${m.text}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([key, n]) => `${n}× ${key}`);
}

/** Requests the deploy webhook refused (a bad signature or timestamp), and those that came unsigned. */
export const unsignedWebhookCalls = (w: DeployWebhookPlatform) => [...w.refused, ...w.calls.filter((c) => !/^v1=[0-9a-f]{64}$/.test(String(c.headers['x-spark-signature']))).map((c) => c.payload.action)];

/** `evidence verify <version>` run as an operator runs it, on the bot's database and evidence folder. */
export function verifyEvidenceCli(env: Record<string, string>, version: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'evidence', 'verify', version], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout.on('data', (d) => (out += String(d)));
    proc.stderr.on('data', (d) => (out += String(d)));
    proc.once('error', reject);
    proc.once('exit', (code) => resolve({ code, out }));
  });
}
