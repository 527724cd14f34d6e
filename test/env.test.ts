import { describe, expect, it } from 'vitest';
import { readSettings } from '../src/env.ts';

const problem = (env: NodeJS.ProcessEnv) => {
  const r = readSettings(env);
  if (r.ok) throw new Error('expected a refusal');
  return r.problem;
};

describe('the environment decides the mode', () => {
  it('runs the console with nothing set, on the embedded database in .data/', () => {
    const r = readSettings({});
    expect(r).toMatchObject({ ok: true, settings: { mode: { kind: 'console' }, databaseUrl: undefined, dataDir: '.data', evidenceDir: 'evidence', logLevel: 'info' } });
  });

  it('serves HTTP with a bot token and a signing secret', () => {
    const r = readSettings({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', EVIDENCE_HMAC_KEY: 'k', PORT: '8080' });
    expect(r).toMatchObject({ ok: true, settings: { mode: { kind: 'http', port: 8080 } } });
  });

  it('uses Socket Mode with an app token', () => {
    const r = readSettings({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', EVIDENCE_HMAC_KEY: 'k' });
    expect(r).toMatchObject({ ok: true, settings: { mode: { kind: 'socket', port: 3000 } } });
  });

  it('refuses a half-configured server with one clear line, never falling back to the console', () => {
    expect(problem({ SLACK_BOT_TOKEN: 'xoxb-1' })).toContain('SLACK_SIGNING_SECRET is missing');
    expect(problem({ SLACK_SIGNING_SECRET: 's' })).toContain('SLACK_BOT_TOKEN is missing');
    expect(problem({ SLACK_APP_TOKEN: 'xapp-1' })).toContain('SLACK_BOT_TOKEN is missing');
    expect(problem({ SLACK_APP_TOKEN: 'xoxb-wrong', SLACK_BOT_TOKEN: 'xoxb-1' })).toContain('must be an app-level token');
    expect(problem({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' })).toContain('EVIDENCE_HMAC_KEY is missing');
    expect(problem({ PORT: 'eighty' })).toContain('PORT must be a port number');
  });

  it('normalises SLACK_API_URL to end with a slash', () => {
    const r = readSettings({ SLACK_API_URL: 'http://127.0.0.1:9/api' });
    expect(r.ok && r.settings.slackApiUrl).toBe('http://127.0.0.1:9/api/');
  });

  it('asks PagerDuty who is on call with PAGERDUTY_API_TOKEN', () => {
    const r = readSettings({ PAGERDUTY_API_TOKEN: 'y_NbAkKc66ryYTWUXYEu', PAGERDUTY_API_URL: 'http://127.0.0.1:9' });
    expect(r.ok && r.settings.pagerdutyApi).toEqual({ token: 'y_NbAkKc66ryYTWUXYEu', apiUrl: 'http://127.0.0.1:9' });
    expect(readSettings({}).ok && (readSettings({}) as { settings: { pagerdutyApi: unknown } }).settings.pagerdutyApi).toBeUndefined();
  });

  it('pages through PagerDuty with a 32-character routing key, and refuses any other, without printing it', () => {
    const key = 'R0UT1NGKEY0123456789abcdefABCDEF';
    const r = readSettings({ PAGERDUTY_ROUTING_KEY: key, PAGERDUTY_EVENTS_URL: 'http://127.0.0.1:9' });
    expect(r.ok && r.settings.pagerduty).toEqual({ routingKey: key, eventsUrl: 'http://127.0.0.1:9' });
    expect(readSettings({}).ok && (readSettings({}) as { settings: { pagerduty: unknown } }).settings.pagerduty).toBeUndefined();
    const refused = problem({ PAGERDUTY_ROUTING_KEY: 'short-secret-key' });
    expect(refused).toBe('PAGERDUTY_ROUTING_KEY must be the 32-character integration key of an Events API v2 integration (got 16 characters)');
    expect(refused).not.toContain('short-secret-key');
  });
});
