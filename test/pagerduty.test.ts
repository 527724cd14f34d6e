import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EVENTS_V2_LIMITS, fitDedupKey, pagerdutyEvents, truncateSummary } from '../src/adapters/pagerduty-events.ts';
import { pagerdutyOnCall } from '../src/adapters/pagerduty-oncall.ts';
import { RateLimitedError, RefusedError } from '../src/engine/delivery.ts';
import { RateLimitedError as SourceRateLimitedError, SourceError } from '../src/ports/errors.ts';
import type { PagerEvent, PagerPayload } from '../src/ports/pager.ts';
import { eventsV2Problems, FAKE_PD_ROUTING_KEY, FAKE_PD_TOKEN, startFakePagerDuty, type FakePagerDuty } from './fakes/pagerduty.ts';

const KEY = FAKE_PD_ROUTING_KEY;
const PAYLOAD: PagerPayload = { summary: 'Spark v1.4.0 canary rolled back: error rate 2.1% > 1%', source: 'spark-ritual', severity: 'critical' };
const trigger = (dedup_key?: string, payload: Partial<PagerPayload> = {}): PagerEvent => ({ event_action: 'trigger', dedup_key, payload: { ...PAYLOAD, ...payload } });

let fake: FakePagerDuty;
/** every error an adapter threw in this file: none may carry the routing key or the token */
const seen: Error[] = [];

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    seen.push(err);
    return err;
  }
  throw new Error('expected a failure');
}

/** What the outbox dispatcher does with an error: park it (refused) or try again later. */
const retryable = (err: Error) => !(err instanceof RefusedError);

beforeAll(async () => {
  fake = await startFakePagerDuty({ routingKeys: [KEY] });
});
afterAll(async () => {
  await fake.close();
  for (const err of seen) {
    expect(`${err.message} ${err.stack ?? ''}`).not.toContain(KEY);
    expect(`${err.message} ${err.stack ?? ''}`).not.toContain(FAKE_PD_TOKEN);
  }
});
beforeEach(async () => {
  await fake.start();
  fake.reset();
});

const pager = (opts: { timeoutMs?: number; routingKey?: string } = {}) => pagerdutyEvents({ routingKey: opts.routingKey ?? KEY, eventsUrl: fake.url, timeoutMs: opts.timeoutMs ?? 2_000 });

