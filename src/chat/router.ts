import { isFirstDelivery } from '../app/deliveries.ts';
import { runPreflight, type PreflightDeps } from '../app/preflight/run.ts';
import { readStatus, type StatusContext } from '../app/status.ts';
import type { Clock } from '../domain/clock.ts';
import { enqueue, type OutboxItem } from '../engine/outbox.ts';
import type { Logger } from '../log.ts';
import { onlyToAsker, textCard, type Reply } from './card.ts';
import { helpCard } from './cards/help.ts';
import { evidenceCard } from './cards/evidence.ts';
import { statusCard } from './cards/status.ts';
import { verifyEvidence } from '../evidence/verify.ts';
import { parseCommand, type Command } from './commands.ts';
import { ACTION } from './ids.ts';

/** Who pressed or typed, and where. */
export interface Asker {
  userId: string;
  channelId: string;
}

export interface CommandInput extends Asker {
  text: string;
  /** Slack's id for this delivery (retries repeat it); absent in the console. */
  deliveryId?: string;
}

export interface ActionInput extends Asker {
  actionId: string;
  value: string;
  messageTs?: string;
  deliveryId?: string;
}

export interface RouterDeps extends StatusContext {
  clock: Clock;
  log: Logger;
  /** Tells the engine there is something new in the outbox. */
  wake: () => void;
  preflight: Pick<PreflightDeps, 'config' | 'host' | 'evidence' | 'sources'>;
}

/** One router for every surface: Slack over HTTP, Socket Mode, and the console all call it. */
export interface Router {
  command(input: CommandInput): Promise<Reply>;
  action(input: ActionInput): Promise<Reply>;
}

const NOTHING: Reply = {};

export function createRouter(deps: RouterDeps): Router {
  const { db, clock, log } = deps;

  /**
   * Records the delivery and what it makes the bot say, in one transaction: a Slack retry of the
   * same delivery finds it recorded and says nothing twice.
   */
  async function once(deliveryId: string | undefined, kind: string, say: OutboxItem[]): Promise<boolean> {
    const first = await db.transaction(async (tx) => {
      const now = clock.now();
      if (deliveryId !== undefined && !(await isFirstDelivery(tx, deliveryId, kind, now))) return false;
      for (const item of say) await enqueue(tx, item, now);
      return true;
    });
    if (first) deps.wake();
    else log.info({ deliveryId, kind }, 'duplicate delivery dropped');
    return first;
  }

  async function run(command: Command, input: CommandInput): Promise<Reply> {
    switch (command.name) {
      case 'help':
        return (await once(input.deliveryId, 'command', [])) ? onlyToAsker(helpCard()) : NOTHING;
      case 'preflight':
        // The ritual's decisions are made in #spark-deploys, wherever the command was typed.
        await runPreflight(
          { ...deps.preflight, db, clock, log, wake: deps.wake },
          { version: command.version, actor: input.userId, channel: deps.preflight.config.channels.deploys, deliveryId: input.deliveryId },
        );
        return NOTHING;
      case 'evidence': {
        const { evidence } = deps.preflight;
        const report = await db.transaction((tx) => verifyEvidence(tx, evidence, command.version));
        await once(input.deliveryId, 'command', [{ kind: 'slack.post', channel: input.channelId, card: evidenceCard(report) }]);
        return NOTHING;
      }
      case 'status': {
        const card = statusCard(await readStatus(deps, clock.now()));
        await once(input.deliveryId, 'command', [{ kind: 'slack.post', channel: input.channelId, card }]);
        return NOTHING;
      }
      default:
        return onlyToAsker(
          textCard(`\`/spark ${command.name.replace('-cancel', ' cancel')}\` is not available in this build yet. Nothing was changed.`),
        );
    }
  }

  return {
    async command(input) {
      const parsed = parseCommand(input.text);
      if (!parsed.ok) return onlyToAsker(textCard(parsed.problem));
      return run(parsed.command, input);
    },
    async action(input) {
      switch (input.actionId) {
        case ACTION.statusRefresh: {
          if (!input.messageTs) return NOTHING;
          const card = statusCard(await readStatus(deps, clock.now()));
          await once(input.deliveryId, 'action', [{ kind: 'slack.update', channel: input.channelId, ts: input.messageTs, card }]);
          return NOTHING;
        }
        default:
          log.warn({ actionId: input.actionId }, 'unknown action');
          return onlyToAsker(textCard('That button belongs to an older version of the bot; nothing was changed. Run the command again.'));
      }
    },
  };
}
