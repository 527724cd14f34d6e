import type { StatusReport } from '../../app/status.ts';
import type { Block, Card } from '../card.ts';
import { ACTION } from '../ids.ts';

const seconds = (s: number) => (s < 90 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`);

function engineLine(s: StatusReport): string {
  const { timers, outbox } = s;
  const late = timers.lagSeconds > 0 ? `, the most overdue ${seconds(timers.lagSeconds)} late` : '';
  const lag = outbox.pending > 0 ? `, the oldest waiting ${seconds(outbox.lagSeconds)}` : '';
  return `${timers.pending} scheduled step${timers.pending === 1 ? '' : 's'} waiting${late} · ${outbox.pending} message${outbox.pending === 1 ? '' : 's'} to deliver${lag}`;
}

function preflightLine(r: StatusReport['preflights'][number]): string {
  const when = r.startedAt.toISOString().replace(/\.\d+Z$/, 'Z');
  if (!r.verdict) return `• ${r.version}: run ${r.runId} running since ${when}`;
  const c = r.counts;
  return `• ${r.version}: run ${r.runId} ${r.verdict.replace(/-/g, ' ')} (${c.pass ?? 0} pass · ${c.warn ?? 0} warn · ${c.fail ?? 0} fail · ${c.skipped ?? 0} skipped), ${when}`;
}

export function statusCard(s: StatusReport): Card {
  const db = s.database;
  const schema =
    db.schemaVersion === db.latestSchema
      ? `schema v${db.schemaVersion}`
      : `schema v${db.schemaVersion} of v${db.latestSchema} — run \`npm start -- migrate\``;
  const blocks: Block[] = [
    { type: 'header', text: 'Spark ritual status' },
    { type: 'text', text: '*No release in progress.* Start one with `/spark preflight <version>`.' },
    ...(s.preflights.length ? [{ type: 'text' as const, text: `*Latest preflights*\n${s.preflights.map(preflightLine).join('\n')}` }] : []),
    {
      type: 'fields',
      fields: [`*Mode*\n${s.mode}`, `*Database*\n${db.engine === 'pglite' ? 'embedded PGlite' : 'PostgreSQL'}, ${schema}`, `*Config*\n${s.configSource}`, `*Engine*\n${engineLine(s)}`],
    },
  ];
  const parkedCount = s.outbox.parked + s.timers.parked;
  if (parkedCount > 0) {
    const rows = s.parked.map((p) => `• #${p.id} ${p.kind} to \`${p.stream}\`: ${p.error}`).join('\n');
    blocks.push({ type: 'text', text: `:warning: *${parkedCount} parked* (kept, not delivered: they failed too often)\n${rows}` });
  }
  blocks.push(
    { type: 'context', text: `As of ${s.at.toISOString().replace(/\.\d+Z$/, 'Z')}` },
    { type: 'buttons', buttons: [{ actionId: ACTION.statusRefresh, label: 'Refresh', value: 'status' }] },
  );
  return { text: `Spark ritual status: no release in progress${parkedCount ? `, ${parkedCount} parked` : ''}`, blocks };
}
