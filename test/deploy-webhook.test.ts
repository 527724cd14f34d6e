import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { webhookDeployTarget, type DeployWebhookOptions } from '../src/adapters/deploy-webhook.ts';
import { configuredDeployTarget } from '../src/app/deploy/target.ts';
import { parseConfigText } from '../src/config/load.ts';
import { ROLLBACK_STEPS } from '../src/ports/deploy.ts';
import { SourceError } from '../src/ports/errors.ts';
import { signatureProblem } from './fakes/deploy-webhook-platform.ts';
import { freePort } from './support/bot-process.ts';

const SECRET = 'whsec_5f0c2b8e9d7a4163b2e1c0f9a8d7e6b5';
const REPLAY_WINDOW_S = 5 * 60;
const STABLE = 'v1.3.2';

type Payload = Record<string, unknown> & { action: string };
interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  payload: Payload;
}
type Answer = { status: number; body: unknown };

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => (s.closeAllConnections(), s.close(resolve)))));
});

/**
 * The platform's side of the contract on loopback: it verifies the timestamp and the signature over the raw bytes,
 * exactly as a platform would, and refuses what fails with a 401 before `answer` ever sees it. `received` holds
 * the requests that passed.
 */
async function platform(answer: (payload: Payload, received: Received[]) => Answer = simulated()) {
  const received: Received[] = [];
  const refused: string[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const reply = ({ status, body }: Answer) =>
      res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' }).end(typeof body === 'string' ? body : JSON.stringify(body));
    const refuse = (why: string) => (refused.push(why), reply({ status: 401, body: why }));

    const problem = signatureProblem(req.headers, raw, SECRET);
    if (problem) return refuse(problem);

    const body = raw.toString('utf8');
    const payload = JSON.parse(body) as Payload;
    received.push({ headers: req.headers, body, payload });
    reply(answer(payload, received));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/deploy`, received, refused };
}

/** A platform with one stable version and canaries by weight, answering every action as the contract says. */
function simulated() {
  let stable = STABLE;
  const canaries = new Map<string, number>();
  const commits: Record<string, string> = { 'v1.3.2': '9c1d2e3f4a5b', 'v1.4.0': '3f2c9e1a7b8c' };
  return (p: Payload): Answer => {
    const total = [...canaries.values()].reduce((a, b) => a + b, 0);
    switch (p.action) {
      case 'set-weight':
        canaries.set(String(p.version), Number(p.weight));
        return { status: 204, body: '' };
      case 'weights':
        return { status: 200, body: { weights: { [stable]: 100 - total, ...Object.fromEntries(canaries) } } };
      case 'commit-of':
        return { status: 200, body: { commit: commits[String(p.version)] ?? null } };
      case 'rollback-step':
        if (p.step === 'stop') canaries.delete(String(p.from));
        if (p.step === 'restart') stable = String(p.to);
        return { status: 200, body: { ok: true, detail: `${String(p.step)}: ${String(p.from)} -> ${String(p.to)}` } };
      case 'health':
        return { status: 200, body: { healthy: true, detail: `3/3 instances ready on ${stable}` } };
      default:
        return { status: 400, body: `unknown action ${p.action}` };
    }
  };
}

const webhook = (url: string, opts: Partial<DeployWebhookOptions> = {}) =>
  webhookDeployTarget(url, { secret: SECRET, timeoutMs: 5_000, retries: 3, backoffMs: 5, ...opts });

/** Answers `failures` in turn, then the simulated platform's answers. */
function failingFirst(...failures: Answer[]) {
  const next = simulated();
  return (p: Payload) => failures.shift() ?? next(p);
}

const messageOf = (promise: Promise<unknown>) => promise.then(() => '(resolved)', (err: unknown) => (err instanceof Error ? err.message : String(err)));

describe('webhookDeployTarget', () => {
  it('signs every call so the platform can verify it, and routes traffic; the same weight twice is harmless', async () => {
    const site = await platform();
    const deploy = webhook(site.url);

    await deploy.setWeight('v1.4.0', 25);
    await deploy.setWeight('v1.4.0', 25);
    expect(await deploy.weights()).toEqual({ 'v1.3.2': 75, 'v1.4.0': 25 });

    expect(site.refused).toEqual([]);
    expect(site.received.map((r) => r.body)).toEqual([
      '{"action":"set-weight","version":"v1.4.0","weight":25}',
      '{"action":"set-weight","version":"v1.4.0","weight":25}',
      '{"action":"weights"}',
    ]);
    const [first] = site.received;
    expect(first?.headers['content-type']).toBe('application/json');
    expect(first?.headers['x-spark-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(Math.abs(Number(first?.headers['x-spark-timestamp']) - Date.now() / 1000)).toBeLessThan(REPLAY_WINDOW_S);
    expect(new Set(site.received.map((r) => r.headers['x-spark-delivery'])).size).toBe(3);
  });

  it('is refused by the platform when signed with another secret, or with a stale timestamp', async () => {
    const site = await platform();
    const forged = await messageOf(webhook(site.url, { secret: 'whsec_not-the-shared-one' }).setWeight('v1.4.0', 1));
    const tenMinutesAgo = { now: () => new Date(Date.now() - 10 * 60_000) };
    const replayed = await messageOf(webhook(site.url, { clock: tenMinutesAgo }).setWeight('v1.4.0', 1));

    expect(forged).toBe(`the deploy webhook at ${site.url} answered HTTP 401: bad signature`);
    expect(replayed).toBe(`the deploy webhook at ${site.url} answered HTTP 401: stale timestamp`);
    expect(site.refused).toEqual(['bad signature', 'stale timestamp']);
    expect(site.received).toEqual([]);
  });

  it('retries a 5xx with backoff, signing each try anew, and succeeds', async () => {
    const site = await platform(failingFirst({ status: 503, body: 'deploying' }, { status: 502, body: 'bad gateway' }));
    await webhook(site.url).setWeight('v1.4.0', 5);

    expect(site.refused).toEqual([]);
    expect(site.received).toHaveLength(3);
    expect(new Set(site.received.map((r) => r.body)).size).toBe(1);
    expect(new Set(site.received.map((r) => r.headers['x-spark-delivery'])).size).toBe(1);
  });

  it('gives up after the configured retries, saying how often it tried', async () => {
    const site = await platform(() => ({ status: 503, body: 'upstream connect error' }));
    const message = await messageOf(webhook(site.url, { retries: 2 }).weights());
    expect(message).toBe(`the deploy webhook at ${site.url} answered HTTP 503: upstream connect error (tried 3 times)`);
    expect(site.received).toHaveLength(3);
  });

  it('gives up within the timeout: no wait starts that would end past it', async () => {
    const site = await platform(() => ({ status: 500, body: 'boom' }));
    const message = await messageOf(webhook(site.url, { timeoutMs: 300, backoffMs: 10_000 }).health());
    expect(message).toBe(`the deploy webhook at ${site.url} answered HTTP 500: boom`);
    expect(site.received).toHaveLength(1);
  });

  it('stops waiting for a platform that never answers at the timeout', async () => {
    const silent = createServer(() => undefined);
    servers.push(silent);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/deploy`;
    expect(await messageOf(webhook(url, { timeoutMs: 300 }).weights())).toBe(`the deploy webhook at ${url} did not answer within 300 ms`);
  });

  it('fails a 4xx at once, with its body for the thread', async () => {
    const site = await platform(failingFirst({ status: 422, body: { error: 'weight 120 is out of range for v1.4.0' } }));
    const err = await webhook(site.url).setWeight('v1.4.0', 120).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect((err as Error).message).toBe(`the deploy webhook at ${site.url} answered HTTP 422: {"error":"weight 120 is out of range for v1.4.0"}`);
    expect(site.received).toHaveLength(1);
  });

  it('runs the six rollback steps in order, each a body of step, from and to', async () => {
    const site = await platform();
    const deploy = webhook(site.url);
    await deploy.setWeight('v1.4.0', 50);
    const results = [];
    for (const step of ROLLBACK_STEPS) results.push(await deploy.rollbackStep(step, { from: 'v1.4.0', to: STABLE }));

    expect(results).toEqual(ROLLBACK_STEPS.map((step) => ({ ok: true, detail: `${step}: v1.4.0 -> v1.3.2` })));
    expect(site.received.slice(1).map((r) => r.payload)).toEqual(ROLLBACK_STEPS.map((step) => ({ action: 'rollback-step', step, from: 'v1.4.0', to: STABLE })));
    expect(await deploy.weights()).toEqual({ 'v1.3.2': 100 });
  });

  it('a step that fails is ok: false with the reason, however it fails, never a throw', async () => {
    const said = await platform(() => ({ status: 200, body: { ok: false, detail: 'migration 0042 drops a column v1.3.2 reads' } }));
    const refused = await platform(() => ({ status: 409, body: 'another rollback is running' }));
    const garbled = await platform(() => ({ status: 200, body: 'OK' }));
    const gone = `http://127.0.0.1:${await freePort()}/deploy`;
    const step = (url: string) => webhook(url, { retries: 1 }).rollbackStep('db-compat', { from: 'v1.4.0', to: STABLE });

    expect(await step(said.url)).toEqual({ ok: false, detail: 'migration 0042 drops a column v1.3.2 reads' });
    expect(await step(refused.url)).toEqual({ ok: false, detail: `the deploy webhook at ${refused.url} answered HTTP 409: another rollback is running` });
    expect(await step(garbled.url)).toEqual({ ok: false, detail: 'the deploy webhook answered rollback-step with "OK", not { "ok": true|false, "detail": "…" }' });
    expect(await step(gone)).toMatchObject({ ok: false, detail: expect.stringMatching(/^the deploy webhook at .* is unreachable: .*ECONNREFUSED.* \(tried 2 times\)$/) });
  });

  it('reads commits and health', async () => {
    const site = await platform();
    const deploy = webhook(site.url);
    expect(await deploy.commitOf('v1.4.0')).toBe('3f2c9e1a7b8c');
    expect(await deploy.commitOf('v0.0.1')).toBeUndefined();
    expect(await deploy.health()).toEqual({ healthy: true, detail: '3/3 instances ready on v1.3.2' });
    const odd = await platform(() => ({ status: 200, body: { commit: 'not a sha' } }));
    await expect(webhook(odd.url).commitOf('v1.4.0')).rejects.toThrow('not { "commit": "<git commit>" or null }');
  });

  it('never lets the secret into an error, whatever the platform answers', async () => {
    const echo = (status: number) => () => ({ status, body: `rejected: signature made with ${SECRET} does not match` });
    const sites = [await platform(echo(400)), await platform(echo(503)), await platform(() => ({ status: 200, body: { ok: false, detail: `secret=${SECRET}` } }))];
    const messages = [
      await messageOf(webhook(sites[0]!.url).setWeight('v1.4.0', 1)),
      await messageOf(webhook(sites[1]!.url, { retries: 1 }).weights()),
      (await webhook(sites[2]!.url).rollbackStep('stop', { from: 'v1.4.0', to: STABLE })).detail,
      await messageOf(webhook(`http://deploy:${SECRET}@127.0.0.1:${await freePort()}/deploy`, { retries: 0 }).health()),
    ];
    for (const message of messages) expect(message).not.toContain(SECRET);
    expect(messages[0]).toContain('[redacted]');
  });
});

describe('configuredDeployTarget with adapter: webhook', () => {
  const config = (() => {
    const parsed = parseConfigText('deploy: { adapter: webhook, timeout: 5s, webhook: { url: $SPARK_DEPLOY_WEBHOOK_URL, secret: $SPARK_DEPLOY_WEBHOOK_SECRET } }');
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    return parsed.config;
  })();

  it('reads the URL and the secret from the environment', async () => {
    const site = await platform();
    const source = configuredDeployTarget(config, { SPARK_DEPLOY_WEBHOOK_URL: site.url, SPARK_DEPLOY_WEBHOOK_SECRET: SECRET });
    if (!('port' in source)) throw new Error(source.missing);
    expect(await source.port.health()).toEqual({ healthy: true, detail: '3/3 instances ready on v1.3.2' });
    expect(site.refused).toEqual([]);
  });

  it('is missing, naming the variable, when the secret is not set', () => {
    expect(configuredDeployTarget(config, { SPARK_DEPLOY_WEBHOOK_URL: 'http://127.0.0.1:9/deploy' })).toEqual({
      missing: 'deploy.webhook.secret names $SPARK_DEPLOY_WEBHOOK_SECRET, which is not set',
    });
  });
});
