/**
 * A loopback fake of the Slack Web API for tests.
 *
 * `startFakeSlack()` listens on 127.0.0.1 (ephemeral port) and answers the handful of
 * Web API methods the bot uses the way Slack documents them. Point Bolt at it with
 * `clientOptions: { slackApiUrl: fake.url }` (or `new WebClient(token, { slackApiUrl: fake.url })`).
 *
 * Every request that reaches the server is recorded in `calls`, including requests that
 * were answered with an injected failure (`failNext`) or with `not_authed`; use the
 * `status` / `response` fields (or a `waitFor` predicate) to tell them apart.
 *
 * Channels: `conversations.create` makes a channel the fake keeps (members, topic, pins, archived), as does
 * `addChannel` for one someone else made; those follow Slack's rules for members (`not_in_channel`) and archived
 * channels. Any other channel id or `#name` is taken to exist with the bot in it, as before.
 * Users: any `U…`/`W…` id exists; an id Slack never issues is `user_not_found`. Scopes: all granted until
 * `setScopes`, then a method whose scope is missing answers `missing_scope` with `needed` and `provided`.
 *
 * Socket Mode: `apps.connections.open` takes the app-level token (`Authorization: Bearer xapp-…`)
 * and answers `{ ok: true, url }` with the WebSocket URL set by `setSocketUrl(url)` (see
 * `test/fakes/slack-socket-mode.ts`); no token is `not_authed`, any other token `invalid_auth`
 * (both of which @slack/socket-mode treats as unrecoverable, so a bad token fails start-up at once).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { blockKitProblems } from './block-kit-limits.ts';

export interface SlackCall {
  /** Web API method (`chat.postMessage`), or `response_url` for POSTs to `respondUrl(id)`. */
  method: string;
  /** Parsed request body (JSON, or form-encoded with JSON-looking nested values decoded). */
  body: Record<string, unknown>;
  /** Request headers, lower-cased names. */
  headers: Record<string, string | undefined>;
  /** `Date.now()` when the request was answered. */
  at: number;
  /** Request path, e.g. `/api/chat.postMessage` or `/response/abc`. */
  path: string;
  /** HTTP status the fake answered with (429/500 for injected failures). */
  status: number;
  /** The answer sent back (parsed JSON object, or the plain-text body for a 500). */
  response: unknown;
}

/**
 * An injected failure. `method`: only calls to that method take it (others pass it by). `afterHandling` (500 only):
 * the method does its work and then the answer is lost, as when Slack acted but the connection dropped.
 */
export type FailureSpec = ({ status: 429; retryAfter: number } | { status: 500; afterHandling?: boolean }) & { method?: string };

export interface FakeMessage {
  type: 'message';
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown;
  attachments?: unknown;
  thread_ts?: string;
  user: string;
  bot_id: string;
  app_id: string;
  team: string;
  edited?: { user: string; ts: string };
  [key: string]: unknown;
}

/** A file uploaded through files.getUploadURLExternal → upload URL → files.completeUploadExternal. */
export interface FakeFile {
  id: string;
  name: string;
  title: string;
  length: number;
  /** The bytes posted to the upload URL, as text; undefined until they arrive. */
  content?: string;
  /** Where completeUploadExternal shared it (channel id, thread). */
  sharedIn?: { channel: string; threadTs?: string };
}

/** A channel the fake keeps: created through the API or added by a test. */
export interface FakeChannel {
  id: string;
  name: string;
  /** unix seconds, on the same clock as the fake's `ts` values */
  created: number;
  isPrivate: boolean;
  archived: boolean;
  topic: string;
  members: string[];
  /** `ts` of the pinned messages, in pinning order */
  pins: string[];
}

export interface FakeView {
  id: string;
  team_id: string;
  type: string;
  external_id?: string;
  [key: string]: unknown;
}

