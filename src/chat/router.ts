import { isFirstDelivery } from '../app/deliveries.ts';
import { actOnGonogo, openGonogo, rebindGonogo, type GonogoDeps } from '../app/gonogo/decide.ts';
import { readSession } from '../app/gonogo/record.ts';
import { runPreflight } from '../app/preflight/run.ts';
import { startRedteam, tickRedteam, type RedteamDeps } from '../app/redteam/run.ts';
import { mayTick, type Tick } from '../domain/redteam.ts';
import { REDTEAM_ACTION, REDTEAM_FORM_FAIL } from './cards/redteam.ts';
import type { Ritual } from '../app/ritual.ts';
import { holds } from '../domain/gonogo/roles.ts';
import { IC_ROLE } from '../config/schema.ts';
import type { GonogoEvent } from '../domain/gonogo/types.ts';
import { readStatus, type StatusContext } from '../app/status.ts';
import type { Clock } from '../domain/clock.ts';
import { enqueue, type OutboxItem } from '../engine/outbox.ts';
import type { Logger } from '../log.ts';
import { onlyToAsker, textCard, type Modal, type Reply, type SubmitReply } from './card.ts';
import { helpCard } from './cards/help.ts';
import { evidenceCard } from './cards/evidence.ts';
import { statusCard } from './cards/status.ts';
import { verifyEvidence } from '../evidence/verify.ts';
import { parseCommand, type Command } from './commands.ts';
import { ACTION, FORM } from './ids.ts';

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

const MODAL_FOR: Record<string, (target: string) => Omit<Modal, 'metadata'>> = {
  [ACTION.gonogoNoGo]: () => ({
    callbackId: FORM.gonogoNoGo,
    title: 'NO-GO',
    submit: 'Record NO-GO',
    intro: 'A NO-GO stops the release until it is withdrawn. Say what must change for a GO.',
    input: { label: 'Reason', placeholder: 'e.g. HSTS is off on the new ingress', multiline: true },
  }),
  [ACTION.gonogoUntick]: () => ({
    callbackId: FORM.gonogoUntick,
    title: 'Not ready',
    submit: 'Mark not ready',
    intro: 'This item blocks GO until it is ticked again. Say what is missing.',
    input: { label: 'What is missing', multiline: true },
  }),
  [REDTEAM_ACTION.fail]: () => ({
    callbackId: REDTEAM_FORM_FAIL,
    title: 'Red team: fail',
    submit: 'Record fail',
    intro: 'A failed item makes this red team "not passed". Say what was found, so it can be fixed and checked again.',
    input: { label: 'What was found', placeholder: 'e.g. a retried order after a 502 executes twice', multiline: true },
  }),
  [ACTION.gonogoClose]: () => ({
    callbackId: FORM.gonogoClose,
    title: 'Close as NO-GO',
    submit: 'Close as NO-GO',
    intro: 'Closes this GO / NO-GO as NO-GO now: the canary cannot start on it.',
    input: { label: 'Reason', multiline: true },
  }),
};

/** `12:cto` → session 12 and what the button is about. */
function target(value: string): { id: number; what: string } | undefined {
  const m = /^(\d+):(.+)$/.exec(value);
  return m ? { id: Number(m[1]), what: m[2]! } : undefined;
}

const NOTHING: Reply = {};

