import type { StatusReport } from '../../app/status.ts';
import type { Card } from '../card.ts';
import { ACTION } from '../ids.ts';

export function statusCard(s: StatusReport): Card {
  const db = s.database;
  const schema =
    db.schemaVersion === db.latestSchema
      ? `schema v${db.schemaVersion}`
      : `schema v${db.schemaVersion} of v${db.latestSchema} — run \`npm start -- migrate\``;
  return {
    text: 'Spark ritual status: no release in progress',
    blocks: [
      { type: 'header', text: 'Spark ritual status' },
      { type: 'text', text: '*No release in progress.* Start one with `/spark preflight <version>`.' },
      {
        type: 'fields',
        fields: [`*Mode*\n${s.mode}`, `*Database*\n${db.engine === 'pglite' ? 'embedded PGlite' : 'PostgreSQL'}, ${schema}`, `*Config*\n${s.configSource}`],
      },
      { type: 'context', text: `As of ${s.at.toISOString().replace(/\.\d+Z$/, 'Z')}` },
      { type: 'buttons', buttons: [{ actionId: ACTION.statusRefresh, label: 'Refresh', value: 'status' }] },
    ],
  };
}
