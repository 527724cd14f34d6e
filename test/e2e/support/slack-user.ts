/**
 * People using the bot the way Slack delivers them: signed slash commands, `block_actions` built from the buttons
 * the bot actually posted (read from the fake Slack's recorded messages, as they are now), and modal submissions
 * built from the form the bot opened.
 */
import type { FakeMessage, FakeSlack, SlackCall } from '../../fakes/slack-web-api.ts';
import { blockActionPayload, blockActionsBody, postSigned, slashCommandBody, viewSubmissionBody } from '../../support/slack-requests.ts';
import { SIGNING_SECRET } from './world.ts';

export interface Button {
  action_id: string;
  value: string;
  text: { text: string };
}

type Block = { type: string; block_id?: string; elements?: Button[]; element?: { action_id: string } };

const POLL_MS = 50;

/** Polls `check` until it returns a value; fails with `what` after `timeoutMs`. */
export async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000, seen?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`e2e: ${what} did not happen within ${timeoutMs} ms${seen ? `; ${seen()}` : ''}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

export const buttonsOf = (m: FakeMessage): Button[] => ((m.blocks ?? []) as Block[]).flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []));

export function slackUsers(slack: FakeSlack, events: () => string) {
  let seq = 0;
  const send = async (body: string) => {
    const res = await postSigned(events(), SIGNING_SECRET, body);
    if (res.status !== 200) throw new Error(`Slack request refused: ${res.status} ${res.text}`);
    return res;
  };

  /** The top-level message in `channel` whose text matches, as it is now (edits included). */
  const card = (channel: string, text: RegExp) => slack.messages(channel).find((m) => !m.thread_ts && text.test(m.text ?? ''));

  return {
    card,
    /** Waits for the card, and for it to say `body` (its blocks, as JSON) when given. */
    waitForCard: (channel: string, text: RegExp, body?: RegExp, timeoutMs?: number) =>
      until(
        `a card ${text}${body ? ` saying ${body}` : ''} in ${channel}`,
        () => {
          const m = card(channel, text);
          return m && (!body || body.test(JSON.stringify(m.blocks))) ? m : undefined;
        },
        timeoutMs,
        () => `its cards now: ${slack.messages(channel).filter((m) => !m.thread_ts).map((m) => JSON.stringify(m.text)).join(', ')}`,
      ),
    /** Replies in the thread of `parent` (any message when no parent), oldest first. */
    thread: (channel: string, parent?: FakeMessage) => slack.messages(channel).filter((m) => m.thread_ts !== undefined && m.thread_ts !== m.ts && (!parent || m.thread_ts === parent.ts)),

    /** `/spark <text>` typed by `user` in `channel`; the answer only they see goes to a response_url of its own. */
    async command(user: string, channel: string, text: string) {
      const respond = `cmd-${++seq}`;
      await send(slashCommandBody({ text, user_id: user, channel_id: channel, response_url: slack.respondUrl(respond) }));
      return respond;
    },

    /** Presses the button of `message` (as posted now) with this action_id whose value ends with `:<what>`. */
    async click(user: string, message: FakeMessage, actionId: string, what?: string) {
      const current = slack.messages(message.channel).find((m) => m.ts === message.ts) ?? message;
      const button = buttonsOf(current).find((b) => b.action_id === actionId && (what === undefined || b.value.endsWith(`:${what}`)));
      if (!button) throw new Error(`no ${actionId}${what ? ` (${what})` : ''} button on the message: ${buttonsOf(current).map((b) => `${b.action_id}=${b.value}`).join(', ')}`);
      const respond = `click-${++seq}`;
      const { channel, ts: _ts, ...rest } = current;
      await send(
        blockActionsBody(
          blockActionPayload({
            user_id: user,
            channel_id: channel,
            message_ts: current.ts,
            action_id: button.action_id,
            value: button.value,
            button_text: button.text.text,
            response_url: slack.respondUrl(respond),
            message: rest,
          }),
        ),
      );
      return respond;
    },

    /** Submits the form `opened` (a views.open call) with `text` in its one text input. */
    async submit(user: string, opened: SlackCall, text: string) {
      const view = opened.body.view as { callback_id: string; private_metadata: string; blocks: Block[] };
      const input = view.blocks.find((b) => b.type === 'input' && b.element);
      if (!input?.block_id || !input.element) throw new Error(`the form ${view.callback_id} has no text input`);
      return send(
        viewSubmissionBody({
          user_id: user,
          callback_id: view.callback_id,
          private_metadata: view.private_metadata,
          values: { [input.block_id]: { [input.element.action_id]: text } },
          view_id: `V0E2E${++seq}`,
          view: { blocks: view.blocks },
        }),
      );
    },

    /** What the bot answered only to the person through a response_url. */
    answered: (respond: string) => slack.calls.filter((c) => c.method === 'response_url' && c.path.endsWith(`/${respond}`)).map((c) => String(c.body.text ?? '')),
  };
}

export type SlackUsers = ReturnType<typeof slackUsers>;
