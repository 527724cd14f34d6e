/**
 * Build and send requests the way Slack sends them to an app's Request URL, signed per
 * https://api.slack.com/authentication/verifying-requests-from-slack (v0, HMAC-SHA256).
 *
 * Defaults never point at real Slack: the default `response_url` is a loopback address on
 * the discard port. Pass `fake.respondUrl(id)` from the Web API fake to capture responses.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { FAKE_SLACK_IDS } from '../fakes/slack-web-api.ts';

export const TEST_VERIFICATION_TOKEN = 'fake-verification-token';
/** Loopback URL that refuses connections; used when a test does not supply a response_url. */
export const UNUSED_RESPONSE_URL = 'http://127.0.0.1:9/response/unused';

export type SlackSignatureHeaders = { 'x-slack-signature': string; 'x-slack-request-timestamp': string };

export function signSlackRequest(secret: string, body: string, timestampSec: number): SlackSignatureHeaders {
  const ts = String(Math.trunc(timestampSec));
  const hex = createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex');
  return { 'x-slack-signature': `v0=${hex}`, 'x-slack-request-timestamp': ts };
}

/** A trigger_id shaped like Slack's (`<digits>.<digits>.<32 hex>`). */
export function fakeTriggerId(): string {
  const digits = (n: number): string => Array.from(randomBytes(n), (b) => String(b % 10)).join('');
  return `${digits(12)}.${digits(11)}.${randomBytes(16).toString('hex')}`;
}