export interface FakeSlack {
  /** Base URL of the fake Web API, ending in `/api/`. */
  url: string;
  /** Base URL of the server, ending in `/`. */
  baseUrl: string;
  /** Every request recorded so far, oldest first. */
  calls: SlackCall[];
  callsTo(method: string): SlackCall[];
  /**
   * Resolves with the first recorded call to `method` matching `predicate` — one already
   * recorded, or the next one to arrive. Rejects after `timeoutMs`.
   */
  waitFor(method: string, predicate?: (call: SlackCall) => boolean, timeoutMs?: number): Promise<SlackCall>;
  /** The next `n` Web API calls (not response_url POSTs; of `failure.method` only, if given) get this answer instead. Queues up. */
  failNext(n: number, failure: FailureSpec): void;
  /**
   * WebSocket URL `apps.connections.open` hands out (Socket Mode). Until set, that method answers
   * `{ ok: false, error: 'fake_socket_url_not_set' }`. Survives `reset()`.
   */
  setSocketUrl(url: string | undefined): void;
  /** URL (same server, path `/response/<id>`) that records POSTs as `response_url` calls. */
  respondUrl(id: string): string;
  /** Messages posted through the fake (not ephemeral ones), optionally for one channel (id or `#name`). */
  messages(channel?: string): FakeMessage[];
  /** Files shared in channels by files.completeUploadExternal, oldest first. */
  files(): FakeFile[];
  /** Channel id the fake uses for a `#name` / `name`. Stable for a given name. */
  channelId(name: string): string;
  /** A channel created through conversations.create or `addChannel`, by id, `#name` or name. */
  channel(nameOrId: string): FakeChannel | undefined;
  /** A channel someone else made (the bot is not in it unless `botIsMember`); answers its id. */
  addChannel(name: string, options?: { archived?: boolean; botIsMember?: boolean; topic?: string; isPrivate?: boolean }): string;
  /** The bot token's scopes; `undefined` (the default, and after `reset()`) grants every scope. */
  setScopes(scopes: string[] | undefined): void;
  /** Forget calls, queued failures, messages, views, channels, pins and scopes. `ts` values keep increasing. */
  reset(): void;
  close(): Promise<void>;
}

/** Identity the fake answers with (auth.test, message authorship). */
export const FAKE_SLACK_IDS = {
  teamId: 'T0FAKE',
  teamDomain: 'fake-team',
  teamName: 'Fake Team',
  botUserId: 'U0BOT',
  botId: 'B0BOT',
  botUserName: 'sparkbot',
  appId: 'A0FAKE',
} as const;

const TS_BASE_SEC = 1732400000;
const TOKEN_RE = /^xox[bp]-[A-Za-z0-9-]+$/;
/** App-level tokens (Socket Mode), accepted only by `apps.connections.open`. */
const APP_TOKEN_RE = /^xapp-[A-Za-z0-9-]+$/;
/** The bot scope each method needs (https://api.slack.com/methods; public channels). */
const SCOPE_OF: Record<string, string> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'conversations.history': 'channels:history',
  'conversations.replies': 'channels:history',
  'conversations.create': 'channels:manage',
  'conversations.setTopic': 'channels:manage',
  'conversations.invite': 'channels:manage',
  'conversations.list': 'channels:read',
  'conversations.join': 'channels:join',
  'pins.add': 'pins:write',
  'files.getUploadURLExternal': 'files:write',
  'files.completeUploadExternal': 'files:write',
};
const TOPIC_MAX = 250;
const CHANNEL_NAME_MAX = 80;
const LIST_LIMIT_MAX = 1000;

/** Keys whose form values are plain strings even when they look like JSON. */
const PLAIN_STRING_KEYS = new Set(['text', 'filename', 'title', 'channel_id', 'initial_comment', 'token', 'channel', 'ts', 'thread_ts', 'name', 'user', 'user_id', 'users', 'trigger_id', 'view_id', 'external_id', 'hash', 'timestamp', 'topic', 'cursor', 'types', 'oldest', 'latest']);

type KeptChannel = Omit<FakeChannel, 'members' | 'pins'> & { creator: string; members: Set<string> };
type Answer = { status: number; json?: Record<string, unknown>; text?: string; headers?: Record<string, string> };
type Args = Record<string, unknown>;