describe('pagerdutyEvents against the fake Events API v2', () => {
  it('trigger, a repeated trigger, acknowledge and resolve with one dedup key make one incident', async () => {
    const p = pager();
    expect(await p.send(trigger('spark-v1.4.0-rollback'))).toEqual({ dedupKey: 'spark-v1.4.0-rollback' });
    expect(fake.incident('spark-v1.4.0-rollback')?.status).toBe('triggered');
    await p.send(trigger('spark-v1.4.0-rollback'));
    await p.send({ event_action: 'acknowledge', dedup_key: 'spark-v1.4.0-rollback' });
    expect(fake.incident('spark-v1.4.0-rollback')?.status).toBe('acknowledged');
    await p.send({ event_action: 'resolve', dedup_key: 'spark-v1.4.0-rollback' });

    expect(fake.incidents()).toHaveLength(1);
    const incident = fake.incidents()[0]!;
    expect(incident).toMatchObject({ status: 'resolved', triggers: 2, summary: PAYLOAD.summary, severity: 'critical', source: 'spark-ritual' });
    expect(incident.log.map((l) => l.action)).toEqual(['trigger', 'trigger', 'acknowledge', 'resolve']);
    expect(fake.events.map((e) => e.outcome)).toEqual(['opened', 'deduplicated', 'acknowledged', 'resolved']);

    // The wire shapes, as documented: the routing key in the body, nothing but the key for acknowledge/resolve.
    const [first, , ack] = fake.requestsTo('events');
    expect(first!.method).toBe('POST');
    expect(first!.headers['content-type']).toBe('application/json');
    expect(first!.body).toEqual({ routing_key: KEY, event_action: 'trigger', dedup_key: 'spark-v1.4.0-rollback', payload: PAYLOAD });
    expect(ack!.body).toEqual({ routing_key: KEY, event_action: 'acknowledge', dedup_key: 'spark-v1.4.0-rollback' });

    // After a resolve the same key opens a new incident.
    await p.send(trigger('spark-v1.4.0-rollback'));
    expect(fake.incidents().map((i) => i.status)).toEqual(['resolved', 'triggered']);
  });

  it('answers the dedup key PagerDuty made up for a trigger without one, and it resolves that alert', async () => {
    const p = pager();
    const { dedupKey } = await p.send(trigger());
    expect(dedupKey).toMatch(/^[0-9a-f]{32}$/);
    await p.send({ event_action: 'resolve', dedup_key: dedupKey });
    expect(fake.incident(dedupKey)?.status).toBe('resolved');
  });

  it('sends every optional field in the documented shape, with client and links', async () => {
    const p = pagerdutyEvents({ routingKey: KEY, eventsUrl: `${fake.url}/`, client: 'Spark ritual', clientUrl: 'https://spark.example/ritual' });
    const payload: PagerPayload = {
      ...PAYLOAD,
      timestamp: '2025-01-07T21:04:05.123+0000',
      component: 'spark-api',
      group: 'spark-prod',
      class: 'canary rollback',
      custom_details: { errorRate: 0.021, threshold: 0.01, version: 'v1.4.0' },
    };
    await p.send({ event_action: 'trigger', dedup_key: 'k1', payload, links: [{ href: 'https://slack.example/archives/C1/p1', text: 'incident thread' }] });
    expect(fake.requests[0]!.path).toBe('/v2/enqueue');
    expect(fake.requests[0]!.body).toEqual({
      routing_key: KEY,
      event_action: 'trigger',
      dedup_key: 'k1',
      payload,
      links: [{ href: 'https://slack.example/archives/C1/p1', text: 'incident thread' }],
      client: 'Spark ritual',
      client_url: 'https://spark.example/ritual',
    });
    expect(fake.requests[0]!.status).toBe(202);
  });

  it('cuts a 2000-character summary to 1024 with an ellipsis instead of failing', async () => {
    await pager().send(trigger('long', { summary: 'x'.repeat(2000) }));
    const sent = (fake.events[0]!.body.payload as { summary: string }).summary;
    expect(sent.length).toBeLessThanOrEqual(1024);
    expect(sent.endsWith('…')).toBe(true);
    expect(fake.incident('long')?.summary).toBe(sent);
    // never half a surrogate pair
    const emoji = truncateSummary('🚨'.repeat(600));
    expect(emoji.length).toBeLessThanOrEqual(1024);
    expect(emoji).toMatch(/^(🚨)+…$/u);
  });

  it('shortens a dedup key over 255 the same way every time, so its resolve finds the alert', async () => {
    const long = `spark:${'a'.repeat(300)}`;
    const p = pager();
    const { dedupKey } = await p.send(trigger(long));
    expect(dedupKey.length).toBe(EVENTS_V2_LIMITS.dedupKeyMax);
    expect(dedupKey).toBe(fitDedupKey(long));
    expect(fitDedupKey(`${long}b`)).not.toBe(dedupKey);
    await p.send({ event_action: 'resolve', dedup_key: long });
    expect(fake.incidents()).toHaveLength(1);
    expect(fake.incidents()[0]!.status).toBe('resolved');
  });

  it.each<[string, PagerEvent]>([
    ['an unknown severity', trigger('k', { severity: 'fatal' as never })],
    ['no source', trigger('k', { source: '' })],
    ['a blank summary', trigger('k', { summary: '  ' })],
    ['a timestamp that is not ISO 8601', trigger('k', { timestamp: 'yesterday at noon' })],
    ['custom_details that are not an object', trigger('k', { custom_details: ['a'] as never })],
    ['a link without an http(s) href', { event_action: 'trigger', payload: PAYLOAD, links: [{ href: 'javascript:alert(1)' }] }],
    ['a resolve without a dedup key', { event_action: 'resolve' } as never],
    ['a blank dedup key', { event_action: 'acknowledge', dedup_key: '' }],
    ['an unknown action', { event_action: 'snooze', dedup_key: 'k' } as never],
  ])('refuses %s before sending anything', async (_what, event) => {
    const err = await failure(pager().send(event));
    expect(err).toBeInstanceOf(RefusedError);
    expect(err.message).toMatch(/^PagerDuty event not sent: /);
    expect(fake.requests).toHaveLength(0);
  });

  it('a 400 is refused (never retried) and names PagerDuty’s errors, not the routing key', async () => {
    const unknownKey = 'UNKNOWNKEY0000000000000000000000';
    const err = await failure(pager({ routingKey: unknownKey }).send(trigger('k')));
    expect(fake.requests[0]!.status).toBe(400);
    expect(err).toBeInstanceOf(RefusedError);
    expect(retryable(err)).toBe(false);
    expect(err.message).toContain('HTTP 400');
    expect(err.message).toContain('Invalid routing key');
    expect(err.message).toContain('Event object is invalid');
    expect(err.message).not.toContain(unknownKey);
  });

  it('a 500, 502, 503 is retryable; so is a 500 spell; the next try after it goes through', async () => {
    const p = pager();
    for (const status of [500, 502, 503] as const) {
      fake.failNext(1, { status }, 'events');
      const err = await failure(p.send(trigger('k')));
      expect(retryable(err)).toBe(true);
      expect(err).toBeInstanceOf(SourceError);
      expect(err.message).toContain(`HTTP ${status}`);
    }
    fake.failFor(200, { status: 500 });
    expect(retryable(await failure(p.send(trigger('k'))))).toBe(true);
    await new Promise((r) => setTimeout(r, 250));
    expect(await p.send(trigger('k'))).toEqual({ dedupKey: 'k' });
    expect(fake.incidents()).toHaveLength(1);
  });

  it('a 429 is retryable after Retry-After, or after 30 s as PagerDuty advises when it gives none', async () => {
    const p = pager();
    fake.failNext(1, { status: 429, retryAfterS: 7 });
    const withHeader = await failure(p.send(trigger('k')));
    expect(withHeader).toBeInstanceOf(RateLimitedError);
    expect((withHeader as RateLimitedError).retryAfterMs).toBe(7_000);
    expect(retryable(withHeader)).toBe(true);
    fake.failNext(1, { status: 429 });
    const without = await failure(p.send(trigger('k')));
    expect((without as RateLimitedError).retryAfterMs).toBe(30_000);
    expect(without.message).toContain('HTTP 429');
  });

  it('unreachable or silent PagerDuty is retryable', async () => {
    await fake.stop();
    const down = await failure(pager().send(trigger('k')));
    expect(down).toBeInstanceOf(SourceError);
    expect(retryable(down)).toBe(true);
    expect(down.message).toMatch(/the PagerDuty Events API at http:\/\/127\.0\.0\.1:\d+\/v2\/enqueue is unreachable: .*ECONNREFUSED/);
    await fake.start();
    fake.setLatency(500);
    const slow = await failure(pager({ timeoutMs: 100 }).send(trigger('k')));
    expect(retryable(slow)).toBe(true);
    expect(slow.message).toContain('did not answer within 100 ms');
  });

  it('never shows the routing key: not on a bad configuration, not when PagerDuty echoes it', async () => {
    expect(() => pagerdutyEvents({ routingKey: 'short-secret', eventsUrl: fake.url })).toThrow(/32-character integration key .*\(it has 12 characters\)/);
    try {
      pagerdutyEvents({ routingKey: 'short-secret', eventsUrl: fake.url });
    } catch (e) {
      expect((e as Error).message).not.toContain('short-secret');
    }
    const echoing = pagerdutyEvents({
      routingKey: KEY,
      eventsUrl: 'http://pagerduty.invalid',
      fetch: async (_url, init) => new Response(JSON.stringify({ status: 'invalid event', message: `bad ${JSON.parse(String(init?.body)).routing_key}`, errors: [`key ${KEY}`] }), { status: 400 }),
    });
    const err = await failure(echoing.send(trigger('k')));
    expect(err.message).toContain('[redacted]');
    expect(err.message).not.toContain(KEY);
  });
});

