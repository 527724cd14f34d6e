import { releaseOneliner, rollbackCanary, startCanary, type CanaryDeps } from '../app/canary/run.ts';
import { isFirstDelivery } from '../app/deliveries.ts';
import { openGonogo, rebindGonogo, refreshGonogos, type GonogoDeps } from '../app/gonogo/decide.ts';
import { runPreflight } from '../app/preflight/run.ts';
import { startRedteam, type RedteamDeps } from '../app/redteam/run.ts';
import type { Ritual } from '../app/ritual.ts';
import { recordDrill } from '../app/rollback-drill.ts';
import { cancelRunOfShow, changeFreezes, scheduleRunOfShow, type RunOfShowDeps } from '../app/run-of-show/run.ts';
import { runOfShowButtons } from './buttons/run-of-show.ts';
import { actOnIncident, declareIncident, type IncidentDeps } from '../app/incident/run.ts';
import { openIncidents, readIncident } from '../app/incident/record.ts';
import { actionListText } from '../app/incident/texts.ts';
import { incidentButtons } from './buttons/incident.ts';
import { canaryButtons } from './buttons/canary.ts';
import { gonogoButtons } from './buttons/gonogo.ts';
import { said, targetOf, type ButtonHandler } from './buttons/handler.ts';
import { redteamButtons } from './buttons/redteam.ts';
import { readStatus, type StatusContext } from '../app/status.ts';
import type { Clock } from '../domain/clock.ts';
import { enqueue, type OutboxItem } from '../engine/outbox.ts';
import type { Logger } from '../log.ts';
import { onlyToAsker, textCard, type Reply, type SubmitReply } from './card.ts';
import { helpCard } from './cards/help.ts';
import { evidenceCard } from './cards/evidence.ts';
import { statusCard } from './cards/status.ts';
import { freezeView } from '../app/freeze.ts';
import { freezeCard } from './cards/freeze.ts';
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
  ritual: Ritual;
}

/** A submitted modal: its one input's text, and the metadata it was opened with. */
export interface SubmitInput {
  callbackId: string;
  metadata: string;
  value: string;
  /** the form's further fields, by id */
  fields?: Record<string, string>;
  userId: string;
  deliveryId?: string;
}

/** One router for every surface: Slack over HTTP, Socket Mode, and the console all call it. */
export interface Router {
  command(input: CommandInput): Promise<Reply>;
  action(input: ActionInput): Promise<Reply>;
  submit(input: SubmitInput): Promise<SubmitReply>;
  /** Whether a button opens a modal: Slack wants it opened within 3 s of the click, so it skips the queue. */
  opensModal(actionId: string): boolean;
}

const NOTHING: Reply = {};