interface Waiter {
  method: string;
  predicate: ((call: SlackCall) => boolean) | undefined;
  resolve: (call: SlackCall) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

function stableId(prefix: string, key: string): string {
  return prefix + createHash('sha1').update(key).digest('hex').slice(0, 10).toUpperCase();
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function decodeFormValue(key: string, value: string): unknown {
  if (PLAIN_STRING_KEYS.has(key)) return value;
  const t = value.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[')) return value;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null ? parsed : value;
  } catch {
    return value;
  }
}

function parseForm(raw: string): Args {
  const out: Args = {};
  for (const [k, v] of new URLSearchParams(raw)) out[k] = decodeFormValue(k, v);
  return out;
}

function parseBody(raw: string, contentType: string | undefined): Args {
  if (raw.length === 0) return {};
  const ct = (contentType ?? '').toLowerCase();
  if (ct.startsWith('application/json')) {
    try {
      const parsed: unknown = JSON.parse(raw);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Args) : { _json: parsed };
    } catch {
      return { _raw: raw };
    }
  }
  if (ct.startsWith('application/x-www-form-urlencoded') || ct === '') return parseForm(raw);
  return { _raw: raw };
}

function flattenHeaders(h: IncomingMessage['headers']): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The file's bytes from an upload POST: the raw body, or the one part of a multipart form (as @slack/web-api sends it). */
function uploadedBytes(raw: string, contentType: string | undefined): string {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
  if (!boundary) return raw;
  const part = raw.split(`--${boundary[1] ?? boundary[2]}`)[1] ?? '';
  const start = part.indexOf('\r\n\r\n');
  return start < 0 ? '' : part.slice(start + 4).replace(/\r\n$/, '');
}

const ok = (json: Record<string, unknown>): Answer => ({ status: 200, json: { ok: true, ...json } });
const err = (error: string, extra: Record<string, unknown> = {}): Answer => ({ status: 200, json: { ok: false, error, ...extra } });

export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: SlackCall[] = [];
  const failures: FailureSpec[] = [];
  const waiters = new Set<Waiter>();
  /** channel id -> ts -> message */
  const messages = new Map<string, Map<string, FakeMessage>>();
  const views = new Map<string, FakeView>();
  const homeViewIdByUser = new Map<string, string>();
  /** channel id -> name, for channels we know a name of (created or addressed by name). */
  const channelNames = new Map<string, string>();
  /** Channels the fake keeps (created or added), by id, in creation order. */
  const channels = new Map<string, KeptChannel>();
  /** channel id -> pinned ts, for any channel */
  const pins = new Map<string, string[]>();
  let scopes: Set<string> | undefined;
  const files = new Map<string, FakeFile>();
  let tsSeq = 0;
  let viewSeq = 0;
  let fileSeq = 0;
  let closed = false;
  let socketUrl: string | undefined;

  const nextTs = (): string => {
    tsSeq += 1;
    const micros = tsSeq * 100;
    const sec = TS_BASE_SEC + Math.floor(micros / 1_000_000);
    return `${sec}.${String(micros % 1_000_000).padStart(6, '0')}`;
  };

