import { isFirstDelivery } from '../app/deliveries.ts';
import { readStatus, type StatusContext } from '../app/status.ts';
import type { Clock } from '../domain/clock.ts';
import type { Logger } from '../log.ts';
import { onlyToAsker, textCard, type Reply } from './card.ts';
import { helpCard } from './cards/help.ts';
import { statusCard } from './cards/status.ts';
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
}

/** One router for every surface: Slack over HTTP, Socket Mode, and the console all call it. */
export interface Router {
  command(input: CommandInput): Promise<Reply>;
  action(input: ActionInput): Promise<Reply>;
}

const NOTHING: Reply = { posts: [] };

export function createRouter(deps: RouterDeps): Router {
  const { db, clock, log } = deps;

  async function duplicate(id: string | undefined, kind: string): Promise<boolean> {
    if (id === undefined || (await isFirstDelivery(db, id, kind, clock.now()))) return false;
    log.info({ deliveryId: id, kind }, 'duplicate delivery dropped');
    return true;
  }

  async function run(command: Command, asker: Asker): Promise<Reply> {
    switch (command.name) {
      case 'help':
        return onlyToAsker(helpCard());
      case 'status':
        return { posts: [{ channel: asker.channelId, card: statusCard(await readStatus(deps, clock.now())) }] };
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
      if (await duplicate(input.deliveryId, 'command')) return NOTHING;
      return run(parsed.command, input);
    },
    async action(input) {
      if (await duplicate(input.deliveryId, 'action')) return NOTHING;
      switch (input.actionId) {
        case ACTION.statusRefresh:
          return { posts: [], update: statusCard(await readStatus(deps, clock.now())) };
        default:
          log.warn({ actionId: input.actionId }, 'unknown action');
          return onlyToAsker(textCard('That button belongs to an older version of the bot; nothing was changed. Run the command again.'));
      }
    },
  };
}
