/**
 * The pager as PagerDuty's Events API v2: every event is one JSON POST to `${eventsUrl}/v2/enqueue`
 * (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/, the Events v2 OpenAPI in PagerDuty/api-schema).
 *
 *   trigger:              { routing_key, event_action: "trigger", dedup_key?, payload: { summary, source, severity, … },
 *                           links?, client?, client_url? }
 *   acknowledge/resolve:  { routing_key, event_action, dedup_key }
 *   202 → { status: "success", message: "Event processed", dedup_key }
 *   400 → { status, message, errors: [ … ] }: the event is wrong and stays wrong: RefusedError (the outbox parks it)
 *   429, 5xx, no answer → retry later (the outbox's backoff; a 429 waits Retry-After, else 30 s as PagerDuty advises)
 *
 * The documented limits are enforced before anything is sent, so a page is never lost to a 400 that could be
 * foreseen: a summary over 1024 characters is cut with an ellipsis, a dedup key over 255 is shortened the same
 * way every time (so its acknowledge and resolve still find the alert), and what cannot be mended (no source, an
 * unknown severity, …) is refused at once. pdjs's own `event()` is not used: it always builds
 * `https://${server}/v2/enqueue`, so it cannot reach PAGERDUTY_EVENTS_URL (STACK-NOTES).
 *
 * The routing key travels only in the body: it is never in a URL, a message or a log line.
 */
import { createHash } from 'node:crypto';
import { RateLimitedError, RefusedError } from '../engine/delivery.ts';
import { SourceError } from '../ports/errors.ts';
import type { Pager, PagerEvent, PagerLink, PagerPayload } from '../ports/pager.ts';
import { fetchFailure, withoutCredentials } from './http.ts';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com';

/** Events API v2 limits (trigger-events docs; the 512 KB body limit is in the Events v2 overview). */
export const EVENTS_V2_LIMITS = {
  routingKeyLength: 32,
  summaryMax: 1024,
  dedupKeyMax: 255,
  bodyMaxBytes: 512 * 1024,
} as const;

export const EVENTS_V2_SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;

export interface PagerdutyEventsOptions {
  /** the 32-character integration key of an Events API v2 integration (PAGERDUTY_ROUTING_KEY) */
  routingKey: string;
  /** PAGERDUTY_EVENTS_URL; default https://events.pagerduty.com */
  eventsUrl?: string;
  fetch?: typeof fetch;
  /** one POST; default 10 s */
  timeoutMs?: number;
  /** `client` / `client_url` on triggers: who sent the alert, shown on it */
  client?: string;
  clientUrl?: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** PagerDuty's advice on a 429 without a Retry-After: "retrying … 30 seconds apart". */
const DEFAULT_RATE_LIMIT_WAIT_MS = 30_000;
const ELLIPSIS = '…';
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/** Cuts `text` to at most `max` UTF-16 units, ending in an ellipsis, never splitting a surrogate pair. */
export function truncateSummary(text: string, max: number = EVENTS_V2_LIMITS.summaryMax): string {
  if (text.length <= max) return text;
  let end = max - ELLIPSIS.length;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end) + ELLIPSIS;
}

/**
 * A dedup key PagerDuty accepts: one over 255 characters becomes its first part, `~`, and the SHA-256 of the
 * whole, so the same long key always maps to the same short one and two long keys do not collide.
 */
export function fitDedupKey(key: string): string {
  if (key.length <= EVENTS_V2_LIMITS.dedupKeyMax) return key;
  const digest = createHash('sha256').update(key).digest('hex');
  let head = EVENTS_V2_LIMITS.dedupKeyMax - digest.length - 1;
  const last = key.charCodeAt(head - 1);
  if (last >= 0xd800 && last <= 0xdbff) head -= 1;
  return `${key.slice(0, head)}~${digest}`;
}