  const channelIdFor = (name: string): string => {
    const clean = name.replace(/^#/, '');
    const id = stableId('C', `channel:${clean}`);
    channelNames.set(id, clean);
    return id;
  };

  /** Resolve the `channel` argument the way Slack does: ids echo, names map, user ids open a DM. */
  const resolveChannel = (raw: unknown): string | undefined => {
    const c = str(raw)?.trim();
    if (!c) return undefined;
    if (c.startsWith('#')) return c.length > 1 ? channelIdFor(c) : undefined;
    // Slack channel names are lower-case, so an upper-case id-shaped string is an id.
    if (/^[CGD][A-Z0-9]+$/.test(c)) return c;
    if (/^[UW][A-Z0-9]+$/.test(c)) return stableId('D', `dm:${c}`);
    return channelIdFor(c);
  };

  /** Now in unix seconds, on the clock of the `ts` values. */
  const clockSec = (): number => TS_BASE_SEC + Math.floor((tsSeq * 100) / 1_000_000);

  const keepChannel = (name: string, creator: string, o: { archived?: boolean; members?: string[]; topic?: string; isPrivate?: boolean }): KeptChannel => {
    const c: KeptChannel = {
      id: channelIdFor(name), name, created: clockSec(), creator, isPrivate: o.isPrivate ?? false, archived: o.archived ?? false,
      topic: o.topic ?? '', members: new Set(o.members ?? []),
    };
    channels.set(c.id, c);
    return c;
  };

  const keptChannel = (nameOrId: string): KeptChannel | undefined => {
    const id = /^[CG][A-Z0-9]+$/.test(nameOrId) ? nameOrId : stableId('C', `channel:${nameOrId.replace(/^#/, '')}`);
    return channels.get(id);
  };

  const botIn = (c: KeptChannel): boolean => c.members.has(FAKE_SLACK_IDS.botUserId);

  const channelObject = (c: KeptChannel): Args => ({
    id: c.id, name: c.name, name_normalized: c.name, is_channel: !c.isPrivate, is_group: c.isPrivate, is_im: false, is_mpim: false,
    is_private: c.isPrivate, is_archived: c.archived, is_general: false, created: c.created, creator: c.creator, is_member: botIn(c),
    num_members: c.members.size, topic: { value: c.topic, creator: '', last_set: 0 }, purpose: { value: '', creator: '', last_set: 0 },
  });

  /** Slack's refusal when the bot may not act in a kept channel; undefined when it may, or the channel is not kept. */
  const refusedIn = (id: string, { reading = false } = {}): Answer | undefined => {
    const c = channels.get(id);
    if (!c) return undefined;
    if (c.isPrivate && !botIn(c)) return err('channel_not_found');
    if (c.archived && !reading) return err('is_archived');
    return botIn(c) ? undefined : err('not_in_channel');
  };

  const record = (call: SlackCall): void => {
    calls.push(call);
    for (const w of [...waiters]) {
      if (w.method !== call.method) continue;
      let matched: boolean;
      try {
        matched = !w.predicate || w.predicate(call);
      } catch (e) {
        clearTimeout(w.timer);
        waiters.delete(w);
        w.reject(e instanceof Error ? e : new Error(String(e)));
        continue;
      }
      if (matched) {
        clearTimeout(w.timer);
        waiters.delete(w);
        w.resolve(call);
      }
    }
  };

  /** The token a request carries: the Authorization header if present (even if malformed: `''`), else the `token` argument. */
  const tokenOf = (headers: Record<string, string | undefined>, body: Args): string | undefined => {
    const auth = headers['authorization'];
    if (auth !== undefined) return /^Bearer\s+(\S+)$/i.exec(auth.trim())?.[1] ?? '';
    return str(body['token']);
  };

  const isAuthed = (headers: Record<string, string | undefined>, body: Args): boolean => {
    const token = tokenOf(headers, body);
    return token !== undefined && TOKEN_RE.test(token);
  };

  /** Socket Mode: only an app-level token may open a connection. */
  const appsConnectionsOpen = (headers: Record<string, string | undefined>, body: Args): Answer => {
    const token = tokenOf(headers, body);
    if (token === undefined || token === '') return err('not_authed');
    if (!APP_TOKEN_RE.test(token)) return err('invalid_auth');
    if (socketUrl === undefined) return err('fake_socket_url_not_set');
    return ok({ url: socketUrl });
  };

  const storeMessage = (m: FakeMessage): void => {
    let byTs = messages.get(m.channel);
    if (!byTs) messages.set(m.channel, (byTs = new Map()));
    byTs.set(m.ts, m);
  };

  const historyOf = (a: Args, keep: (m: FakeMessage) => boolean): Answer => {
    const channel = str(a['channel']);
    if (!channel || !/^[CGD][A-Z0-9]+$/.test(channel)) return err('channel_not_found');
    const refused = refusedIn(channel, { reading: true });
    if (refused) return refused;
    const oldest = Number(str(a['oldest']) ?? '0');
    const latest = a['latest'] === undefined ? Infinity : Number(str(a['latest']));
    // Like Slack, oldest and latest are exclusive bounds unless `inclusive`.
    const inclusive = str(a['inclusive']) === 'true' || str(a['inclusive']) === '1';
    const within = (ts: number) => (inclusive ? ts >= oldest && ts <= latest : (ts > oldest || oldest === 0) && ts < latest);
    const withMetadata = str(a['include_all_metadata']) === 'true' || a['include_all_metadata'] === true;
    const found = [...(messages.get(channel)?.values() ?? [])]
      .filter((m) => keep(m) && within(Number(m.ts)))
      .sort((x, y) => Number(y.ts) - Number(x.ts))
      .map(({ channel: _c, metadata, ...wire }) => (withMetadata && metadata !== undefined ? { ...wire, metadata } : wire));
    return ok({ messages: found, has_more: false });
  };

  const hasContent = (a: Args): boolean =>
    (str(a['text']) ?? '') !== '' || (Array.isArray(a['blocks']) && a['blocks'].length > 0) || (Array.isArray(a['attachments']) && a['attachments'].length > 0) || (typeof a['blocks'] === 'string' && a['blocks'] !== '');

  const viewObject = (raw: unknown): Args | undefined => (typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Args) : undefined);

  const buildView = (id: string, spec: Args, extra: Args): FakeView => ({
    id,
    team_id: FAKE_SLACK_IDS.teamId,
    type: str(spec['type']) ?? 'modal',
    blocks: spec['blocks'] ?? [],
    private_metadata: str(spec['private_metadata']) ?? '',
    callback_id: str(spec['callback_id']) ?? '',
    state: { values: {} },
    hash: `${Date.now()}.${createHash('sha1').update(id + String(viewSeq)).digest('hex').slice(0, 8)}`,
    title: spec['title'] ?? null,
    close: spec['close'] ?? null,
    submit: spec['submit'] ?? null,
    clear_on_close: Boolean(spec['clear_on_close']),
    notify_on_close: Boolean(spec['notify_on_close']),
    previous_view_id: null,
    root_view_id: id,
    app_id: FAKE_SLACK_IDS.appId,
    external_id: str(spec['external_id']) ?? '',
    app_installed_team_id: FAKE_SLACK_IDS.teamId,
    bot_id: FAKE_SLACK_IDS.botId,
    ...extra,
  });