describe('pagerdutyOnCall against the fake REST API (through pdjs)', () => {
  const directory = (opts: { token?: string; policy?: string; timeoutMs?: number } = {}) =>
    pagerdutyOnCall({ token: opts.token ?? FAKE_PD_TOKEN, escalationPolicyId: opts.policy ?? 'PSPARK1', apiUrl: fake.url, timeoutMs: opts.timeoutMs ?? 3_000, rateLimitRetryMs: 10 });

  it('names the level-1 person of the escalation policy, and every level', async () => {
    const roster = await directory().whoIsOnCall();
    expect(roster.level1).toEqual([{ id: 'PAL1CE1', name: 'Alice Oncall', email: 'alice@spark.example' }]);
    expect(roster.escalationPolicy).toEqual({ id: 'PSPARK1', name: 'Spark release' });
    expect(roster.levels.map((l) => [l.level, l.users.map((u) => u.name)])).toEqual([
      [1, ['Alice Oncall']],
      [2, ['Dana DevOps-Lead', 'Chris CTO']],
    ]);
    const [request] = fake.requestsTo('rest');
    expect(request!.method).toBe('GET');
    expect(request!.path).toBe('/oncalls');
    expect(request!.query['escalation_policy_ids[]']).toEqual(['PSPARK1']);
    expect(request!.query['include[]']).toEqual(['users']);
    expect(request!.headers['authorization']).toBe(`Token token=${FAKE_PD_TOKEN}`);
    expect(request!.headers['accept']).toBe('application/vnd.pagerduty+json;version=2');
  });

  it('follows the pages while PagerDuty says there are more', async () => {
    const small = await startFakePagerDuty({ maxLimit: 1 });
    try {
      const roster = await pagerdutyOnCall({ token: FAKE_PD_TOKEN, escalationPolicyId: 'PSPARK1', apiUrl: small.url }).whoIsOnCall();
      expect(small.requestsTo('rest').map((r) => r.query['offset']?.[0])).toEqual(['0', '1', '2']);
      expect(roster.levels.map((l) => l.users.length)).toEqual([1, 2]);
    } finally {
      await small.close();
    }
  });

  it('answers an empty level 1 when nobody is on call there', async () => {
    const roster = await directory({ policy: 'PNOBODY' }).whoIsOnCall();
    expect(roster).toEqual({ escalationPolicy: { id: 'PNOBODY' }, level1: [], levels: [] });
  });

  it('a bad token is a clear error that does not show it', async () => {
    const err = await failure(directory({ token: 'not-the-token-0123' }).whoIsOnCall());
    expect(err).toBeInstanceOf(SourceError);
    expect(err.message).toMatch(/refused the API token \(HTTP 401: Authentication failed, code 2006\): check PAGERDUTY_API_TOKEN/);
    expect(err.message).not.toContain('not-the-token-0123');
  });

  it('a 5xx, a 429 that outlasts pdjs’s retries, no answer and silence are source errors', async () => {
    fake.failNext(1, { status: 503 }, 'rest');
    const err5xx = await failure(directory().whoIsOnCall());
    expect(err5xx).toBeInstanceOf(SourceError);
    expect(err5xx.message).toContain('HTTP 503');

    fake.failNext(4, { status: 429, retryAfterS: 2 }, 'rest');
    const limited = await failure(directory().whoIsOnCall());
    expect(limited).toBeInstanceOf(SourceRateLimitedError);
    expect((limited as SourceRateLimitedError).retryAfterMs).toBe(2_000);
    expect(fake.requestsTo('rest').filter((r) => r.status === 429)).toHaveLength(4);

    await fake.stop();
    const down = await failure(directory().whoIsOnCall());
    expect(down.message).toMatch(/the PagerDuty REST API at http:\/\/127\.0\.0\.1:\d+\/oncalls is unreachable: ECONNREFUSED/);
    await fake.start();

    fake.setLatency(1_000);
    const started = Date.now();
    const slow = await failure(directory({ timeoutMs: 150 }).whoIsOnCall());
    expect(slow.message).toContain('did not answer within 150 ms');
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('leaves no pdjs timer behind: a failed lookup lets the process exit at once', async () => {
    const down = await startFakePagerDuty();
    const url = down.url;
    await down.close();
    const adapter = fileURLToPath(new URL('../src/adapters/pagerduty-oncall.ts', import.meta.url));
    const script = `
      const { pagerdutyOnCall } = await import(${JSON.stringify(adapter)});
      await pagerdutyOnCall({ token: 'tok', escalationPolicyId: 'P1', apiUrl: ${JSON.stringify(url)} }).whoIsOnCall().catch((e) => console.log(e.message));
      globalThis.failedAt = Date.now();
      process.on('exit', () => console.log('lingered ' + (Date.now() - globalThis.failedAt) + ' ms'));
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('..', import.meta.url)) });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(out).toContain('is unreachable');
    expect(code).toBe(0);
    const lingered = Number(/lingered (\d+) ms/.exec(out)?.[1]);
    expect(lingered).toBeLessThan(1_000);
  });
});

describe('the fake refuses what PagerDuty would refuse', () => {
  const valid = { routing_key: KEY, event_action: 'trigger', dedup_key: 'k', payload: { summary: 's', source: 'src', severity: 'info' } };
  const withPayload = (p: Record<string, unknown>) => ({ ...valid, payload: { ...valid.payload, ...p } });

  it('accepts the documented examples', async () => {
    const documented = {
      payload: {
        summary: 'DISK at 99% on machine prod-datapipe03.example.com',
        timestamp: '2015-07-17T08:42:58.315+0000',
        severity: 'critical',
        source: 'prod-datapipe03.example.com',
        component: 'mysql',
        group: 'prod-datapipe',
        class: 'disk',
        custom_details: { 'free space': '1%', 'ping time': '1500ms', 'load avg': 0.75 },
      },
      routing_key: KEY,
      dedup_key: 'srv01/mysql',
      event_action: 'trigger',
      client: 'Sample Monitoring Service',
      client_url: 'https://monitoring.service.com',
      links: [{ href: 'http://pagerduty.example.com', text: 'An example link.' }],
      images: [{ src: 'https://chart.googleapis.com/chart?chs=600x400', href: 'https://google.com', alt: 'An example link with an image' }],
    };
    expect(eventsV2Problems(documented)).toEqual([]);
    expect(eventsV2Problems({ routing_key: KEY, dedup_key: 'srv01/mysql', event_action: 'acknowledge' })).toEqual([]);
    expect(eventsV2Problems({ routing_key: KEY, dedup_key: 'srv01/mysql', event_action: 'resolve' })).toEqual([]);
    expect(eventsV2Problems({ ...valid, dedup_key: undefined, payload: { ...valid.payload, summary: 'x'.repeat(1024), timestamp: '2025-01-07T21:04:05Z' } })).toEqual([]);
  });

  it.each<[string, unknown, RegExp]>([
    ['a body that is not an object', [valid], /must be a JSON object/],
    ['no routing_key', { ...valid, routing_key: undefined }, /'routing_key' is missing/],
    ['a routing_key that is not 32 characters', { ...valid, routing_key: 'abc' }, /should be 32 characters/],
    ['a routing_key of no integration', { ...valid, routing_key: 'X'.repeat(32) }, /Invalid routing key/],
    ['no event_action', { ...valid, event_action: undefined }, /'event_action' is missing/],
    ['an unknown event_action', { ...valid, event_action: 'snooze' }, /'event_action' is invalid/],
    ['a dedup_key over 255', { ...valid, dedup_key: 'k'.repeat(256) }, /'dedup_key' is too long/],
    ['a dedup_key that is not a string', { ...valid, dedup_key: 42 }, /'dedup_key' must be a string/],
    ['an acknowledge without dedup_key', { routing_key: KEY, event_action: 'acknowledge' }, /'dedup_key' is missing or blank/],
    ['a resolve with a blank dedup_key', { routing_key: KEY, event_action: 'resolve', dedup_key: ' ' }, /'dedup_key' is missing or blank/],
    ['a trigger without payload', { ...valid, payload: undefined }, /'payload' is missing/],
    ['a payload that is not an object', { ...valid, payload: 'boom' }, /'payload' must be a JSON object/],
    ['no summary', withPayload({ summary: undefined }), /'payload.summary' is missing/],
    ['a summary over 1024', withPayload({ summary: 'x'.repeat(1025) }), /'payload.summary' is too long/],
    ['a summary that is not a string', withPayload({ summary: 12 }), /'payload.summary' must be a string/],
    ['no source', withPayload({ source: '' }), /'payload.source' is missing/],
    ['no severity', withPayload({ severity: undefined }), /'payload.severity' is missing/],
    ['an unknown severity', withPayload({ severity: 'fatal' }), /'payload.severity' is invalid/],
    ['a timestamp that is not ISO 8601', withPayload({ timestamp: '07/17/2015 08:42' }), /'payload.timestamp'/],
    ['an impossible timestamp', withPayload({ timestamp: '2015-13-17T08:42:58Z' }), /'payload.timestamp'/],
    ['a component that is not a string', withPayload({ component: 1 }), /'payload.component' must be a string/],
    ['a group that is not a string', withPayload({ group: {} }), /'payload.group' must be a string/],
    ['a class that is not a string', withPayload({ class: [] }), /'payload.class' must be a string/],
    ['custom_details that are not an object', withPayload({ custom_details: 'x' }), /'payload.custom_details' must be a JSON object/],
    ['links that are not an array', { ...valid, links: { href: 'https://x' } }, /'links' must be an array/],
    ['a link without href', { ...valid, links: [{ text: 't' }] }, /'links\[0\]\.href' is missing/],
    ['a link href that is not a URL', { ...valid, links: [{ href: 'not a url' }] }, /'links\[0\]\.href' must be a URL/],
    ['a link text that is not a string', { ...valid, links: [{ href: 'https://x.example', text: 5 }] }, /'links\[0\]\.text' must be a string/],
    ['images that are not an array', { ...valid, images: 'x' }, /'images' must be an array/],
    ['an image without src', { ...valid, images: [{ alt: 'a' }] }, /'images\[0\]\.src' is missing/],
    ['an image not served over HTTPS', { ...valid, images: [{ src: 'http://x.example/a.png' }] }, /'images\[0\]\.src' must be an HTTPS URL/],
    ['an image href that is not a URL', { ...valid, images: [{ src: 'https://x.example/a.png', href: 'nope' }] }, /'images\[0\]\.href' must be a URL/],
    ['an image alt that is not a string', { ...valid, images: [{ src: 'https://x.example/a.png', alt: 1 }] }, /'images\[0\]\.alt' must be a string/],
    ['a client that is not a string', { ...valid, client: 1 }, /'client' must be a string/],
    ['a client_url that is not a URL', { ...valid, client_url: 'nope' }, /'client_url' must be a URL/],
  ])('400 for %s', async (_what, body, expected) => {
    const res = await fetch(`${fake.url}/v2/enqueue`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(400);
    const answer = (await res.json()) as { status: string; message: string; errors: string[] };
    expect(answer).toMatchObject({ status: 'invalid event', message: 'Event object is invalid' });
    expect(answer.errors.join('\n')).toMatch(expected);
    expect(fake.events).toHaveLength(0);
    expect(fake.incidents()).toHaveLength(0);
  });

  it('400 for a body that is not JSON, or over 512 KB; 404 elsewhere', async () => {
    const notJson = await fetch(`${fake.url}/v2/enqueue`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"routing_key":' });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({ status: 'Unrecognized object', message: 'Event object format is unrecognized', errors: ['JSON parse error'] });
    const huge = await fetch(`${fake.url}/v2/enqueue`, { method: 'POST', body: JSON.stringify(withPayload({ custom_details: { blob: 'x'.repeat(520 * 1024) } })) });
    expect(huge.status).toBe(400);
    expect((await fetch(`${fake.url}/v1/enqueue`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect(fake.requests.map((r) => r.status)).toEqual([400, 400, 404]);
  });

  it('drops an acknowledge or resolve for an unknown key with a 202, as PagerDuty does', async () => {
    const res = await fetch(`${fake.url}/v2/enqueue`, { method: 'POST', body: JSON.stringify({ routing_key: KEY, event_action: 'resolve', dedup_key: 'never-triggered' }) });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: 'success', message: 'Event processed', dedup_key: 'never-triggered' });
    expect(fake.events[0]!.outcome).toBe('dropped');
    expect(fake.incidents()).toHaveLength(0);
  });

  it('/oncalls wants the Token header and answers the documented shape', async () => {
    const bare = await fetch(`${fake.url}/oncalls`);
    expect(bare.status).toBe(401);
    expect(await bare.json()).toEqual({ error: { message: 'Authentication failed', code: 2006 } });
    const bearer = await fetch(`${fake.url}/oncalls`, { headers: { authorization: `Bearer ${FAKE_PD_TOKEN}` } });
    expect(bearer.status).toBe(401);

    const res = await fetch(`${fake.url}/oncalls?escalation_policy_ids[]=PSPARK1&limit=2`, { headers: { authorization: `Token token=${FAKE_PD_TOKEN}` } });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { oncalls: Record<string, unknown>[]; limit: number; offset: number; more: boolean; total: null };
    expect(page).toMatchObject({ limit: 2, offset: 0, more: true, total: null });
    expect(page.oncalls[0]).toEqual({
      escalation_policy: { id: 'PSPARK1', type: 'escalation_policy_reference', summary: 'Spark release', self: `${fake.url}/escalation_policies/PSPARK1`, html_url: expect.any(String) },
      escalation_level: 1,
      schedule: { id: 'PSCHED1', type: 'schedule_reference', summary: 'Spark primary', self: `${fake.url}/schedules/PSCHED1`, html_url: expect.any(String) },
      user: { id: 'PAL1CE1', type: 'user_reference', summary: 'Alice Oncall', self: `${fake.url}/users/PAL1CE1`, html_url: expect.any(String) },
      start: '2025-01-06T09:00:00Z',
      end: '2025-01-13T09:00:00Z',
    });
    expect(page.oncalls[1]).toMatchObject({ escalation_level: 2, schedule: null, start: null, end: null });

    const bad = await fetch(`${fake.url}/oncalls?include[]=everything`, { headers: { authorization: `Token token=${FAKE_PD_TOKEN}` } });
    expect(bad.status).toBe(400);
  });
});