export function createRouter(deps: RouterDeps): Router {
  const { db, clock, log, ritual } = deps;
  const gonogo: GonogoDeps = { ...ritual, db, clock, wake: deps.wake };
  const redteam: RedteamDeps = { ...ritual, sources: ritual.redteam, db, clock, log, wake: deps.wake };
  const said = (text: string | undefined): Reply => (text ? onlyToAsker(textCard(text)) : NOTHING);

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
      default:
        return onlyToAsker(
          textCard(`\`/spark ${command.name.replace('-cancel', ' cancel')}\` is not available in this build yet. Nothing was changed.`),
        );
    }
  }

  /** A red-team tick; the version's open GO / NO-GO learns of a red team that has just finished. */
  async function tick(runId: number, t: Tick, deliveryId: string | undefined): Promise<string | undefined> {
    const answer = await tickRedteam(redteam, runId, t, deliveryId);
    const [run] = await db.query<{ version: string }>('SELECT version FROM redteam_run WHERE id = $1 AND finished_at IS NOT NULL', [runId]);
    if (run) await rebindGonogo(gonogo, run.version);
    return answer;
  }

  /** Pass ticks at once; Fail asks for the note, unless the person may not tick at all (refused and audited). */
  async function redteamButton(input: ActionInput, t: { id: number; what: string }): Promise<Reply> {
    const item = { itemId: t.what, user: input.userId };
    if (input.actionId === REDTEAM_ACTION.pass) return said(await tick(t.id, { ...item, outcome: 'pass' }, input.deliveryId));
    if (!mayTick(ritual.config.roles, input.userId)) return said(await tick(t.id, { ...item, outcome: 'fail' }, input.deliveryId));
    return { modal: { ...MODAL_FOR[REDTEAM_ACTION.fail]!(t.what), metadata: input.value } };
  }

  /** A button that needs a written reason: the form, unless the person may not do it at all (refused and audited). */
  async function askFor(input: ActionInput, t: { id: number; what: string }): Promise<Reply> {
    const stored = await readSession(db, t.id);
    if (!stored) return said('That GO / NO-GO session no longer exists; nothing was changed.');
    const { rules, items } = stored.session;
    const item = items.find((i) => i.id === t.what);
    const role = input.actionId === ACTION.gonogoNoGo ? t.what : input.actionId === ACTION.gonogoClose ? IC_ROLE : item?.source === 'role' ? item.role : undefined;
    // Asked before the form opens, so nobody writes a reason for nothing; the session refuses and audits the attempt.
    if (role !== undefined && !holds(rules, role, input.userId)) return said(await actOnGonogo(gonogo, t.id, buttonEvent(input.actionId, t.what, input.userId, '-')!, input.deliveryId));
    return { modal: { ...MODAL_FOR[input.actionId]!(t.what), metadata: `${t.id}:${t.what}` } };
  }

  return {
    opensModal: (actionId) => actionId in MODAL_FOR,
    async submit(input) {
      const t = target(input.metadata);
      if (t && input.callbackId === REDTEAM_FORM_FAIL) {
        const answer = await tick(t.id, { itemId: t.what, user: input.userId, outcome: 'fail', note: input.value }, input.deliveryId);
        return answer ? { error: answer } : {};
      }
      const event = t && formEvent(input.callbackId, t.what, input.userId, input.value);
      if (!t || !event) return { error: 'This form belongs to an older version of the bot; nothing was changed. Press the button again.' };
      const answer = await actOnGonogo(gonogo, t.id, event, input.deliveryId);
      return answer ? { error: answer } : {};
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
          const t = target(input.value);
          if (t && (input.actionId === REDTEAM_ACTION.pass || input.actionId === REDTEAM_ACTION.fail)) return redteamButton(input, t);
          if (t && input.actionId in MODAL_FOR) return askFor(input, t);
          const event = t && buttonEvent(input.actionId, t.what, input.userId);
          if (t && event) return said(await actOnGonogo(gonogo, t.id, event, input.deliveryId));
          log.warn({ actionId: input.actionId }, 'unknown action');
          return onlyToAsker(textCard('That button belongs to an older version of the bot; nothing was changed. Run the command again.'));
        }
      }
    },
  };
}

/** The event a go/no-go button stands for; `reason` only for the refusal of a form's button. */
function buttonEvent(actionId: string, what: string, user: string, reason?: string): GonogoEvent | undefined {
  switch (actionId) {
    case ACTION.gonogoGo:
      return { type: 'vote', role: what, user, choice: 'go' };
    case ACTION.gonogoNoGo:
      return { type: 'vote', role: what, user, choice: 'nogo', reason };
    case ACTION.gonogoTick:
      return { type: 'tick-item', itemId: what, user, ok: true };
    case ACTION.gonogoUntick:
      return { type: 'tick-item', itemId: what, user, ok: false, note: reason };
    case ACTION.gonogoConfirm:
      return { type: 'confirm-go', user };
    case ACTION.gonogoClose:
      return { type: 'close-no-go', user, reason: reason ?? '' };
    case ACTION.gonogoExtend:
      return { type: 'extend', user };
    default:
      return undefined;
  }
}

/** The event a submitted go/no-go form stands for. */
function formEvent(callbackId: string, what: string, user: string, text: string): GonogoEvent | undefined {
  switch (callbackId) {
    case FORM.gonogoNoGo:
      return { type: 'vote', role: what, user, choice: 'nogo', reason: text };
    case FORM.gonogoUntick:
      return { type: 'tick-item', itemId: what, user, ok: false, note: text };
    case FORM.gonogoClose:
      return { type: 'close-no-go', user, reason: text };
    default:
      return undefined;
  }
}