  const newViewId = (): string => {
    viewSeq += 1;
    return `V${String(viewSeq).padStart(10, '0')}`;
  };

  const handlers: Record<string, (a: Args) => Answer> = {
    'auth.test': () =>
      ok({
        url: `https://${FAKE_SLACK_IDS.teamDomain}.slack.com/`,
        team: FAKE_SLACK_IDS.teamName,
        user: FAKE_SLACK_IDS.botUserName,
        team_id: FAKE_SLACK_IDS.teamId,
        user_id: FAKE_SLACK_IDS.botUserId,
        bot_id: FAKE_SLACK_IDS.botId,
        is_enterprise_install: false,
      }),

    'chat.postMessage': (a) => {
      const channel = resolveChannel(a['channel']);
      if (!channel) return err('channel_not_found');
      const refused = refusedIn(channel);
      if (refused) return refused;
      if (!hasContent(a)) return err('no_text');
      const broken = blockKitProblems(a['blocks']);
      if (broken.length) return err('invalid_blocks', { errors: broken });
      const ts = nextTs();
      const message: FakeMessage = {
        type: 'message',
        channel,
        ts,
        user: FAKE_SLACK_IDS.botUserId,
        bot_id: FAKE_SLACK_IDS.botId,
        app_id: FAKE_SLACK_IDS.appId,
        team: FAKE_SLACK_IDS.teamId,
        text: str(a['text']) ?? '',
      };
      if (a['blocks'] !== undefined) message.blocks = a['blocks'];
      if (a['attachments'] !== undefined) message.attachments = a['attachments'];
      const threadTs = str(a['thread_ts']);
      if (threadTs) message.thread_ts = threadTs;
      if (a['metadata'] !== undefined) message.metadata = a['metadata'];
      storeMessage(message);
      const { channel: _c, ...wire } = message;
      return ok({ channel, ts, message: wire });
    },

    // Like Slack, history takes a channel id, never a #name; metadata only with include_all_metadata.
    'conversations.history': (a) => historyOf(a, (m) => !m.thread_ts || m.thread_ts === m.ts),
    'conversations.replies': (a) => {
      const ts = str(a['ts']);
      if (!ts) return err('thread_not_found');
      return historyOf(a, (m) => m.ts === ts || m.thread_ts === ts);
    },

    'chat.update': (a) => {
      const channel = resolveChannel(a['channel']);
      if (!channel) return err('channel_not_found');
      const ts = str(a['ts']);
      const existing = ts ? messages.get(channel)?.get(ts) : undefined;
      if (!ts || !existing) return err('message_not_found');
      if (!hasContent(a)) return err('no_text');
      const broken = blockKitProblems(a['blocks']);
      if (broken.length) return err('invalid_blocks', { errors: broken });
      if (a['text'] !== undefined) existing.text = str(a['text']) ?? '';
      if (a['blocks'] !== undefined) existing.blocks = a['blocks'];
      if (a['attachments'] !== undefined) existing.attachments = a['attachments'];
      existing.edited = { user: FAKE_SLACK_IDS.botUserId, ts: nextTs() };
      const { channel: _c, ...wire } = existing;
      return ok({ channel, ts, text: existing.text ?? '', message: wire });
    },

    'chat.postEphemeral': (a) => {
      const channel = resolveChannel(a['channel']);
      if (!channel) return err('channel_not_found');
      if (!str(a['user'])) return err('user_not_in_channel');
      if (!hasContent(a)) return err('no_text');
      return ok({ message_ts: nextTs() });
    },

    'views.publish': (a) => {
      const userId = str(a['user_id']);
      const spec = viewObject(a['view']);
      if (!userId || !spec) return err('invalid_arguments');
      let id = homeViewIdByUser.get(userId);
      if (!id) homeViewIdByUser.set(userId, (id = newViewId()));
      const view = buildView(id, { ...spec, type: str(spec['type']) ?? 'home' }, {});
      views.set(id, view);
      return ok({ view });
    },

    'views.open': (a) => {
      const spec = viewObject(a['view']);
      if (!str(a['trigger_id']) || !spec) return err('invalid_arguments');
      const id = newViewId();
      const view = buildView(id, spec, {});
      views.set(id, view);
      return ok({ view });
    },

    'views.update': (a) => {
      const spec = viewObject(a['view']);
      if (!spec) return err('invalid_arguments');
      const viewId = str(a['view_id']);
      const externalId = str(a['external_id']);
      if (!viewId && !externalId) return err('invalid_arguments');
      const existing = viewId ? views.get(viewId) : [...views.values()].find((v) => v.external_id === externalId);
      if (!existing) return err('not_found');
      const view = buildView(existing.id, { ...spec, type: str(spec['type']) ?? existing.type }, { root_view_id: existing['root_view_id'] ?? existing.id });
      views.set(existing.id, view);
      return ok({ view });
    },

    // https://api.slack.com/methods/conversations.create: the name as Slack validates it; the bot made it and is in it.
    'conversations.create': (a) => {
      const name = str(a['name']) ?? '';
      if (name === '') return err('invalid_name_required');
      if (name.length > CHANNEL_NAME_MAX) return err('invalid_name_maxlength');
      if (!/^[a-z0-9_-]+$/.test(name)) return err('invalid_name_specials');
      if (/^[_-]+$/.test(name)) return err('invalid_name_punctuation');
      if (keptChannel(name)) return err('name_taken');
      const bot = FAKE_SLACK_IDS.botUserId;
      return ok({ channel: channelObject(keepChannel(name, bot, { members: [bot], isPrivate: str(a['is_private']) === 'true' })) });
    },

    // https://api.slack.com/methods/conversations.list: kept channels in creation order, paged by an opaque cursor.
    'conversations.list': (a) => {
      const limit = a['limit'] === undefined ? 100 : Number(str(a['limit']));
      if (!Number.isInteger(limit) || limit < 1 || limit > LIST_LIMIT_MAX) return err('invalid_limit');
      const cursor = str(a['cursor']) ?? '';
      const start = cursor === '' ? 0 : Number(/^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'))?.[1] ?? NaN);
      if (!Number.isInteger(start)) return err('invalid_cursor');
      const types = (str(a['types']) ?? 'public_channel').split(',').map((t) => t.trim());
      const excludeArchived = str(a['exclude_archived']) === 'true';
      const listed = [...channels.values()].filter(
        (c) => (c.isPrivate ? types.includes('private_channel') && botIn(c) : types.includes('public_channel')) && !(excludeArchived && c.archived),
      );
      const next = start + limit < listed.length ? Buffer.from(`offset:${start + limit}`).toString('base64') : '';
      return ok({ channels: listed.slice(start, start + limit).map(channelObject), response_metadata: { next_cursor: next } });
    },

    'conversations.setTopic': (a) => {
      const channel = resolveChannel(a['channel']);
      if (!channel) return err('channel_not_found');
      const refused = refusedIn(channel);
      if (refused) return refused;
      const topic = str(a['topic']) ?? '';
      if ([...topic].length > TOPIC_MAX) return err('too_long');
      const kept = channels.get(channel);
      if (!kept) return ok({ channel: { id: channel, name: channelNames.get(channel), topic: { value: topic, creator: FAKE_SLACK_IDS.botUserId, last_set: clockSec() } } });
      kept.topic = topic;
      return ok({ channel: channelObject(kept) });
    },

    // Without `force`, one invitee Slack will not take fails the whole call and nobody is invited.
    'conversations.invite': (a) => {
      const channel = resolveChannel(a['channel']);
      if (!channel) return err('channel_not_found');
      const refused = refusedIn(channel);
      if (refused) return refused;
      const users = (str(a['users']) ?? '').split(',').map((u) => u.trim()).filter((u) => u !== '');
      if (users.length === 0) return err('no_user');
      const kept = channels.get(channel);
      const problem = (u: string): string | undefined =>
        !/^[UW][A-Z0-9]+$/.test(u) ? 'user_not_found'
        : u === FAKE_SLACK_IDS.botUserId ? 'cant_invite_self'
        : kept?.members.has(u) ? 'already_in_channel'
        : undefined;
      const errors = users.flatMap((user) => {
        const error = problem(user);
        return error ? [{ user, ok: false, error }] : [];
      });
      const force = str(a['force']) === 'true';
      if (errors.length > 0 && (!force || errors.length === users.length)) return err(errors[0]!.error, { errors });
      for (const u of users) if (!problem(u)) kept?.members.add(u);
      const answer = kept ? channelObject(kept) : { id: channel, name: channelNames.get(channel) };
      return ok({ channel: answer, ...(errors.length > 0 ? { errors } : {}) });
    },

    'conversations.join': (a) => {
      const channel = resolveChannel(a['channel']);
      if (!channel) return err('channel_not_found');
      const kept = channels.get(channel);
      if (!kept) return ok({ channel: { id: channel, name: channelNames.get(channel) } });
      if (kept.isPrivate && !botIn(kept)) return err('channel_not_found');
      if (kept.archived) return err('is_archived');
      const already = botIn(kept);
      kept.members.add(FAKE_SLACK_IDS.botUserId);
      return ok({ channel: channelObject(kept), ...(already ? { warning: 'already_in_channel', response_metadata: { warnings: ['already_in_channel'] } } : {}) });
    },

    // https://api.slack.com/methods/files.getUploadURLExternal: a URL to post the bytes to, and the file's id.
    'files.getUploadURLExternal': (a) => {
      const name = str(a['filename']);
      const length = Number(str(a['length']));
      if (!name || !Number.isInteger(length) || length <= 0) return err('invalid_arguments');
      fileSeq += 1;
      const id = `F${String(fileSeq).padStart(10, '0')}`;
      files.set(id, { id, name, title: name, length });
      return ok({ upload_url: `${baseUrl}upload/${id}`, file_id: id });
    },

    // https://api.slack.com/methods/files.completeUploadExternal: shares uploaded files in a channel (and thread).
    'files.completeUploadExternal': (a) => {
      const wanted = Array.isArray(a['files']) ? (a['files'] as Args[]) : [];
      if (wanted.length === 0) return err('invalid_arguments');
      const found = wanted.map((f) => ({ f: files.get(str(f['id']) ?? ''), title: str(f['title']) }));
      if (found.some(({ f }) => !f || f.content === undefined)) return err('file_not_found');
      const channel = a['channel_id'] === undefined ? undefined : resolveChannel(a['channel_id']);
      const threadTs = str(a['thread_ts']);
      const shared = found.map(({ f, title }) => Object.assign(f!, { title: title ?? f!.title, ...(channel ? { sharedIn: { channel, threadTs } } : {}) }));
      if (channel) {
        storeMessage({
          type: 'message', channel, ts: nextTs(), user: FAKE_SLACK_IDS.botUserId, bot_id: FAKE_SLACK_IDS.botId, app_id: FAKE_SLACK_IDS.appId,
          team: FAKE_SLACK_IDS.teamId, text: str(a['initial_comment']) ?? '', upload: true,
          files: shared.map((f) => ({ id: f.id, name: f.name, title: f.title, size: f.length })),
          ...(threadTs ? { thread_ts: threadTs } : {}),
        });
      }
      return ok({ files: shared.map((f) => ({ id: f.id, title: f.title })) });
    },

    // https://api.slack.com/methods/pins.add
    'pins.add': (a) => {
      const channel = resolveChannel(a['channel']);
      if (!channel) return err('channel_not_found');
      const refused = refusedIn(channel);
      if (refused) return refused;
      const ts = str(a['timestamp']);
      if (!ts) return err('no_item_specified');
      if (!/^\d+\.\d+$/.test(ts)) return err('bad_timestamp');
      if (!messages.get(channel)?.has(ts)) return err('message_not_found');
      const pinned = pins.get(channel) ?? [];
      if (pinned.includes(ts)) return err('already_pinned');
      pins.set(channel, [...pinned, ts]);
      return ok({});
    },
  };

  const answerApi = (method: string, headers: Record<string, string | undefined>, body: Args): Answer => {
    const at = failures.findIndex((f) => f.method === undefined || f.method === method);
    const failure = at < 0 ? undefined : failures.splice(at, 1)[0];
    if (failure?.status === 429) {
      return { status: 429, json: { ok: false, error: 'ratelimited' }, headers: { 'Retry-After': String(failure.retryAfter) } };
    }
    if (failure && !failure.afterHandling) return { status: 500, text: 'Internal Server Error' };
    const answer = handle(method, headers, body);
    return failure ? { status: 500, text: 'Internal Server Error' } : answer;
  };

  const handle = (method: string, headers: Record<string, string | undefined>, body: Args): Answer => {
    if (method === 'apps.connections.open') return appsConnectionsOpen(headers, body);
    const handler = handlers[method];
    if (!handler) return err('unknown_method', { req_method: method });
    if (!isAuthed(headers, body)) return err('not_authed');
    const needed = SCOPE_OF[method];
    if (scopes && needed && !scopes.has(needed)) return err('missing_scope', { needed, provided: [...scopes].join(',') });
    return handler(body);
  };

  const send = (res: ServerResponse, a: Answer): void => {
    if (a.json !== undefined) {
      res.writeHead(a.status, { 'Content-Type': 'application/json; charset=utf-8', ...a.headers });
      res.end(JSON.stringify(a.json));
    } else {
      res.writeHead(a.status, { 'Content-Type': 'text/plain; charset=utf-8', ...a.headers });
      res.end(a.text ?? '');
    }
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const headers = flattenHeaders(req.headers);
      const query: Args = {};
      for (const [k, v] of url.searchParams) query[k] = decodeFormValue(k, v);
      const body: Args = { ...query, ...parseBody(raw, headers['content-type']) };

      const apiMatch = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname);
      const respMatch = /^\/response\/([^/]+)$/.exec(url.pathname);
      const uploadMatch = /^\/upload\/([^/]+)$/.exec(url.pathname);
      let method: string;
      let answer: Answer;
      if (apiMatch && (req.method === 'POST' || req.method === 'GET')) {
        method = apiMatch[1] ?? '';
        answer = answerApi(method, headers, body);
      } else if (respMatch && req.method === 'POST') {
        method = 'response_url';
        answer = ok({});
      } else if (uploadMatch && req.method === 'POST') {
        method = 'upload_url';
        const file = files.get(uploadMatch[1] ?? '');
        if (file) file.content = uploadedBytes(raw, headers['content-type']);
        answer = file ? { status: 200, text: `OK - ${Buffer.byteLength(file.content ?? '')}` } : { status: 404, text: 'Not Found' };
      } else {
        send(res, { status: 404, text: 'Not Found' });
        return;
      }
      record({ method, body, headers, at: Date.now(), path: url.pathname, status: answer.status, response: answer.json ?? answer.text });
      send(res, answer);
    })().catch((e: unknown) => {
      if (!res.headersSent) send(res, { status: 500, text: `fake slack error: ${String(e)}` });
      else res.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}/`;

  const fake: FakeSlack = {
    url: `${baseUrl}api/`,
    baseUrl,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    waitFor(method, predicate, timeoutMs = 5000) {
      let existing: SlackCall | undefined;
      try {
        existing = calls.find((c) => c.method === method && (!predicate || predicate(c)));
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
      if (existing) return Promise.resolve(existing);
      if (closed) return Promise.reject(new Error(`fake slack is closed; no ${method} call`));
      return new Promise<SlackCall>((resolve, reject) => {
        const waiter: Waiter = {
          method,
          predicate,
          resolve,
          reject,
          timer: setTimeout(() => {
            waiters.delete(waiter);
            const seen = calls.map((c) => c.method).join(', ') || '(none)';
            reject(new Error(`timed out after ${timeoutMs}ms waiting for a matching ${method} call; calls seen: ${seen}`));
          }, timeoutMs),
        };
        waiters.add(waiter);
      });
    },
    failNext(n, failure) {
      for (let i = 0; i < n; i++) failures.push(failure);
    },
    setSocketUrl(url) {
      socketUrl = url;
    },
    respondUrl: (id) => `${baseUrl}response/${encodeURIComponent(id)}`,
    messages(channel) {
      if (channel === undefined) return [...messages.values()].flatMap((m) => [...m.values()]);
      const id = resolveChannel(channel);
      return id ? [...(messages.get(id)?.values() ?? [])] : [];
    },
    files: () => [...files.values()].filter((f) => f.sharedIn),
    channelId: (name) => channelIdFor(name),
    channel(nameOrId) {
      const c = keptChannel(nameOrId);
      return c && { id: c.id, name: c.name, created: c.created, isPrivate: c.isPrivate, archived: c.archived, topic: c.topic, members: [...c.members], pins: [...(pins.get(c.id) ?? [])] };
    },
    addChannel(name, o = {}) {
      const members = ['U0SOMEONE', ...(o.botIsMember ? [FAKE_SLACK_IDS.botUserId] : [])];
      return keepChannel(name.replace(/^#/, ''), 'U0SOMEONE', { ...o, members }).id;
    },
    setScopes(granted) {
      scopes = granted && new Set(granted);
    },
    reset() {
      files.clear();
      calls.length = 0;
      failures.length = 0;
      messages.clear();
      views.clear();
      homeViewIdByUser.clear();
      channels.clear();
      pins.clear();
      scopes = undefined;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const w of waiters) {
        clearTimeout(w.timer);
        w.reject(new Error(`fake slack closed while waiting for ${w.method}`));
      }
      waiters.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return fake;
}