let actionTsSeq = 0;
function nowActionTs(): string {
  actionTsSeq += 1;
  const nowMs = Date.now();
  return `${Math.floor(nowMs / 1000)}.${String((nowMs % 1000) * 1000 + (actionTsSeq % 1000)).padStart(6, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// Slash commands
// ---------------------------------------------------------------------------------------------

export interface SlashCommandFields {
  text: string;
  user_id: string;
  channel_id: string;
  trigger_id?: string;
  response_url?: string;
  /** Defaults to `/spark`. */
  command?: string;
  user_name?: string;
  channel_name?: string;
  team_id?: string;
  team_domain?: string;
  api_app_id?: string;
  token?: string;
}

/** Every field Slack sends with a slash command, form-encoded in Slack's order. */
export function slashCommandBody(fields: SlashCommandFields): string {
  return new URLSearchParams([
    ['token', fields.token ?? TEST_VERIFICATION_TOKEN],
    ['team_id', fields.team_id ?? FAKE_SLACK_IDS.teamId],
    ['team_domain', fields.team_domain ?? FAKE_SLACK_IDS.teamDomain],
    ['channel_id', fields.channel_id],
    ['channel_name', fields.channel_name ?? 'spark-release'],
    ['user_id', fields.user_id],
    ['user_name', fields.user_name ?? `user-${fields.user_id.toLowerCase()}`],
    ['command', fields.command ?? '/spark'],
    ['text', fields.text],
    ['api_app_id', fields.api_app_id ?? FAKE_SLACK_IDS.appId],
    ['is_enterprise_install', 'false'],
    ['response_url', fields.response_url ?? UNUSED_RESPONSE_URL],
    ['trigger_id', fields.trigger_id ?? fakeTriggerId()],
  ]).toString();
}

// ---------------------------------------------------------------------------------------------
// Interactivity (block_actions, view_submission)
// ---------------------------------------------------------------------------------------------

/** Form-encodes an interactivity payload as Slack does: `payload=<json>`. */
export function interactionBody(payload: object): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** `payload=<json>` for a block_actions payload (see `blockActionPayload`). */
export function blockActionsBody(payload: object): string {
  return interactionBody(payload);
}

export interface BlockActionFields {
  user_id: string;
  channel_id: string;
  message_ts: string;
  action_id: string;
  value: string;
  block_id?: string;
  trigger_id?: string;
  response_url?: string;
  /** Button label; defaults to the value. */
  button_text?: string;
  user_name?: string;
  channel_name?: string;
  /** Extra/overriding fields for the `message` object (e.g. `text`, `blocks`). */
  message?: Record<string, unknown>;
  /** `state.values` of the message's inputs. */
  state_values?: Record<string, unknown>;
}

export interface SlackUserRef {
  id: string;
  username: string;
  name: string;
  team_id: string;
}

export interface BlockActionPayload {
  type: 'block_actions';
  user: SlackUserRef;
  api_app_id: string;
  token: string;
  container: { type: 'message'; message_ts: string; channel_id: string; is_ephemeral: false };
  trigger_id: string;
  team: { id: string; domain: string };
  enterprise: null;
  is_enterprise_install: false;
  channel: { id: string; name: string };
  message: Record<string, unknown> & { ts: string };
  state: { values: Record<string, unknown> };
  response_url: string;
  actions: Array<{
    action_id: string;
    block_id: string;
    value: string;
    type: 'button';
    action_ts: string;
    text: { type: 'plain_text'; text: string; emoji: boolean };
  }>;
}

/** A button click on a message, shaped like Slack's documented `block_actions` payload. */
export function blockActionPayload(f: BlockActionFields): BlockActionPayload {
  const userName = f.user_name ?? `user-${f.user_id.toLowerCase()}`;
  return {
    type: 'block_actions',
    user: { id: f.user_id, username: userName, name: userName, team_id: FAKE_SLACK_IDS.teamId },
    api_app_id: FAKE_SLACK_IDS.appId,
    token: TEST_VERIFICATION_TOKEN,
    container: { type: 'message', message_ts: f.message_ts, channel_id: f.channel_id, is_ephemeral: false },
    trigger_id: f.trigger_id ?? fakeTriggerId(),
    team: { id: FAKE_SLACK_IDS.teamId, domain: FAKE_SLACK_IDS.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: f.channel_id, name: f.channel_name ?? 'spark-release' },
    message: {
      type: 'message',
      subtype: 'bot_message',
      text: '',
      user: FAKE_SLACK_IDS.botUserId,
      bot_id: FAKE_SLACK_IDS.botId,
      app_id: FAKE_SLACK_IDS.appId,
      team: FAKE_SLACK_IDS.teamId,
      blocks: [],
      ...f.message,
      ts: f.message_ts,
    },
    state: { values: f.state_values ?? {} },
    response_url: f.response_url ?? UNUSED_RESPONSE_URL,
    actions: [
      {
        action_id: f.action_id,
        block_id: f.block_id ?? 'actions',
        value: f.value,
        type: 'button',
        action_ts: nowActionTs(),
        text: { type: 'plain_text', text: f.button_text ?? f.value, emoji: true },
      },
    ],
  };
}

/**
 * Input values: `{ [block_id]: { [action_id]: state } }`. A plain string is shorthand for
 * `{ type: 'plain_text_input', value }`; anything else is passed through as Slack's raw state.
 */
export type ViewStateValuesInput = Record<string, Record<string, string | Record<string, unknown>>>;

export interface ViewSubmissionFields {
  user_id: string;
  callback_id: string;
  values?: ViewStateValuesInput;
  private_metadata?: string;
  view_id?: string;
  trigger_id?: string;
  user_name?: string;
  /** Extra/overriding fields for the `view` object (title, blocks, external_id, ...). */
  view?: Record<string, unknown>;
  /** `response_urls` Slack includes when the modal has `response_url_enabled` inputs. */
  response_urls?: Array<{ block_id: string; action_id: string; channel_id: string; response_url: string }>;
}

export interface ViewSubmissionPayload {
  type: 'view_submission';
  team: { id: string; domain: string };
  user: SlackUserRef;
  api_app_id: string;
  token: string;
  trigger_id: string;
  view: Record<string, unknown> & {
    id: string;
    callback_id: string;
    private_metadata: string;
    state: { values: Record<string, Record<string, Record<string, unknown>>> };
  };
  response_urls: Array<{ block_id: string; action_id: string; channel_id: string; response_url: string }>;
  is_enterprise_install: false;
  enterprise: null;
}

export function viewSubmissionPayload(f: ViewSubmissionFields): ViewSubmissionPayload {
  const userName = f.user_name ?? `user-${f.user_id.toLowerCase()}`;
  const values: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const [blockId, actions] of Object.entries(f.values ?? {})) {
    const block: Record<string, Record<string, unknown>> = {};
    for (const [actionId, state] of Object.entries(actions)) {
      block[actionId] = typeof state === 'string' ? { type: 'plain_text_input', value: state } : state;
    }
    values[blockId] = block;
  }
  const viewId = f.view_id ?? 'V0000000001';
  return {
    type: 'view_submission',
    team: { id: FAKE_SLACK_IDS.teamId, domain: FAKE_SLACK_IDS.teamDomain },
    user: { id: f.user_id, username: userName, name: userName, team_id: FAKE_SLACK_IDS.teamId },
    api_app_id: FAKE_SLACK_IDS.appId,
    token: TEST_VERIFICATION_TOKEN,
    trigger_id: f.trigger_id ?? fakeTriggerId(),
    view: {
      team_id: FAKE_SLACK_IDS.teamId,
      type: 'modal',
      blocks: [],
      hash: `${Math.floor(Date.now() / 1000)}.fakehash`,
      title: { type: 'plain_text', text: 'Spark', emoji: true },
      clear_on_close: false,
      notify_on_close: false,
      close: null,
      submit: { type: 'plain_text', text: 'Submit', emoji: true },
      previous_view_id: null,
      root_view_id: viewId,
      app_id: FAKE_SLACK_IDS.appId,
      external_id: '',
      app_installed_team_id: FAKE_SLACK_IDS.teamId,
      bot_id: FAKE_SLACK_IDS.botId,
      ...f.view,
      id: viewId,
      callback_id: f.callback_id,
      private_metadata: f.private_metadata ?? '',
      state: { values },
    },
    response_urls: f.response_urls ?? [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

/** `payload=<json>` for a view_submission built from `fields` (see `viewSubmissionPayload`). */
export function viewSubmissionBody(fields: ViewSubmissionFields): string {
  return interactionBody(viewSubmissionPayload(fields));
}

// ---------------------------------------------------------------------------------------------
// Sending
// ---------------------------------------------------------------------------------------------

export interface PostSignedOptions {
  /** Defaults to now. */
  timestampSec?: number;
  /** Sets `X-Slack-Retry-Num` and `X-Slack-Retry-Reason` (default `http_timeout`). */
  retryNum?: number;
  retryReason?: string;
  /** Defaults to `application/json` for bodies starting with `{`, else form-encoded. */
  contentType?: string;
  /** Extra headers (applied last). */
  headers?: Record<string, string>;
  /** Sign with this body instead of the one sent (to simulate tampering). */
  signedBody?: string;
}

export interface PostSignedResult {
  status: number;
  text: string;
  ms: number;
}

function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') {
    throw new Error(`postSigned only talks to loopback addresses, got ${host}`);
  }
}

/** POSTs a Slack-signed request to `url` (loopback only) and reports status, body text and elapsed ms. */
export async function postSigned(url: string, secret: string, body: string, opts: PostSignedOptions = {}): Promise<PostSignedResult> {
  assertLoopback(url);
  const timestampSec = opts.timestampSec ?? Math.floor(Date.now() / 1000);
  const contentType = opts.contentType ?? (body.trimStart().startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded');
  const headers: Record<string, string> = {
    'content-type': contentType,
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    ...signSlackRequest(secret, opts.signedBody ?? body, timestampSec),
  };
  if (opts.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(opts.retryNum);
    headers['x-slack-retry-reason'] = opts.retryReason ?? 'http_timeout';
  }
  Object.assign(headers, opts.headers);
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual' });
  const text = await res.text();
  return { status: res.status, text, ms: performance.now() - started };
}
