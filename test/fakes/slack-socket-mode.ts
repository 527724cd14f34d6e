/**
 * A loopback fake of Slack's Socket Mode WebSocket endpoint for tests.
 *
 * Speaks the protocol described at https://api.slack.com/apis/connections/socket:
 *  - a client connects to the URL `apps.connections.open` handed out (point the Web API fake at
 *    this server with `slack.setSocketUrl(socket.url)`) and is greeted with a `hello` message;
 *  - `send(type, payload)` delivers an envelope `{ envelope_id, type, payload, accepts_response_payload }`
 *    and resolves with the client's acknowledgement `{ envelope_id, payload? }` and how long it took;
 *  - ping frames from the client are answered with pongs (the `ws` library does this), and are counted;
 *    `ping()` pings the client the way Slack's servers do and resolves when it pongs;
 *  - `disconnect(reason)` sends Slack's `{ type: 'disconnect' }` message, asking the client to reconnect.
 *
 * Listens on 127.0.0.1 only, on an ephemeral port.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { FAKE_SLACK_IDS } from './slack-web-api.ts';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

/** What Slack sends over the socket for each request to the app. */
export interface Envelope {
  envelope_id: string;
  type: EnvelopeType;
  payload: Record<string, unknown>;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

/** One acknowledgement the client sent back. */
export interface SocketAck {
  envelope_id: string;
  /** The `payload` of the ack, if the client sent one (Bolt always does, `{}` for a bare `ack()`). */
  payload?: Record<string, unknown>;
  /** Type of the envelope this acknowledges, or `undefined` for an envelope id the fake never sent. */
  type: EnvelopeType | undefined;
  /** Milliseconds from sending the envelope to receiving this ack. */
  ms: number;
  /** `Date.now()` when the ack arrived. */
  at: number;
  /** The frame as received. */
  raw: string;
}

export interface SendOptions {
  /** `accepts_response_payload`; defaults to true for slash commands, false otherwise (as Slack does for buttons and events). */
  acceptsResponsePayload?: boolean;
  /** Marks the envelope as Slack's retry of an earlier delivery (`retry_attempt`, `retry_reason`). */
  retryAttempt?: number;
  retryReason?: string;
  /** Defaults to a fresh UUID, as Slack's envelope ids are. */
  envelopeId?: string;
  /** How long to wait for the ack before rejecting. Defaults to 3000 ms, Slack's own deadline. */
  timeoutMs?: number;
}

export interface FakeSocketMode {
  /** `ws://127.0.0.1:<port>/link/?ticket=…&app_id=A0FAKE`, the URL `apps.connections.open` should return. */
  url: string;
  /** Resolves once a client is connected and has been sent `hello` (at once if one already is). */
  connected(timeoutMs?: number): Promise<void>;
  /** Resolves once `n` connections in all have been greeted with `hello` (counts reconnections). */
  waitForConnections(n: number, timeoutMs?: number): Promise<void>;
  /** Connections greeted with `hello` so far. */
  readonly connectionCount: number;
  /** Sends an envelope to the most recently connected client; resolves with its ack, rejects after `timeoutMs`. */
  send(type: EnvelopeType, payload: Record<string, unknown>, options?: SendOptions): Promise<SocketAck>;
  /** Every envelope sent, oldest first. */
  sent: Envelope[];
  /** Every ack received (including late ones and ones for unknown envelope ids), oldest first. */
  acks: SocketAck[];
  /** Every text frame the client sent that is not an ack (unparseable ones as `{ raw }`). */
  otherFrames: unknown[];
  /** Ping frames received from clients (each answered with a pong). */
  readonly pingsReceived: number;
  /** Resolves when the client's ping count reaches `n`. */
  waitForPings(n: number, timeoutMs?: number): Promise<void>;
  /** Pings the current client as Slack's servers do; resolves with the round trip in ms when it pongs. */
  ping(timeoutMs?: number): Promise<number>;
  /** Sends Slack's `disconnect` message (`refresh_requested`, `warning`, `link_disabled`). */
  disconnect(reason?: string): void;
  /** Close frames received from clients: who hung up, and how. */
  closes: Array<{ code: number; reason: string; at: number }>;
  /** Resolves with the `n`th close (1-based) of a client connection, once there is one. */
  waitForClose(n?: number, timeoutMs?: number): Promise<{ code: number; reason: string; at: number }>;
  /** Forget envelopes, acks and frames (connections and counters stay). */
  reset(): void;
  /** Terminates client connections and stops listening; pending sends reject. */
  close(): Promise<void>;
}

interface Pending {
  envelope: Envelope;
  resolve: (ack: SocketAck) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** An events_api payload (`event_callback`) around `event`, as Slack delivers it to the app. */
export function eventCallbackPayload(event: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    token: 'fake-verification-token',
    team_id: FAKE_SLACK_IDS.teamId,
    api_app_id: FAKE_SLACK_IDS.appId,
    event: { event_ts: `${(Date.now() / 1000).toFixed(6)}`, ...event },
    type: 'event_callback',
    event_id: `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: FAKE_SLACK_IDS.teamId, user_id: FAKE_SLACK_IDS.botUserId, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: `4-${randomBytes(12).toString('base64url')}`,
    ...extra,
  };
}

/** Resolves when `ready()` holds, re-checked whenever `poke` is called; rejects after `timeoutMs` with `what`. */
function waitUntil(waiters: Set<() => void>, ready: () => boolean, what: () => string, timeoutMs: number): Promise<void> {
  if (ready()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!ready()) return;
      clearTimeout(timer);
      waiters.delete(check);
      resolve();
    };
    const timer = setTimeout(() => {
      waiters.delete(check);
      reject(new Error(`timed out after ${timeoutMs}ms waiting for ${what()}`));
    }, timeoutMs);
    waiters.add(check);
  });
}

export async function startFakeSocketMode(): Promise<FakeSocketMode> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/link/' });
  await new Promise<void>((resolve, reject) => {
    wss.once('error', reject);
    wss.once('listening', () => {
      wss.off('error', reject);
      resolve();
    });
  });
  const { port } = wss.address() as AddressInfo;
  const ticket = randomUUID();

  const sent: Envelope[] = [];
  const acks: SocketAck[] = [];
  const otherFrames: unknown[] = [];
  const closes: FakeSocketMode['closes'] = [];
  const pending = new Map<string, Pending>();
  const typeOfEnvelope = new Map<string, { type: EnvelopeType; started: number }>();
  const waiters = new Set<() => void>();
  const poke = () => [...waiters].forEach((w) => w());
  /** Open clients that have been sent `hello`, most recent last. */
  const clients: WebSocket[] = [];
  let connectionCount = 0;
  let pingsReceived = 0;
  let closed = false;

  const current = (): WebSocket | undefined => [...clients].reverse().find((c) => c.readyState === WebSocket.OPEN);

  const onFrame = (data: string): void => {
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      otherFrames.push({ raw: data });
      return;
    }
    const envelopeId = typeof frame === 'object' && frame !== null ? (frame as { envelope_id?: unknown }).envelope_id : undefined;
    if (typeof envelopeId !== 'string') {
      otherFrames.push(frame);
      return;
    }
    const now = performance.now();
    const known = typeOfEnvelope.get(envelopeId);
    const payload = (frame as { payload?: unknown }).payload;
    const ack: SocketAck = {
      envelope_id: envelopeId,
      ...(typeof payload === 'object' && payload !== null ? { payload: payload as Record<string, unknown> } : {}),
      type: known?.type,
      ms: known ? now - known.started : Number.NaN,
      at: Date.now(),
      raw: data,
    };
    acks.push(ack);
    const p = pending.get(envelopeId);
    if (p) {
      clearTimeout(p.timer);
      pending.delete(envelopeId);
      p.resolve(ack);
    }
    poke();
  };

  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.searchParams.get('ticket') !== ticket) {
      // Slack refuses a stale or made-up ticket the same way: the socket is closed straight away.
      ws.close(1008, 'invalid ticket');
      return;
    }
    ws.on('ping', () => {
      pingsReceived += 1;
      poke();
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) otherFrames.push({ binary: true });
      else onFrame(data.toString());
    });
    ws.on('close', (code, reason) => {
      closes.push({ code, reason: reason.toString(), at: Date.now() });
      const i = clients.indexOf(ws);
      if (i >= 0) clients.splice(i, 1);
      poke();
    });
    ws.on('error', () => undefined);
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: clients.length + 1,
        debug_info: { host: 'applink-fake-127-0-0-1', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: FAKE_SLACK_IDS.appId },
      }),
      (e) => {
        if (e || ws.readyState !== WebSocket.OPEN) return;
        clients.push(ws);
        connectionCount += 1;
        poke();
      },
    );
  });

  const fake: FakeSocketMode = {
    url: `ws://127.0.0.1:${port}/link/?ticket=${ticket}&app_id=${FAKE_SLACK_IDS.appId}`,
    get connectionCount() {
      return connectionCount;
    },
    get pingsReceived() {
      return pingsReceived;
    },
    sent,
    acks,
    otherFrames,
    closes,

    connected(timeoutMs = 20_000) {
      return waitUntil(waiters, () => current() !== undefined, () => 'a Socket Mode client to connect', timeoutMs);
    },

    waitForConnections(n, timeoutMs = 20_000) {
      return waitUntil(waiters, () => connectionCount >= n && current() !== undefined, () => `${n} Socket Mode connections (seen ${connectionCount})`, timeoutMs);
    },

    send(type, payload, options = {}) {
      if (type === 'events_api' && payload['type'] !== 'event_callback') {
        return Promise.reject(new Error('an events_api envelope carries an event_callback payload (see eventCallbackPayload)'));
      }
      const ws = current();
      if (closed || !ws) return Promise.reject(new Error(`no Socket Mode client connected to deliver a ${type} envelope to`));
      const envelope: Envelope = {
        envelope_id: options.envelopeId ?? randomUUID(),
        type,
        payload,
        accepts_response_payload: options.acceptsResponsePayload ?? type === 'slash_commands',
        ...(type === 'events_api' || options.retryAttempt !== undefined
          ? { retry_attempt: options.retryAttempt ?? 0, retry_reason: options.retryReason ?? (options.retryAttempt ? 'timeout' : '') }
          : {}),
      };
      const timeoutMs = options.timeoutMs ?? 3000;
      return new Promise<SocketAck>((resolve, reject) => {
        const started = performance.now();
        const timer = setTimeout(() => {
          pending.delete(envelope.envelope_id);
          reject(new Error(`no ack for ${type} envelope ${envelope.envelope_id} within ${timeoutMs}ms`));
        }, timeoutMs);
        pending.set(envelope.envelope_id, { envelope, resolve, reject, timer });
        typeOfEnvelope.set(envelope.envelope_id, { type, started });
        sent.push(envelope);
        ws.send(JSON.stringify(envelope), (e) => {
          if (!e) return;
          clearTimeout(timer);
          pending.delete(envelope.envelope_id);
          reject(e);
        });
      });
    },

    waitForPings(n, timeoutMs = 10_000) {
      return waitUntil(waiters, () => pingsReceived >= n, () => `${n} pings from the client (seen ${pingsReceived})`, timeoutMs);
    },

    ping(timeoutMs = 3000) {
      const ws = current();
      if (!ws) return Promise.reject(new Error('no Socket Mode client connected to ping'));
      const data = Buffer.from(`ping from fake Slack ${Date.now()}`);
      return new Promise<number>((resolve, reject) => {
        const started = performance.now();
        const onPong = (got: Buffer) => {
          if (!got.equals(data)) return;
          clearTimeout(timer);
          ws.off('pong', onPong);
          resolve(performance.now() - started);
        };
        const timer = setTimeout(() => {
          ws.off('pong', onPong);
          reject(new Error(`no pong within ${timeoutMs}ms`));
        }, timeoutMs);
        ws.on('pong', onPong);
        ws.ping(data);
      });
    },

    disconnect(reason = 'refresh_requested') {
      const ws = current();
      if (!ws) throw new Error('no Socket Mode client connected to disconnect');
      ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-fake-127-0-0-1' } }));
    },

    waitForClose(n = 1, timeoutMs = 10_000) {
      return waitUntil(waiters, () => closes.length >= n, () => `close #${n} of a client connection (seen ${closes.length})`, timeoutMs).then(() => closes[n - 1]!);
    },

    reset() {
      sent.length = 0;
      acks.length = 0;
      otherFrames.length = 0;
      closes.length = 0;
      for (const id of typeOfEnvelope.keys()) if (!pending.has(id)) typeOfEnvelope.delete(id);
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const p of pending.values()) {
        clearTimeout(p.timer);
        p.reject(new Error(`fake Socket Mode closed before envelope ${p.envelope.envelope_id} was acked`));
      }
      pending.clear();
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
  return fake;
}
