import type { StatusReport } from '../../app/status.ts';
import type { Block, Card } from '../card.ts';
import { ACTION } from '../ids.ts';
import { clockText } from '../../domain/run-of-show/texts.ts';
import { STEP_TITLE, tMinus } from '../../domain/run-of-show/timeline.ts';
import { formatTime } from '../../domain/freeze.ts';

/** `• v1.4.0 · T-0 2026-05-12 21:30 Europe/Istanbul · ✅ T-30 ✅ T-20 ⬜ T-10 21:20 Preflight …` */
function runOfShowLine(r: StatusReport['runsOfShow'][number]): string {
  const { zone, steps, done } = r.state;
  const next = steps.find((s) => done[s.id] === undefined);
  const marks = steps.map((s) => `${done[s.id] ? '✅' : '⬜'} ${tMinus(s.offsetMs)}`).join(' ');
  const where =
    r.status === 'zero'
      ? 'T-0 passed: change freeze on until the freeze lift'
      : next
        ? `next: ${tMinus(next.offsetMs)} ${STEP_TITLE[next.id]} at ${clockText(next.dueAt, zone, r.t0)}`
        : 'every step ran';
  return `• ${r.version} · T-0 ${formatTime(r.t0, zone)} · ${marks} · ${where}`;
}

const seconds = (s: number) => (s < 90 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`);

function engineLine(s: StatusReport): string {
  const { timers, outbox } = s;
  const late = timers.lagSeconds > 0 ? `, the most overdue ${seconds(timers.lagSeconds)} late` : '';
  const lag = outbox.pending > 0 ? `, the oldest waiting ${seconds(outbox.lagSeconds)}` : '';
  return `${timers.pending} scheduled step${timers.pending === 1 ? '' : 's'} waiting${late} · ${outbox.pending} message${outbox.pending === 1 ? '' : 's'} to deliver${lag}`;
}

/** `• INC-3 SEV2 v1.4.0 · acknowledged at L2 · post-mortem due …` */
function incidentLine(i: StatusReport['incidents'][number]): string {
  const level = i.reached.at(-1)?.level ?? '?';
  const open = i.actions.filter((a) => !a.done).length;
  const after =
    i.status === 'resolved'
      ? `resolved; ${i.postMortem?.done ? 'post-mortem done' : `post-mortem due ${i.postMortem ? new Date(i.postMortem.dueAt).toISOString().slice(0, 16).replace('T', ' ') : '?'} UTC`}; ${open} action item${open === 1 ? '' : 's'} open`
      : `${i.status} at ${level}${i.version ? ' · no canary starts until it is resolved' : ''}`;
  return `• ${i.id} ${i.severity}${i.version ? ` ${i.version}` : ''}: ${i.summary} · ${after}`;
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
    s.runsOfShow.length
      ? { type: 'text', text: `*Run of show*\n${s.runsOfShow.map(runOfShowLine).join('\n')}` }
      : { type: 'text', text: '*No release in progress.* Start one with `/spark preflight <version>`, or schedule its countdown with `/spark runofshow <version> <HH:MM>`.' },
    ...(s.incidents.length ? [{ type: 'text' as const, text: `*Incidents*\n${s.incidents.map(incidentLine).join('\n')}` }] : []),
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
  const progress = s.runsOfShow.length ? `run of show ${s.runsOfShow.map((r) => r.version).join(', ')}` : 'no release in progress';
  const unresolved = s.incidents.filter((i) => i.status !== 'resolved').length;
  return { text: `Spark ritual status: ${progress}${unresolved ? `, ${unresolved} incident${unresolved === 1 ? '' : 's'} open` : ''}${parkedCount ? `, ${parkedCount} parked` : ''}`, blocks };
}
