/**
 * Declaring an incident from the release card: the button opens a form (summary, severity, affected version), as
 * Block Kit and as the console shows it, and its answers open the incident, or keep the form open saying what is wrong.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../src/adapters/virtual-clock.ts';
import { readIncident } from '../src/app/incident/record.ts';
import { declareIncident, type IncidentDeps } from '../src/app/incident/run.ts';
import { namesFrom } from '../src/app/ritual.ts';
import { MODAL_FIELD, toModalView } from '../src/chat/blockkit.ts';
import { incidentButtons } from '../src/chat/buttons/incident.ts';
import { INCIDENT_DECLARE, INCIDENT_FORM_DECLARE } from '../src/chat/cards/incident.ts';
import { configSchema } from '../src/config/schema.ts';
import { evidenceKeyFrom } from '../src/evidence/key.ts';
import type { Db } from '../src/store/db.ts';
import { openTestDb } from './support/db.ts';
import { tempDir } from './support/temp.ts';

const config = configSchema.parse({});

describe('declaring an incident from the release card', () => {
  let db: Db;
  let deps: IncidentDeps;
  beforeAll(async () => {
    db = await openTestDb();
    deps = { db, clock: new VirtualClock(new Date('2026-11-24T18:00:00Z')), log: pino({ level: 'silent' }), config, evidence: { dir: tempDir('spark-declare-'), key: evidenceKeyFrom('declare') }, nameOf: namesFrom(config), wake: () => undefined };
  });
  afterAll(() => db.close());

  it('opens a form with the summary, a severity select (SEV2 chosen) and the version filled in', async () => {
    const reply = await incidentButtons(deps).press({ actionId: INCIDENT_DECLARE, userId: 'U0CTO', value: '7:v1.4.0' }, { id: 7, what: 'v1.4.0' });
    expect(reply.modal?.callbackId).toBe(INCIDENT_FORM_DECLARE);
    const view = toModalView(reply.modal!) as { blocks: { block_id?: string; element?: Record<string, unknown> }[] };
    const severity = view.blocks.find((b) => b.block_id === `${MODAL_FIELD.blockPrefix}severity`)?.element;
    expect(severity).toMatchObject({ type: 'static_select', initial_option: { value: 'SEV2' } });
    expect((severity?.options as { value: string }[]).map((o) => o.value)).toEqual(['SEV1', 'SEV2', 'SEV3']);
    expect(view.blocks.find((b) => b.block_id === `${MODAL_FIELD.blockPrefix}version`)?.element).toMatchObject({ type: 'plain_text_input', initial_value: 'v1.4.0' });
  });

  it('keeps the form open on a bad answer and opens nothing; a good one opens the incident with what was chosen', async () => {
    const buttons = incidentButtons(deps);
    const t = { id: 7, what: 'v1.4.0' };
    const submit = (value: string, fields: Record<string, string>) => buttons.submit({ callbackId: INCIDENT_FORM_DECLARE, userId: 'U0CTO', value, fields }, t);
    expect(await submit('  ', { severity: 'SEV1', version: 'v1.4.0' })).toEqual({ error: 'A summary is needed: what is wrong, in a line.' });
    expect(await submit('orders failing', { severity: 'SEV1', version: '1.4' })).toEqual({ error: '`1.4` is not a version: use vMAJOR.MINOR.PATCH, e.g. v1.4.0, or leave it empty.' });
    expect(await db.query('SELECT id FROM incident')).toEqual([]);

    expect(await submit('orders failing on the canary', { severity: 'SEV1', version: 'v1.4.0' })).toEqual({});
    const [row] = await db.query<{ seq: number }>('SELECT seq FROM incident');
    const s = (await readIncident(db, Number(row!.seq)))!.state;
    expect(s).toMatchObject({ summary: 'orders failing on the canary', severity: 'SEV1', version: 'v1.4.0', origin: { kind: 'person', by: 'U0CTO' } });
  });

  it('posts the team\'s incident template, filled in, in the new incident\'s thread; an unreadable one is said, not skipped', async () => {
    const posts = async (template: string) => {
      const withTemplate = { ...deps, config: configSchema.parse({ escalation: { template } }) };
      await declareIncident(withTemplate, { summary: 'settlement batch stuck', severity: 'SEV3', actor: 'U0CTO' });
      const [latest] = await db.query<{ payload: { card: { text: string } } }>(
        `SELECT payload FROM outbox WHERE kind = 'slack.post' AND payload->>'threadOf' = (SELECT 'incident:' || id FROM incident ORDER BY seq DESC LIMIT 1)
         AND payload->'card'->>'text' LIKE '%template%' ORDER BY id`,
      );
      return latest?.payload.card.text ?? '';
    };
    const filled = await posts('test/fixtures/incident/INCIDENT_TEMPLATE.md');
    expect(filled).toMatch(/^📋 \*Incident template\* \(`test\/fixtures\/incident\/INCIDENT_TEMPLATE\.md`\)/);
    expect(filled).toMatch(/## Incident INC-\d+ \(SEV3\)\n- Summary: settlement batch stuck\n- Version: not linked to a release\n- Detected: 2026-11-24T18:00:00\.000Z by Zeynep Arslan\n- Impact: \{\{impact\}\}/);
    expect(await posts('test/fixtures/incident/missing.md')).toBe('⚠️ The incident template `test/fixtures/incident/missing.md` could not be read (ENOENT): follow the team\'s template by hand.');
  });
});