export function isIso8601(value: string): boolean {
  if (!ISO_8601.test(value)) return false;
  // Date.parse wants the offset with a colon: 2015-07-17T08:42:58.315+0000 → +00:00
  const normal = value.replace(',', '.').replace(/([+-]\d{2})(\d{2})$/, '$1:$2').replace(/([+-]\d{2})$/, '$1:00');
  return !Number.isNaN(Date.parse(normal));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isHttpUrl = (v: string) => URL.canParse(v) && ['http:', 'https:'].includes(new URL(v).protocol);

/** The wire body for one event, or RefusedError naming what PagerDuty would refuse. */
export function eventsV2Body(event: PagerEvent, routingKey: string, client?: { client?: string; clientUrl?: string }): Record<string, unknown> {
  const refuse = (why: string): never => {
    throw new RefusedError(`PagerDuty event not sent: ${why}`);
  };
  const action: unknown = event.event_action;
  if (action !== 'trigger' && action !== 'acknowledge' && action !== 'resolve') return refuse(`event_action ${JSON.stringify(action)} is not trigger, acknowledge or resolve`);
  const key: unknown = event.dedup_key;
  if (key !== undefined && (typeof key !== 'string' || key.trim() === '')) return refuse('dedup_key is blank');
  const body: Record<string, unknown> = { routing_key: routingKey, event_action: action };
  if (typeof key === 'string') body.dedup_key = fitDedupKey(key);
  if (event.event_action !== 'trigger') {
    if (key === undefined) refuse(`an ${action} needs the dedup_key of the alert it acts on`);
    return body;
  }
  body.payload = payloadOf(event.payload, refuse);
  if (event.links !== undefined) body.links = linksOf(event.links, refuse);
  if (client?.client) body.client = client.client;
  if (client?.clientUrl) body.client_url = client.clientUrl;
  return body;
}

function payloadOf(raw: PagerPayload | undefined, refuse: (why: string) => never): Record<string, unknown> {
  if (!isObject(raw)) return refuse('a trigger needs a payload');
  const p = raw as unknown as Record<string, unknown>;
  const text = (field: string, required: boolean): string | undefined => {
    const v = p[field];
    if (v === undefined || v === null) return required ? refuse(`payload.${field} is required`) : undefined;
    if (typeof v !== 'string') return refuse(`payload.${field} must be a string`);
    if (required && v.trim() === '') return refuse(`payload.${field} is blank`);
    return v;
  };
  const summary = text('summary', true)!;
  const source = text('source', true)!;
  const severity = text('severity', true)!;
  if (!(EVENTS_V2_SEVERITIES as readonly string[]).includes(severity)) refuse(`payload.severity ${JSON.stringify(severity)} is not one of ${EVENTS_V2_SEVERITIES.join(', ')}`);
  const out: Record<string, unknown> = { summary: truncateSummary(summary), source, severity };
  const timestamp = text('timestamp', false);
  if (timestamp !== undefined) {
    if (!isIso8601(timestamp)) refuse(`payload.timestamp ${JSON.stringify(timestamp)} is not an ISO 8601 date-time`);
    out.timestamp = timestamp;
  }
  for (const field of ['component', 'group', 'class'] as const) {
    const v = text(field, false);
    if (v !== undefined) out[field] = v;
  }
  if (p.custom_details !== undefined) {
    if (!isObject(p.custom_details)) refuse('payload.custom_details must be an object');
    out.custom_details = p.custom_details;
  }
  return out;
}

function linksOf(raw: PagerLink[], refuse: (why: string) => never): PagerLink[] {
  if (!Array.isArray(raw)) return refuse('links must be an array');
  return raw.map((link, i) => {
    if (!isObject(link) || typeof link.href !== 'string' || !isHttpUrl(link.href)) return refuse(`links[${i}].href must be an http(s) URL`);
    if (link.text !== undefined && typeof link.text !== 'string') return refuse(`links[${i}].text must be a string`);
    return link.text === undefined ? { href: link.href } : { href: link.href, text: link.text };
  });
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

export function pagerdutyEvents(opts: PagerdutyEventsOptions): Pager {
  const { routingKey } = opts;
  // The key's length, never the key: a misconfigured secret must not end up in a start-up message.
  if (typeof routingKey !== 'string' || routingKey.trim() === '') throw new Error('PAGERDUTY_ROUTING_KEY is empty');
  if (routingKey.length !== EVENTS_V2_LIMITS.routingKeyLength || /\s/.test(routingKey)) {
    throw new Error(`PAGERDUTY_ROUTING_KEY must be the ${EVENTS_V2_LIMITS.routingKeyLength}-character integration key of an Events API v2 integration (it has ${routingKey.length} characters)`);
  }
  const base = withoutCredentials(opts.eventsUrl ?? PAGERDUTY_EVENTS_URL, 'PAGERDUTY_EVENTS_URL');
  const url = new URL(`${base.url.pathname.replace(/\/+$/, '')}/v2/enqueue`, base.url);
  const where = `the PagerDuty Events API at ${url.origin}${url.pathname}`;
  const doFetch = opts.fetch ?? fetch;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const redact = (text: string) => text.replaceAll(routingKey, '[redacted]').replace(/\s+/g, ' ').trim().slice(0, 600);

  return {
    async send(event) {
      const body = eventsV2Body(event, routingKey, opts);
      const json = JSON.stringify(body);
      if (Buffer.byteLength(json) > EVENTS_V2_LIMITS.bodyMaxBytes) {
        throw new RefusedError(`PagerDuty event not sent: it is ${Buffer.byteLength(json)} bytes, over the Events API's 512 KB (trim payload.custom_details)`);
      }
      const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
      if (base.authorization) headers.authorization = base.authorization;
      let status: number;
      let text: string;
      let retryAfter: string | null;
      try {
        const res = await doFetch(url, { method: 'POST', headers, body: json, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
        status = res.status;
        retryAfter = res.headers.get('retry-after');
        text = await res.text();
      } catch (err) {
        throw new SourceError(`${where} ${redact(fetchFailure(err, timeoutMs))}`);
      }
      let answer: Record<string, unknown> | undefined;
      try {
        const parsed: unknown = JSON.parse(text);
        answer = isObject(parsed) ? parsed : undefined;
      } catch {
        answer = undefined;
      }
      const said = answer ? [answer.status, answer.message].filter((s) => typeof s === 'string' && s).join(': ') : redact(text);
      const errors = Array.isArray(answer?.errors) ? answer.errors.map(String) : [];
      const detail = redact([said, errors.length ? `errors: ${errors.join('; ')}` : ''].filter(Boolean).join(' — '));
      const failure = `${where} answered HTTP ${status}${detail ? ` (${detail})` : ''}`;

      if (status >= 200 && status < 300) {
        const answered = typeof answer?.dedup_key === 'string' && answer.dedup_key ? answer.dedup_key : undefined;
        const dedupKey = answered ?? (body.dedup_key as string | undefined);
        // Accepted, but with no key to acknowledge or resolve by: trying again would page twice.
        if (!dedupKey) throw new RefusedError(`${where} accepted the ${event.event_action} but answered no dedup_key`);
        return { dedupKey };
      }
      if (status === 429) throw new RateLimitedError(retryAfterMs(retryAfter) ?? DEFAULT_RATE_LIMIT_WAIT_MS, `${failure}: PagerDuty is rate limiting; retry later`);
      // 400 (and any other 4xx but a timeout) will be answered the same way next time; a 3xx is a wrong URL.
      if ((status >= 400 && status < 500 && status !== 408) || (status >= 300 && status < 400)) throw new RefusedError(`${failure}: PagerDuty refused the event`);
      throw new SourceError(failure);
    },
  };
}
