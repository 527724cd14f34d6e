import { describe, expect, it } from 'vitest';
import { COMMANDS, parseCommand } from '../src/chat/commands.ts';

const problem = (text: string) => {
  const p = parseCommand(text);
  if (p.ok) throw new Error(`expected a usage error for "${text}"`);
  return p.problem;
};

describe('the /spark grammar', () => {
  it('knows every command of the ritual', () => {
    expect(COMMANDS.map((c) => c.name)).toEqual(
      expect.arrayContaining(['preflight', 'redteam', 'gonogo', 'canary', 'rollback', 'status', 'freeze', 'incident', 'evidence', 'oneliner', 'runofshow']),
    );
  });

  it('parses versions, reasons, summaries and start times', () => {
    expect(parseCommand('canary v1.4.0')).toEqual({ ok: true, command: { name: 'canary', version: 'v1.4.0' } });
    expect(parseCommand(' PREFLIGHT  v1.4.0-rc.1 ')).toEqual({ ok: true, command: { name: 'preflight', version: 'v1.4.0-rc.1' } });
    expect(parseCommand('rollback p95 at 420 ms')).toEqual({ ok: true, command: { name: 'rollback', reason: 'p95 at 420 ms' } });
    expect(parseCommand('rollback')).toEqual({ ok: true, command: { name: 'rollback', reason: undefined } });
    expect(parseCommand('incident 5xx spike')).toEqual({ ok: true, command: { name: 'incident', summary: '5xx spike', severity: 'SEV2' } });
    expect(parseCommand('incident sev1 v1.4.0 order API down')).toEqual({ ok: true, command: { name: 'incident', summary: 'order API down', severity: 'SEV1', version: 'v1.4.0' } });
    expect(parseCommand('action add INC-3 alert on rejections <@U0DEVOPS|mehmet>')).toEqual({ ok: true, command: { name: 'action-add', incident: 3, text: 'alert on rejections', owner: 'U0DEVOPS' } });
    expect(parseCommand('action done inc-3 a2')).toEqual({ ok: true, command: { name: 'action-done', incident: 3, item: 'A2' } });
    expect(parseCommand('action list')).toEqual({ ok: true, command: { name: 'action-list' } });
    expect(parseCommand('runofshow v1.4.0 2026-11-25 21:30')).toEqual({ ok: true, command: { name: 'runofshow', version: 'v1.4.0', at: '2026-11-25 21:30' } });
    expect(parseCommand('runofshow cancel')).toEqual({ ok: true, command: { name: 'runofshow-cancel' } });
    expect(parseCommand('')).toEqual({ ok: true, command: { name: 'help' } });
    expect(parseCommand('canary v1.4.0 override GO given by phone')).toEqual({ ok: true, command: { name: 'canary', version: 'v1.4.0', override: 'GO given by phone' } });
    expect(parseCommand('drill v1.3.9 staging ok')).toEqual({ ok: true, command: { name: 'drill', version: 'v1.3.9', note: 'staging ok' } });
  });

  it('wants a written reason for an override, and nothing else after a canary’s version', () => {
    expect(problem('canary v1.4.0 override')).toContain('an override needs a written reason: type `/spark canary v1.4.0 override');
    expect(problem('canary v1.4.0 now')).toContain('`now` was not expected after the version: type `/spark canary v1.4.0`');
  });

  it('says a version is missing and shows the right form', () => {
    expect(problem('canary')).toContain('a version is missing: type `/spark canary v1.4.0`');
  });

  it('rejects a version that is not vMAJOR.MINOR.PATCH', () => {
    expect(problem('canary 1.4')).toContain('`1.4` is not a version: use vMAJOR.MINOR.PATCH, e.g. `/spark canary v1.4.0`');
    expect(problem('gonogo v1.4')).toContain('`v1.4` is not a version');
  });

  it('names an unknown subcommand and suggests a near one', () => {
    expect(problem('deploy v1.4.0')).toBe('`deploy` is not a /spark command. Type `/spark help` for the list.');
    expect(problem('cana v1.4.0')).toContain('Did you mean `/spark canary`?');
  });

  it('refuses extra words, a missing summary and a bad start time', () => {
    expect(problem('preflight v1.4.0 now')).toContain('too many words');
    expect(problem('status please')).toContain('`please` was not expected');
    expect(problem('incident')).toContain('a summary is missing');
    expect(problem('incident SEV4 db down')).toContain('`SEV4` is not a severity: use SEV1, SEV2, SEV3');
    expect(problem('action add alert on rejections')).toContain('name the incident first: type `/spark action add INC-3');
    expect(problem('action done INC-3')).toContain('name the incident and the item: type `/spark action done INC-3 A1`');
    expect(problem('action close INC-3 A1')).toContain('`close` is not something to do with action items');
    expect(problem('runofshow v1.4.0 9pm')).toContain('`9pm` is not a start time');
  });
});
