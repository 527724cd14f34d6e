/** A form with further fields in the console: each field is asked in turn, `.` keeps its default, /cancel drops it all. */
import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Modal } from '../src/chat/card.ts';
import { runConsole } from '../src/chat/console/surface.ts';
import { Screen } from '../src/chat/console/screen.ts';
import type { Router, SubmitInput } from '../src/chat/router.ts';

const FORM: Modal = {
  callbackId: 'incident.declare',
  title: 'Declare an incident',
  submit: 'Open',
  metadata: '7:v1.4.0',
  intro: 'Opens the incident.',
  input: { label: 'Summary' },
  fields: [
    { id: 'severity', label: 'Severity', options: ['SEV1', 'SEV2', 'SEV3'], initial: 'SEV2' },
    { id: 'version', label: 'Affected version', initial: 'v1.4.0', optional: true },
  ],
};

async function session(lines: string[]) {
  let out = '';
  const submitted: SubmitInput[] = [];
  const router: Router = {
    command: async () => ({ modal: FORM }),
    action: async () => ({}),
    submit: async (input) => {
      submitted.push(input);
      return {};
    },
    opensModal: () => true,
  };
  const output = new Writable({ write: (c, _e, done) => ((out += String(c)), done()) });
  await runConsole({ router, screen: new Screen(output), people: [{ userId: 'U0CTO', name: 'Zeynep' }], channel: '#spark-deploys', input: Readable.from(lines.map((l) => `${l}\n`)), interactive: false, settle: async () => undefined });
  return { out, submitted };
}

describe('a console form with further fields', () => {
  it('asks each field in turn and submits the answers, `.` keeping a default', async () => {
    const { out, submitted } = await session(['/spark incident', 'orders failing', 'SEV1', '.']);
    expect(out).toContain('Severity (SEV1, SEV2, SEV3): type it on the next line, `.` for SEV2, or /cancel.');
    expect(out).toContain('Affected version: type it on the next line, `.` for v1.4.0, or /cancel.');
    expect(submitted).toEqual([{ callbackId: 'incident.declare', metadata: '7:v1.4.0', value: 'orders failing', fields: { severity: 'SEV1', version: 'v1.4.0' }, userId: 'U0CTO' }]);
  });

  it('submits nothing when cancelled half way', async () => {
    const { out, submitted } = await session(['/spark incident', 'orders failing', '/cancel']);
    expect(out).toContain('Declare an incident: cancelled, nothing was changed.');
    expect(submitted).toEqual([]);
  });
});
