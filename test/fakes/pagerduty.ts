/**
 * A loopback fake of the two PagerDuty APIs the bot uses, for tests.
 *
 * `startFakePagerDuty()` listens on 127.0.0.1 (ephemeral port) and answers, on one server:
 *
 *   POST /v2/enqueue   Events API v2 (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/ and the
 *                      Events v2 OpenAPI in github.com/PagerDuty/api-schema, reference/events-v2/openapiv3.json).
 *                      202 { status: "success", message: "Event processed", dedup_key } for a valid event;
 *                      400 { status: "invalid event", message: "Event object is invalid", errors: [...] } for an
 *                      invalid one (every documented field and limit is checked: `eventsV2Problems`); 400
 *                      { status: "Unrecognized object", message: "Event object format is unrecognized",
 *                      errors: ["JSON parse error"] } for a body that is not JSON.
 *   GET  /oncalls      REST API v2 "List all of the on-calls": `Authorization: Token token=<token>` or 401
 *                      { error: { message: "Authentication failed", code: 2006 } }; filters escalation_policy_ids[],
 *                      schedule_ids[], user_ids[]; include[]=users (full users with name/email),
 *                      include[]=escalation_policies, include[]=schedules; classic pagination (limit ≤ 100,
 *                      offset, more, total). Answers { oncalls: [...], limit, offset, more, total: null }.
 *
 * Point the adapters at it with PAGERDUTY_EVENTS_URL = PAGERDUTY_API_URL = `fake.url`.
 *
 * Incidents are modelled per (routing_key, dedup_key) as PagerDuty documents alert de-duplication: a trigger
 * opens an incident, another trigger with the same key while it is open is de-duplicated into it, acknowledge
 * and resolve change its state, events for a resolved or unknown key are dropped (still 202), and a trigger after
 * a resolve opens a new incident. A trigger without a dedup_key gets a fresh one.
 *
 * Every request that reaches the server is recorded in `requests` (with the status and answer it got, injected
 * failures included); every event that passed validation is in `events`. It can be made to fail: `failNext(n,
 * …)` answers the next n requests with a 500/502/503/504 or 429; `failFor(ms, …)` does so for a while; `stop()`
 * closes the port (unreachable: ECONNREFUSED) and `start()` opens the same port again; `setLatency(ms)` delays
 * answers (for timeouts).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const FAKE_PD_TOKEN = 'y_NbAkKc66ryYTWUXYEu';
/** A 32-character integration key, as the trigger-events docs require. */
export const FAKE_PD_ROUTING_KEY = 'R0UT1NGKEYf4k3000000000000000001';

export type PdApi = 'events' | 'rest' | 'other';

export interface PdRequest {
  api: PdApi;
  method: string;
  /** path without the query, e.g. /v2/enqueue or /oncalls */
  path: string;
  /** query parameters, repeated ones (escalation_policy_ids[]) as several values */
  query: Record<string, string[]>;
  /** lower-cased names */
  headers: Record<string, string | undefined>;
  /** the raw body */
  raw: string;
  /** the body as JSON, or undefined when it is not JSON */
  body: unknown;
  status: number;
  response: unknown;
  at: number;
}

export interface AcceptedEvent {
  routing_key: string;
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  /** as sent, or the one the fake made up for a trigger without one */
  dedup_key: string;
  /** what the event did: opened an incident, was de-duplicated into one, changed one's state, or was dropped */
  outcome: 'opened' | 'deduplicated' | 'acknowledged' | 'resolved' | 'dropped';
  body: Record<string, unknown>;
  at: number;
}

export type IncidentStatus = 'triggered' | 'acknowledged' | 'resolved';

export interface FakeIncident {
  /** 1, 2, 3 … in the order opened */
  number: number;
  routingKey: string;
  dedupKey: string;
  status: IncidentStatus;
  summary: string;
  source: string;
  severity: string;
  /** trigger events applied (the first, and each de-duplicated one) */
  triggers: number;
  /** each event applied, in order */
  log: { action: AcceptedEvent['event_action']; at: number }[];
}

