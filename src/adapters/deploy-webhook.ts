/**
 * The deploy target as a webhook the platform serves: every call is one signed POST of a JSON body to the URL.
 *
 * Bodies, and the 2xx JSON answer each expects:
 *   { "action": "set-weight", "version": "v1.4.0", "weight": 25 }                     anything (not read)
 *   { "action": "weights" }                                                            { "weights": { "v1.3.2": 75, "v1.4.0": 25 } }
 *   { "action": "commit-of", "version": "v1.4.0" }                                     { "commit": "3f2c9e1…" }, or { "commit": null } when unknown
 *   { "action": "rollback-step", "step": "rebuild", "from": "v1.4.0", "to": "v1.3.2" } { "ok": true, "detail": "built spark-api:v1.3.2" }
 *   { "action": "health" }                                                             { "healthy": true, "detail": "3/3 instances ready" }
 * `step` is one of stop, checkout, rebuild, db-compat, restart, verify-health, sent in that order; `from` is the
 * version rolled back, `to` the version returned to. Every action must be safe to repeat: a retry may deliver one
 * twice, and setting the same weight twice must change nothing.
 *
 * Signing, like Slack's request signing:
 *   X-Spark-Timestamp: 1714000000      Unix time in seconds when the try was sent
 *   X-Spark-Signature: v1=<hex of HMAC-SHA256(secret, "<timestamp>.<body>")>, over the body's exact bytes
 *   X-Spark-Delivery: <uuid>           the same on every try of one call
 * A receiver recomputes the signature, compares it in constant time, and refuses a timestamp more than 5 minutes
 * from its own clock, so a captured request cannot be replayed later.
 *
 * A 5xx, or no answer, is tried again up to `retries` more times, each wait about twice the one before (with
 * jitter), all within the timeout. Any other status fails at once, with its body (scrubbed, cut) for the thread.
 * A rollback step that fails, however it fails, is `{ ok: false, detail }`, never a throw.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { Clock } from '../domain/clock.ts';
import type { DeployTarget, RollbackStepName } from '../ports/deploy.ts';
import { SourceError } from '../ports/errors.ts';
import { GIT_COMMIT, oneLine } from './deploy-command.ts';
import { fetchFailure, withoutCredentials } from './http.ts';
import { systemClock } from './system-clock.ts';

export interface DeployWebhookOptions {
  /** signs every body; never sent, never shown */
  secret: string;
  /** one call, every try and wait included */
  timeoutMs: number;
  /** tries after the first, on a 5xx or no answer */
  retries: number;
  /** the first wait between tries; default 500 ms */
  backoffMs?: number;
  /** stamps X-Spark-Timestamp */
  clock?: Clock;
}

type Action =
  | { action: 'set-weight'; version: string; weight: number }
  | { action: 'weights' }
  | { action: 'commit-of'; version: string }
  | { action: 'rollback-step'; step: RollbackStepName; from: string; to: string }
  | { action: 'health' };

const DEFAULT_BACKOFF_MS = 500;

const ANSWERS = {
  weights: { shape: '{ "weights": { "<version>": <percent> } }', schema: z.object({ weights: z.record(z.string().min(1), z.number().min(0).max(100)) }) },
  commit: { shape: '{ "commit": "<git commit>" or null }', schema: z.object({ commit: z.string().regex(GIT_COMMIT).nullable() }) },
  step: { shape: '{ "ok": true|false, "detail": "…" }', schema: z.object({ ok: z.boolean(), detail: z.string() }) },
  health: { shape: '{ "healthy": true|false, "detail": "…" }', schema: z.object({ healthy: z.boolean(), detail: z.string() }) },
};

export function webhookDeployTarget(target: string, opts: DeployWebhookOptions): DeployTarget {
  if (!opts.secret) throw new Error('the deploy webhook needs a secret: it signs every call');
  const clock = opts.clock ?? systemClock;
  const backoffMs = opts.backoffMs ?? DEFAULT_BACKOFF_MS;
  // A receiver may echo what it was configured with; its words reach the thread, the secret must not.
  const redact = (text: string) => oneLine(text.replaceAll(opts.secret, '[redacted]'));

  const sign = (body: string) => {
    const timestamp = String(Math.floor(clock.now().getTime() / 1000));
    const hex = createHmac('sha256', opts.secret).update(`${timestamp}.${body}`).digest('hex');
    return { 'x-spark-timestamp': timestamp, 'x-spark-signature': `v1=${hex}` };
  };

  async function send(payload: Action): Promise<string> {
    const { url, authorization } = withoutCredentials(target, 'the deploy webhook URL');
    const where = `the deploy webhook at ${url.origin}${url.pathname}`;
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-spark-delivery': randomUUID() };
    if (authorization) headers.authorization = authorization;
    const started = performance.now();
    for (let tries = 1; ; tries++) {
      const left = Math.max(1, Math.round(opts.timeoutMs - (performance.now() - started)));
      const answer = await fetch(url, { method: 'POST', headers: { ...headers, ...sign(body) }, body, redirect: 'manual', signal: AbortSignal.timeout(left) })
        .then(async (res) => ({ status: res.status, text: await res.text() }))
        .catch((err: unknown) => ({ error: err }));
      if ('status' in answer && answer.status >= 200 && answer.status < 300) return answer.text;
      const said = 'status' in answer ? redact(answer.text) : '';
      const failure = 'status' in answer ? `${where} answered HTTP ${answer.status}${said ? `: ${said}` : ''}` : `${where} ${fetchFailure(answer.error, left)}`;
      if ('status' in answer && answer.status < 500) throw new SourceError(failure);
      const wait = backoffMs * 2 ** (tries - 1) * (0.5 + Math.random() / 2);
      if (tries > opts.retries || performance.now() - started + wait >= opts.timeoutMs) {
        throw new SourceError(tries > 1 ? `${failure} (tried ${tries} times)` : failure);
      }
      await sleep(wait);
    }
  }

  const read = <T>({ shape, schema }: { shape: string; schema: z.ZodType<T> }, action: string, text: string): T => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new SourceError(`the deploy webhook answered ${action} with ${JSON.stringify(redact(text))}, not ${shape}`);
    return parsed.data;
  };

  return {
    async setWeight(version, weightPercent) {
      await send({ action: 'set-weight', version, weight: weightPercent });
    },
    async weights() {
      const { weights } = read(ANSWERS.weights, 'weights', await send({ action: 'weights' }));
      return Object.fromEntries(Object.entries(weights).filter(([, weight]) => weight > 0));
    },
    async commitOf(version) {
      const { commit } = read(ANSWERS.commit, 'commit-of', await send({ action: 'commit-of', version }));
      return commit ?? undefined;
    },
    async rollbackStep(step, { from, to }) {
      try {
        const { ok, detail } = read(ANSWERS.step, 'rollback-step', await send({ action: 'rollback-step', step, from, to }));
        return { ok, detail: redact(detail) || `${step} ${ok ? 'done' : 'failed'}, no detail given` };
      } catch (err) {
        return { ok: false, detail: err instanceof Error ? err.message : String(err) };
      }
    },
    async health() {
      const { healthy, detail } = read(ANSWERS.health, 'health', await send({ action: 'health' }));
      return { healthy, detail: redact(detail) || (healthy ? 'healthy' : 'unhealthy') };
    },
  };
}