export function createRouter(deps: RouterDeps): Router {
  const { db, clock, log, ritual } = deps;
  const gonogo: GonogoDeps = { ...ritual, db, clock, wake: deps.wake };
  const redteam: RedteamDeps = { ...ritual, sources: ritual.redteam, db, clock, log, wake: deps.wake };
  const canary: CanaryDeps = { ...ritual, metrics: ritual.sources.metrics, deploy: ritual.sources.deploy, db, clock, log, wake: deps.wake };
  const runOfShow: RunOfShowDeps = { ...ritual, db, clock, log, wake: deps.wake };
  const incident: IncidentDeps = { ...ritual, db, clock, log, wake: deps.wake };

  async function actionList(seq: number | undefined): Promise<string> {
    if (seq === undefined) {
      const open = await openIncidents(db);
      if (open.length === 0) return 'No incident is open, and none has an action item open.';
      return open.map((i) => actionListText(i.state, ritual.nameOf)).join('\n\n');
    }
    const found = await readIncident(db, seq);
    return found ? actionListText(found.state, ritual.nameOf) : `There is no incident INC-${seq}: \`/spark action list\` shows the open ones.`;
  }

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
      // The ritual's decisions are made in #spark-deploys, wherever the command was typed.
      case 'preflight': {
        const run = await runPreflight(
          { ...ritual, db, clock, log, wake: deps.wake },
          { version: command.version, actor: input.userId, channel: ritual.config.channels.deploys, deliveryId: input.deliveryId },
        );
        if (run) await rebindGonogo(gonogo, command.version);
        return NOTHING;
      }
      case 'redteam':
        return said(await startRedteam(redteam, { version: command.version, actor: input.userId, channel: ritual.config.channels.deploys, deliveryId: input.deliveryId }));
      case 'gonogo':
        return said(await openGonogo(gonogo, { version: command.version, actor: input.userId, channel: ritual.config.channels.deploys, deliveryId: input.deliveryId }));
      case 'canary':
        return said(
          await startCanary(canary, { version: command.version, override: command.override, actor: input.userId, channel: ritual.config.channels.deploys, deliveryId: input.deliveryId }),
        );
      case 'rollback':
        return said(await rollbackCanary(canary, { actor: input.userId, reason: command.reason, deliveryId: input.deliveryId }));
      case 'drill': {
        const refused = await recordDrill({ ...ritual, db, clock, wake: deps.wake }, { version: command.version, note: command.note, actor: input.userId, deliveryId: input.deliveryId });
        if (!refused) await refreshGonogos(gonogo);
        return said(refused);
      }
      case 'oneliner': {
        const found = await releaseOneliner({ db, evidence: ritual.evidence }, command.version);
        if ('missing' in found) return onlyToAsker(textCard(found.missing));
        await once(input.deliveryId, 'command', [{ kind: 'slack.post', channel: input.channelId, card: textCard(`${found.oneliner}\n_Sealed in \`${found.evidence}\`._`) }]);
        return NOTHING;
      }
      case 'evidence': {
        const { evidence } = ritual;
        const report = await db.transaction((tx) => verifyEvidence(tx, evidence, command.version));
        await once(input.deliveryId, 'command', [{ kind: 'slack.post', channel: input.channelId, card: evidenceCard(report) }]);
        return NOTHING;
      }
      case 'status': {
        const card = statusCard(await readStatus(deps, clock.now()));
        await once(input.deliveryId, 'command', [{ kind: 'slack.post', channel: input.channelId, card }]);
        return NOTHING;
      }
      case 'freeze': {
        const card = freezeCard(freezeView({ config: ritual.config, clock }, await changeFreezes(db)));
        await once(input.deliveryId, 'command', [{ kind: 'slack.post', channel: input.channelId, card }]);
        return NOTHING;
      }
      case 'incident':
        return said(
          await declareIncident(incident, { summary: command.summary, severity: command.severity, version: command.version, actor: input.userId, deliveryId: input.deliveryId }),
        );
      case 'action-add': {
        const event = { type: 'add-action' as const, by: input.userId, text: command.text, ...(command.owner ? { owner: command.owner } : {}) };
        return said((await actOnIncident(incident, command.incident, event, input.deliveryId)) ?? `Added to INC-${command.incident}: see its thread in ${ritual.config.channels.incidents}.`);
      }
      case 'action-done':
        return said(
          (await actOnIncident(incident, command.incident, { type: 'done-action', by: input.userId, id: command.item }, input.deliveryId)) ??
            `${command.item} of INC-${command.incident} is done.`,
        );
      case 'action-list':
        return said(await actionList(command.incident));
      case 'runofshow':
        return said(await scheduleRunOfShow(runOfShow, { version: command.version, at: command.at, actor: input.userId, channel: ritual.config.channels.deploys, deliveryId: input.deliveryId }));
      case 'runofshow-cancel':
        return said(await cancelRunOfShow(runOfShow, { version: command.version, actor: input.userId, deliveryId: input.deliveryId }));
    }
  }

  const cards: ButtonHandler[] = [gonogoButtons(gonogo), redteamButtons(redteam, gonogo), canaryButtons(canary), incidentButtons(incident), runOfShowButtons(runOfShow)];

  return {
    opensModal: (actionId) => cards.some((c) => c.opensForm.includes(actionId)),
    async submit(input) {
      const t = targetOf(input.metadata);
      const card = cards.find((c) => c.forms.includes(input.callbackId));
      if (!t || !card) return { error: 'This form belongs to an older version of the bot; nothing was changed. Press the button again.' };
      return card.submit(input, t);
    },
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
        default: {
          const t = targetOf(input.value);
          const card = cards.find((c) => c.actions.includes(input.actionId));
          if (t && card) return card.press(input, t);
          log.warn({ actionId: input.actionId }, 'unknown action');
          return onlyToAsker(textCard('That button belongs to an older version of the bot; nothing was changed. Run the command again.'));
        }
      }
    },
  };
}
