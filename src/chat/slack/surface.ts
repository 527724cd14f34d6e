import type { Context, RespondFn } from '@slack/bolt';
import PQueue from 'p-queue';
import type { Logger } from '../../log.ts';
import { scrubSecrets } from '../../log.ts';
import type { BotMetrics } from '../../server/metrics.ts';

/** What every Slack listener shares: ack latency measurement and one way to report a failure to the person. */
export interface Surface {
  acked(kind: 'command' | 'action' | 'view', context: Context): void;
  /** Counts a received `/spark` command by its subcommand (`invalid` when it did not parse). */
  commandReceived(command: string): void;
  /** Runs work after the ack, in the queue (or at once with `now`), and tells the person if it fails. */
  guard(respond: RespondFn, work: () => Promise<void>, opts?: { now: boolean }): Promise<void>;
}

/** Set by the receiver the moment a request arrives, so the ack histogram includes Bolt's own work. */
export const receivedAt = () => ({ receivedAt: performance.now() });

/**
 * Work after the ack runs a few at a time: a burst of commands then waits in line in memory
 * instead of crowding the event loop, so the next request is still acked well inside Slack's 3 s.
 */
const AFTER_ACK_CONCURRENCY = 4;

export function createSurface(metrics: BotMetrics, log: Logger): Surface {
  const afterAck = new PQueue({ concurrency: AFTER_ACK_CONCURRENCY });
  return {
    acked(kind, context) {
      const start = context.receivedAt;
      if (typeof start === 'number') metrics.ackSeconds.observe({ kind }, (performance.now() - start) / 1000);
    },
    commandReceived(command) {
      metrics.commands.inc({ command });
    },
    async guard(respond, work, opts) {
      try {
        await (opts?.now ? work() : afterAck.add(work));
      } catch (err) {
        log.error({ err }, 'a Slack request failed after its ack');
        const reason = scrubSecrets((err as Error).message);
        await respond({ response_type: 'ephemeral', replace_original: false, text: `That did not complete: ${reason}. Try again; if it keeps failing, the bot's log has the details.` }).catch(
          (e: unknown) => log.error({ err: e }, 'could not tell the user about the failure'),
        );
      }
    },
  };
}
