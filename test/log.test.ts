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

  it('scrubs the other places secrets hide: connection strings, query strings, webhooks, basic auth', () => {
    const cases: [string, string][] = [
      ['host=db user=spark password=hunter2 dbname=spark', 'host=db user=spark password=[redacted] dbname=spark'],
      ['postgres://spark:p@ss@db:5432/spark and more', 'postgres://spark:[redacted]@db:5432/spark and more'],
      ['GET https://flags.example/api?env=prod&token=abc123#x', 'GET https://flags.example/api?env=prod&token=[redacted]#x'],
      ['posted to https://hooks.slack.com/services/T000/B000/XXXX', 'posted to https://hooks.slack.com/services/[redacted]'],
      ['Authorization: Basic c3Bhcms6aHVudGVyMg==', 'Authorization: Basic [redacted]'],
      ['clone https://ghp_abcdef@github.com/x/y', 'clone https://[redacted]@github.com/x/y'],
      ['refresh xoxe-1-abc rejected', 'refresh [redacted] rejected'],
    ];
    for (const [secret, scrubbed] of cases) expect(scrubSecrets(secret)).toBe(scrubbed);
  });
});