export interface FakeOnCall {
  escalationPolicy: { id: string; name: string };
  level: number;
  user: { id: string; name: string; email: string; timeZone?: string };
  /** null for a user who is a direct target of the escalation rule (a permanent on-call) */
  schedule: { id: string; name: string } | null;
  /** ISO 8601; null for a permanent on-call */
  start: string | null;
  end: string | null;
}

export type PdFailure = { status: 500 | 502 | 503 | 504 } | { status: 429; retryAfterS?: number };

export interface FakePagerDutyOptions {
  /** the REST token accepted; default FAKE_PD_TOKEN */
  token?: string;
  /** routing keys of existing integrations; others are answered 400 "Invalid routing key". Default: any 32-character key. */
  routingKeys?: string[];
  /** the on-calls served; default DEFAULT_ONCALLS */
  onCalls?: FakeOnCall[];
  /** the largest `limit` honoured (PagerDuty's is 100) */
  maxLimit?: number;
}

export interface FakePagerDuty {
  /** base URL, no trailing slash: http://127.0.0.1:<port> (both PAGERDUTY_EVENTS_URL and PAGERDUTY_API_URL) */
  url: string;
  token: string;
  requests: PdRequest[];
  requestsTo(api: PdApi): PdRequest[];
  /** events that passed validation, oldest first */
  events: AcceptedEvent[];
  incidents(): FakeIncident[];
  /** the latest incident for a dedup key (any routing key) */
  incident(dedupKey: string): FakeIncident | undefined;
  setOnCalls(onCalls: FakeOnCall[]): void;
  /** the next `n` requests (of `api`, default any) get this answer instead. Queues up. */
  failNext(n: number, failure: PdFailure, api?: PdApi): void;
  /** every request (of `api`) for the next `ms` gets this answer */
  failFor(ms: number, failure: PdFailure, api?: PdApi): void;
  /** delay every answer by `ms` (0 to stop) */
  setLatency(ms: number): void;
  /** closes the port: PagerDuty is unreachable (connection refused) until `start()` */
  stop(): Promise<void>;
  /** listens on the same port again */
  start(): Promise<void>;
  /** forget requests, events, incidents and failures; on-calls go back to the ones started with */
  reset(): void;
  close(): Promise<void>;
}

export const DEFAULT_ONCALLS: FakeOnCall[] = [
  {
    escalationPolicy: { id: 'PSPARK1', name: 'Spark release' },
    level: 1,
    user: { id: 'PAL1CE1', name: 'Alice Oncall', email: 'alice@spark.example' },
    schedule: { id: 'PSCHED1', name: 'Spark primary' },
    start: '2025-01-06T09:00:00Z',
    end: '2025-01-13T09:00:00Z',
  },
  {
    escalationPolicy: { id: 'PSPARK1', name: 'Spark release' },
    level: 2,
    user: { id: 'PDEV0PS', name: 'Dana DevOps-Lead', email: 'dana@spark.example' },
    schedule: null,
    start: null,
    end: null,
  },
  {
    escalationPolicy: { id: 'PSPARK1', name: 'Spark release' },
    level: 2,
    user: { id: 'PCT0001', name: 'Chris CTO', email: 'chris@spark.example' },
    schedule: null,
    start: null,
    end: null,
  },
  {
    escalationPolicy: { id: 'POTHER1', name: 'Another team' },
    level: 1,
    user: { id: 'PB0B000', name: 'Bob Elsewhere', email: 'bob@other.example' },
    schedule: { id: 'PSCHED9', name: 'Other primary' },
    start: '2025-01-06T09:00:00Z',
    end: '2025-01-13T09:00:00Z',
  },
];

const SEVERITIES = ['critical', 'error', 'warning', 'info'];
const ACTIONS = ['trigger', 'acknowledge', 'resolve'];
const MAX_BODY_BYTES = 512 * 1024;
const ISO_8601 = /^\d{4}-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(?:Z|[+-](\d{2})(?::?(\d{2}))?)$/i;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isUrl = (v: unknown, protocols = ['http:', 'https:']): boolean => typeof v === 'string' && URL.canParse(v) && protocols.includes(new URL(v).protocol);
const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

