import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrubSecrets } from '../src/log.ts';

function captured() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: createLogger({ level: 'debug', destination }), text: () => lines.join('') };
}

describe('secrets never reach the log', () => {
  it('redacts secret fields at any depth and in headers', () => {
    const { log, text } = captured();
    log.info({ token: 'xoxb-111-222-abc', slack: { signingSecret: 'sig-123' }, req: { headers: { authorization: 'Bearer abc.def' } }, pager: { routingKey: 'R0UT1NG' } }, 'configured');
    const out = text();
    for (const secret of ['xoxb-111-222-abc', 'sig-123', 'abc.def', 'R0UT1NG']) expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
  });

  it('scrubs tokens and URL passwords out of messages and error stacks', () => {
    const { log, text } = captured();
    log.error({ err: new Error('connect to postgres://spark:hunter2@db:5432/x failed') }, 'token xoxb-999-888-zzz was rejected');
    const out = text();
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain('xoxb-999-888-zzz');
    expect(out).toContain('postgres://spark:[redacted]@db:5432/x');
  });

  it('keeps ordinary text intact', () => {
    expect(scrubSecrets('stage 3 at 25 % passed: p95=140ms')).toBe('stage 3 at 25 % passed: p95=140ms');
    expect(scrubSecrets('Authorization: Bearer s3cr3t-value')).toBe('Authorization: Bearer [redacted]');
    expect(scrubSecrets('app token xapp-1-A0-123')).toBe('app token [redacted]');
  });
});
