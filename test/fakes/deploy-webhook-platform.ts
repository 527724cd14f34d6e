/**
 * The platform's side of the deploy webhook (src/adapters/deploy-webhook.ts) on loopback, as a platform would
 * run it: every request's X-Spark-Timestamp must be within 5 minutes of this clock and its X-Spark-Signature the
 * HMAC-SHA256 of "<timestamp>.<raw body>" under the shared secret (compared in constant time); anything else is
 * refused with a 401 and never acted on. What passes is recorded, with the wall-clock moment it arrived, and
 * answered as the contract says: one stable version, canaries by weight, a rollback procedure that works.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

const REPLAY_WINDOW_S = 5 * 60;

/**
 * Why a webhook request fails the contract's signature check (`X-Spark-Timestamp`, within five minutes, and
 * `X-Spark-Signature: v1=HMAC-SHA256(secret, "<timestamp>.<body>")`), or undefined when it passes.
 */
export function signatureProblem(headers: IncomingHttpHeaders, raw: Buffer, secret: string): string | undefined {
  const timestamp = headers['x-spark-timestamp'];
  if (typeof timestamp !== 'string' || !/^\d+$/.test(timestamp)) return 'no timestamp';
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > REPLAY_WINDOW_S) return 'stale timestamp';
  const expected = Buffer.from(`v1=${createHmac('sha256', secret).update(Buffer.concat([Buffer.from(`${timestamp}.`), raw])).digest('hex')}`);
  const given = Buffer.from(String(headers['x-spark-signature'] ?? ''));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad signature';
  return undefined;
}

export type WebhookPayload = Record<string, unknown> & { action: string };

export interface WebhookCall {
  /** Date.now() when the request arrived (before its body was read) */
  at: number;
  headers: IncomingHttpHeaders;
  payload: WebhookPayload;
}

export interface DeployWebhookPlatform {
  /** http://127.0.0.1:PORT/deploy */
  url: string;
  secret: string;
  /** the requests that passed the signature and timestamp checks, in order of arrival */
  calls: WebhookCall[];
  /** why each refused request was refused */
  refused: string[];
  /** the `weight` of every set-weight for `version`, in order */
  weightsSet(version: string): number[];
  /** `step from→to` of every rollback-step, then `health` */
  rollbackCalls(): string[];
  /** The first recorded call matching `predicate`, already there or the next to come; rejects after `timeoutMs`. */
  waitFor(predicate: (c: WebhookCall) => boolean, timeoutMs?: number): Promise<WebhookCall>;
  close(): Promise<void>;
}

export async function startDeployWebhookPlatform(opts: { secret: string; stable: string; commits: Record<string, string> }): Promise<DeployWebhookPlatform> {
  const { secret } = opts;
  let stable = opts.stable;
  const canaries = new Map<string, number>();
  const calls: WebhookCall[] = [];
  const refused: string[] = [];
  const waiters = new Set<() => void>();

  const answer = (p: WebhookPayload): { status: number; body: unknown } => {
    const total = [...canaries.values()].reduce((a, b) => a + b, 0);
    switch (p.action) {
      case 'set-weight':
        canaries.set(String(p.version), Number(p.weight));
        return { status: 204, body: '' };
      case 'weights':
        return { status: 200, body: { weights: { [stable]: 100 - total, ...Object.fromEntries(canaries) } } };
      case 'commit-of':
        return { status: 200, body: { commit: opts.commits[String(p.version)] ?? null } };
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

  const server = createServer(async (req, res) => {
    const at = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const reply = ({ status, body }: { status: number; body: unknown }) =>
      res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' }).end(typeof body === 'string' ? body : JSON.stringify(body));
    const refuse = (why: string) => (refused.push(why), reply({ status: 401, body: why }));

    const problem = signatureProblem(req.headers, raw, secret);
    if (problem) return refuse(problem);

    const payload = JSON.parse(raw.toString('utf8')) as WebhookPayload;
    calls.push({ at, headers: req.headers, payload });
    for (const wake of waiters) wake();
    reply(answer(payload));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/deploy`,
    secret,
    calls,
    refused,
    weightsSet: (version) => calls.flatMap((c) => (c.payload.action === 'set-weight' && c.payload.version === version ? [Number(c.payload.weight)] : [])),
    rollbackCalls: () =>
      calls.flatMap((c) =>
        c.payload.action === 'rollback-step' ? [`${String(c.payload.step)} ${String(c.payload.from)}→${String(c.payload.to)}`] : c.payload.action === 'health' ? ['health'] : [],
      ),
    waitFor(predicate, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = calls.find(predicate);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => (waiters.delete(check), reject(new Error(`deploy webhook: no matching call within ${timeoutMs} ms`))), timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