function isIso8601(v: string): boolean {
  const m = ISO_8601.exec(v);
  if (!m) return false;
  const [month, day, hour, minute, second, offH, offM] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  return month! >= 1 && month! <= 12 && day! >= 1 && day! <= 31 && hour! <= 23 && minute! <= 59 && second! <= 60 && offH! <= 23 && offM! <= 59;
}

/**
 * Why PagerDuty's Events API v2 would refuse this body (empty when it would accept it), one message per
 * documented rule broken.
 */
export function eventsV2Problems(body: unknown, routingKeys?: ReadonlySet<string>): string[] {
  if (!isObject(body)) return ['Event object must be a JSON object'];
  const problems: string[] = [];
  const { routing_key: routingKey, event_action: action, dedup_key: dedupKey, payload } = body;

  if (blank(routingKey)) problems.push("'routing_key' is missing or blank");
  else if (typeof routingKey !== 'string') problems.push("'routing_key' must be a string");
  else if (routingKey.length !== 32) problems.push("Length of 'routing_key' is incorrect (should be 32 characters)");
  else if (routingKeys && !routingKeys.has(routingKey)) problems.push('Invalid routing key');

  if (blank(action)) problems.push("'event_action' is missing or blank");
  else if (typeof action !== 'string' || !ACTIONS.includes(action)) problems.push("'event_action' is invalid (must be one of: trigger, acknowledge, resolve)");

  if (dedupKey !== undefined && typeof dedupKey !== 'string') problems.push("'dedup_key' must be a string");
  else if (typeof dedupKey === 'string' && dedupKey.length > 255) problems.push("Length of 'dedup_key' is too long (maximum is 255 characters)");
  else if ((action === 'acknowledge' || action === 'resolve') && blank(dedupKey)) problems.push("'dedup_key' is missing or blank (required for acknowledge and resolve)");

  if (action === 'trigger') {
    if (!isObject(payload)) problems.push(payload === undefined ? "'payload' is missing (required for trigger)" : "'payload' must be a JSON object");
    else {
      const { summary, source, severity, timestamp, custom_details: details } = payload;
      if (blank(summary)) problems.push("'payload.summary' is missing or blank");
      else if (typeof summary !== 'string') problems.push("'payload.summary' must be a string");
      else if (summary.length > 1024) problems.push("Length of 'payload.summary' is too long (maximum is 1024 characters)");
      if (blank(source)) problems.push("'payload.source' is missing or blank");
      else if (typeof source !== 'string') problems.push("'payload.source' must be a string");
      if (blank(severity)) problems.push("'payload.severity' is missing or blank");
      else if (typeof severity !== 'string' || !SEVERITIES.includes(severity)) problems.push("'payload.severity' is invalid (must be one of: critical, error, warning, info)");
      if (timestamp !== undefined && (typeof timestamp !== 'string' || !isIso8601(timestamp))) problems.push("'payload.timestamp' is not a valid ISO 8601 timestamp");
      for (const field of ['component', 'group', 'class']) {
        if (payload[field] !== undefined && typeof payload[field] !== 'string') problems.push(`'payload.${field}' must be a string`);
      }
      if (details !== undefined && !isObject(details)) problems.push("'payload.custom_details' must be a JSON object");
    }
  }

  for (const field of ['client', 'client_url']) {
    if (body[field] !== undefined && typeof body[field] !== 'string') problems.push(`'${field}' must be a string`);
  }
  if (typeof body.client_url === 'string' && !isUrl(body.client_url)) problems.push("'client_url' must be a URL");

  if (body.links !== undefined) {
    if (!Array.isArray(body.links)) problems.push("'links' must be an array");
    else
      body.links.forEach((link: unknown, i) => {
        if (!isObject(link)) return void problems.push(`'links[${i}]' must be a JSON object`);
        if (blank(link.href)) problems.push(`'links[${i}].href' is missing or blank`);
        else if (!isUrl(link.href)) problems.push(`'links[${i}].href' must be a URL`);
        if (link.text !== undefined && typeof link.text !== 'string') problems.push(`'links[${i}].text' must be a string`);
      });
  }
  if (body.images !== undefined) {
    if (!Array.isArray(body.images)) problems.push("'images' must be an array");
    else
      body.images.forEach((image: unknown, i) => {
        if (!isObject(image)) return void problems.push(`'images[${i}]' must be a JSON object`);
        if (blank(image.src)) problems.push(`'images[${i}].src' is missing or blank`);
        else if (!isUrl(image.src, ['https:'])) problems.push(`'images[${i}].src' must be an HTTPS URL`);
        if (image.href !== undefined && !isUrl(image.href)) problems.push(`'images[${i}].href' must be a URL`);
        if (image.alt !== undefined && typeof image.alt !== 'string') problems.push(`'images[${i}].alt' must be a string`);
      });
  }
  return problems;
}

type Answer = { status: number; json: unknown; headers?: Record<string, string> };

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function flattenHeaders(h: IncomingMessage['headers']): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

const restError = (status: number, message: string, code: number, errors?: string[]): Answer => ({
  status,
  json: { error: { message, code, ...(errors ? { errors } : {}) } },
});

export async function startFakePagerDuty(opts: FakePagerDutyOptions = {}): Promise<FakePagerDuty> {
  const token = opts.token ?? FAKE_PD_TOKEN;
  const routingKeys = opts.routingKeys ? new Set(opts.routingKeys) : undefined;
  const maxLimit = opts.maxLimit ?? 100;
  const requests: PdRequest[] = [];
  const events: AcceptedEvent[] = [];
  const incidents: FakeIncident[] = [];
  const queued: { failure: PdFailure; api?: PdApi }[] = [];
  let window: { until: number; failure: PdFailure; api?: PdApi } | undefined;
  let onCalls = [...(opts.onCalls ?? DEFAULT_ONCALLS)];
  let latencyMs = 0;
  let listening = false;

  const openIncident = (routingKey: string, dedupKey: string) =>
    [...incidents].reverse().find((i) => i.routingKey === routingKey && i.dedupKey === dedupKey && i.status !== 'resolved');

  const enqueue = (raw: string): Answer => {
    if (Buffer.byteLength(raw) > MAX_BODY_BYTES) return { status: 400, json: { status: 'invalid event', message: 'Event object is invalid', errors: ['Event object is larger than 512 KB'] } };
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return { status: 400, json: { status: 'Unrecognized object', message: 'Event object format is unrecognized', errors: ['JSON parse error'] } };
    }
    const problems = eventsV2Problems(body, routingKeys);
    if (problems.length) return { status: 400, json: { status: 'invalid event', message: 'Event object is invalid', errors: problems } };
    const event = body as Record<string, unknown> & { routing_key: string; event_action: AcceptedEvent['event_action']; dedup_key?: string };
    const dedupKey = event.dedup_key ?? randomBytes(16).toString('hex');
    const at = Date.now();
    const open = openIncident(event.routing_key, dedupKey);
    let outcome: AcceptedEvent['outcome'];
    if (event.event_action === 'trigger') {
      const payload = event.payload as { summary: string; source: string; severity: string };
      if (open) {
        open.triggers += 1;
        open.log.push({ action: 'trigger', at });
        outcome = 'deduplicated';
      } else {
        incidents.push({
          number: incidents.length + 1,
          routingKey: event.routing_key,
          dedupKey,
          status: 'triggered',
          summary: payload.summary,
          source: payload.source,
          severity: payload.severity,
          triggers: 1,
          log: [{ action: 'trigger', at }],
        });
        outcome = 'opened';
      }
    } else if (!open) {
      outcome = 'dropped';
    } else {
      open.log.push({ action: event.event_action, at });
      // Acknowledging an acknowledged incident changes nothing; resolving ends it either way.
      open.status = event.event_action === 'acknowledge' ? 'acknowledged' : 'resolved';
      outcome = event.event_action === 'acknowledge' ? 'acknowledged' : 'resolved';
    }
    events.push({ routing_key: event.routing_key, event_action: event.event_action, dedup_key: dedupKey, outcome, body: event, at });
    return { status: 202, json: { status: 'success', message: 'Event processed', dedup_key: dedupKey } };
  };

  const reference = (type: string, collection: string, id: string, summary: string) => ({
    id,
    type: `${type}_reference`,
    summary,
    self: `${baseUrl}/${collection}/${id}`,
    html_url: `https://spark-fake.pagerduty.com/${collection}/${id}`,
  });

  const listOnCalls = (headers: Record<string, string | undefined>, query: Record<string, string[]>): Answer => {
    const auth = headers['authorization'];
    const given = auth ? /^Token token=(\S+)$/.exec(auth.trim())?.[1] : undefined;
    if (given !== token) return restError(401, 'Authentication failed', 2006);
    const one = (k: string) => query[k]?.[0];
    const limitRaw = one('limit');
    const offsetRaw = one('offset');
    const limit = limitRaw === undefined ? 25 : Number(limitRaw);
    const offset = offsetRaw === undefined ? 0 : Number(offsetRaw);
    if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(offset) || offset < 0) return restError(400, 'Invalid Input Provided', 2001, ['limit and offset must be non-negative integers']);
    if (limit + offset > 10_000) return restError(400, 'Invalid Input Provided', 2001, ['Offset + limit must not exceed 10000']);
    for (const k of ['since', 'until']) {
      const v = one(k);
      if (v !== undefined && Number.isNaN(Date.parse(v))) return restError(400, "Invalid time values in 'since' and/or 'until' parameters", 2004);
    }
    const includes = new Set(query['include[]'] ?? []);
    const unknownInclude = [...includes].find((i) => !['users', 'schedules', 'escalation_policies'].includes(i));
    if (unknownInclude) return restError(400, 'Invalid Input Provided', 2001, [`include[] must be one of users, schedules, escalation_policies (got ${unknownInclude})`]);
    const filter = (k: string, value: string | undefined) => !query[k]?.length || (value !== undefined && query[k]!.includes(value));
    const matching = onCalls.filter((o) => filter('escalation_policy_ids[]', o.escalationPolicy.id) && filter('user_ids[]', o.user.id) && filter('schedule_ids[]', o.schedule?.id));
    const size = Math.min(limit, maxLimit);
    const pageOf = matching.slice(offset, offset + size);
    const oncalls = pageOf.map((o) => {
      const userRef = reference('user', 'users', o.user.id, o.user.name);
      const policyRef = reference('escalation_policy', 'escalation_policies', o.escalationPolicy.id, o.escalationPolicy.name);
      const scheduleRef = o.schedule && reference('schedule', 'schedules', o.schedule.id, o.schedule.name);
      return {
        escalation_policy: includes.has('escalation_policies') ? { ...policyRef, type: 'escalation_policy', name: o.escalationPolicy.name } : policyRef,
        escalation_level: o.level,
        schedule: scheduleRef && includes.has('schedules') ? { ...scheduleRef, type: 'schedule', name: o.schedule!.name } : scheduleRef,
        user: includes.has('users')
          ? { ...userRef, type: 'user', name: o.user.name, email: o.user.email, time_zone: o.user.timeZone ?? 'Etc/UTC', role: 'user', job_title: null, description: null }
          : userRef,
        start: o.start,
        end: o.end,
      };
    });
    return { status: 200, json: { oncalls, limit: size, offset, more: offset + size < matching.length, total: one('total') === 'true' ? matching.length : null } };
  };

  const failureNow = (apiName: PdApi): PdFailure | undefined => {
    if (window && Date.now() >= window.until) window = undefined;
    if (window && (!window.api || window.api === apiName)) return window.failure;
    const i = queued.findIndex((q) => !q.api || q.api === apiName);
    return i < 0 ? undefined : queued.splice(i, 1)[0]!.failure;
  };

  const failureAnswer = (failure: PdFailure, apiName: PdApi): Answer => {
    if (failure.status === 429) {
      const headers: Record<string, string> = failure.retryAfterS === undefined ? {} : { 'retry-after': String(failure.retryAfterS) };
      return apiName === 'rest'
        ? { ...restError(429, 'Rate Limit Exceeded', 2020), headers }
        : { status: 429, json: { status: 'throttle event', message: 'Requests for this service are arriving too quickly. Please retry later.', errors: ['Request Limit Exceeded'] }, headers };
    }
    return apiName === 'rest'
      ? restError(failure.status, 'An internal error has occurred. PagerDuty team has been notified.', 2000)
      : { status: failure.status, json: { status: 'Internal Server Error', message: 'the PagerDuty server experienced an error while processing the event' } };
  };

  const send = (res: ServerResponse, a: Answer, contentType: string): void => {
    res.writeHead(a.status, { 'content-type': contentType, ...a.headers });
    res.end(JSON.stringify(a.json));
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const headers = flattenHeaders(req.headers);
      const query: Record<string, string[]> = {};
      for (const [k, v] of url.searchParams) (query[k] ??= []).push(v);
      const apiName: PdApi = url.pathname === '/v2/enqueue' ? 'events' : url.pathname === '/oncalls' ? 'rest' : 'other';
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = undefined;
      }
      const failure = apiName === 'other' ? undefined : failureNow(apiName);
      let answer: Answer;
      if (failure) answer = failureAnswer(failure, apiName);
      else if (apiName === 'events') answer = req.method === 'POST' ? enqueue(raw) : { status: 405, json: { status: 'Method Not Allowed', message: 'Use POST' } };
      else if (apiName === 'rest') answer = req.method === 'GET' ? listOnCalls(headers, query) : restError(405, 'Method Not Allowed', 2100);
      else answer = restError(404, 'Not Found', 2100);
      requests.push({ api: apiName, method: req.method ?? '', path: url.pathname, query, headers, raw, body, status: answer.status, response: answer.json, at: Date.now() });
      send(res, answer, apiName === 'rest' ? 'application/vnd.pagerduty+json;version=2; charset=utf-8' : 'application/json; charset=utf-8');
    })().catch((e: unknown) => {
      if (!res.headersSent) send(res, { status: 500, json: { error: { message: `fake pagerduty error: ${String(e)}`, code: 2000 } } }, 'application/json');
      else res.end();
    });
  });

  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        listening = true;
        resolve();
      });
    });
  const unlisten = () =>
    new Promise<void>((resolve) => {
      if (!listening) return resolve();
      listening = false;
      // Clients keep connections alive: give them a moment to see theirs closed, so the next request is
      // refused (ECONNREFUSED) rather than written into a dead socket.
      server.close(() => setTimeout(resolve, 25));
      server.closeAllConnections();
    });

  await listen();
  port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  let closed = false;

  return {
    url: baseUrl,
    token,
    requests,
    requestsTo: (apiName) => requests.filter((r) => r.api === apiName),
    events,
    incidents: () => [...incidents],
    incident: (dedupKey) => [...incidents].reverse().find((i) => i.dedupKey === dedupKey),
    setOnCalls(next) {
      onCalls = [...next];
    },
    failNext(n, failure, apiName) {
      for (let i = 0; i < n; i++) queued.push({ failure, api: apiName });
    },
    failFor(ms, failure, apiName) {
      window = { until: Date.now() + ms, failure, api: apiName };
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    stop: unlisten,
    async start() {
      if (closed) throw new Error('fake pagerduty is closed');
      if (!listening) await listen();
    },
    reset() {
      requests.length = 0;
      events.length = 0;
      incidents.length = 0;
      queued.length = 0;
      window = undefined;
      latencyMs = 0;
      onCalls = [...(opts.onCalls ?? DEFAULT_ONCALLS)];
    },
    async close() {
      closed = true;
      await unlisten();
    },
  };
}
