import { SIGN } from '../../domain/canary/format.ts';
import { formatDurationShort, formatValue } from '../../domain/canary/format.ts';
import type { NameOf } from '../../domain/canary/machine.ts';
import { compare } from '../../domain/canary/sample.ts';
import type { SignalStatus } from '../../domain/canary/signals.ts';
import type { CanaryStatus } from '../../domain/canary/state.ts';
import type { TriggerWindow } from '../../domain/canary/triggers.ts';
import type { CanaryView } from '../../domain/canary/view.ts';
import type { Block, Button, Card } from '../card.ts';
import { INCIDENT_DECLARE } from './incident.ts';

/** The release card's buttons; Roll back opens the form that asks for the reason. */
export const CANARY_ACTION = { pause: 'canary.pause', resume: 'canary.resume', promote: 'canary.promote', rollback: 'canary.rollback' } as const;
export const CANARY_FORM_ROLLBACK = 'canary.rollback';

/** `promote@3`: the promote button names the stage it was pressed on, so a double press promotes once. */
const promoteWhat = (stage: number) => `promote@${stage}`;
export const stageOfPromote = (what: string): number | undefined => {
  const m = /^promote@(\d+)$/.exec(what);
  return m ? Number(m[1]) : undefined;
};

const STATUS: Record<CanaryStatus, string> = {
  ready: '⬜ *Ready*',
  running: '🟢 *Running*',
  paused: '⏸ *Paused*',
  'holding-no-data': '🟡 *Holding: no data*',
  extending: '🟡 *Extending*',
  'rolling-back': '🔴 *Rolling back*',
  'rolled-back': '⏪ *Rolled back*',
  'rollback-failed': '🆘 *Rollback failed*',
  released: '✅ *Released*',
};

const MAX_BUILDING = 5;

function signalLine(st: SignalStatus): string {
  const limit = st.limit === undefined ? 'no baseline' : `${SIGN[st.comparison]} ${formatValue(st.limit, st.unit)}`;
  const median = st.median === undefined ? '' : ` · stage median ${formatValue(st.median, st.unit)}`;
  if (st.verdict === 'no-data' || st.latest === undefined || st.limit === undefined) {
    return `❔ ${st.name}: no data${st.why ? ` (${st.why})` : ''} (${limit})${median}`;
  }
  const mark = compare(st.latest, st.comparison, st.limit) ? '✅' : '❌';
  return `${mark} ${st.name}: ${formatValue(st.latest, st.unit)} (${limit})${median}`;
}

const plain = (x: number) => (Number.isInteger(x) ? String(x) : String(Number(x.toFixed(2))));

function buildingLine(w: TriggerWindow): string {
  const values = w.values.map((c) => `${c.latest === null ? '?' : plain(c.latest)} ${c.comparison} ${plain(c.threshold)}`).join(', ');
  return `⚠️ ${w.id}: held ${formatDurationShort(w.heldMs)} of ${formatDurationShort(w.forMs)} (${values})`;
}

function stagesLine(v: CanaryView): string {
  const mark = { passed: '✅', current: '▶️', pending: '⬜' } as const;
  return v.stages.map((s) => `${mark[s.state]} ${s.state === 'current' ? `*${s.weight} %*` : `${s.weight} %`}`).join(' → ');
}

function where(v: CanaryView): string {
  if (v.holdEndsAt === undefined) return '';
  const hold = `${v.holdRemainingMs ? 'The hold ends' : 'The hold ended'} at ${new Date(v.holdEndsAt).toISOString().slice(11, 19)} UTC`;
  const requests = v.requests ? ` · ${v.requests.seen} requests this stage${v.requests.min > 0 ? ` (a stage needs ${v.requests.min})` : ''}` : '';
  return `\n${hold}${requests}`;
}

function buttons(runId: number, v: CanaryView): Button[] {
  const value = (what: string) => `${runId}:${what}`;
  const rollback = (label: string): Button => ({
    actionId: CANARY_ACTION.rollback,
    label,
    value: value('rollback'),
    style: 'danger',
    confirm: { title: `Roll back ${v.version}?`, text: 'Traffic goes back to the stable version at once. You will be asked for the reason.', yes: 'Roll back', no: 'Cancel' },
  });
  const declare: Button = { actionId: INCIDENT_DECLARE, label: 'Declare incident', value: value(v.version) };
  if (v.status === 'rollback-failed') return [rollback('Roll back again'), declare];
  if (v.stage === undefined) return [declare];
  return [
    v.status === 'paused'
      ? { actionId: CANARY_ACTION.resume, label: 'Resume', value: value('resume') }
      : { actionId: CANARY_ACTION.pause, label: 'Pause', value: value('pause') },
    { actionId: CANARY_ACTION.promote, label: 'Promote now', value: value(promoteWhat(v.stage)), style: 'primary' },
    rollback('Roll back'),
    declare,
  ];
}

/** The release card in #spark-deploys, edited in place as the canary walks: where it stands, its signals, its buttons. */
export function canaryCard(runId: number, v: CanaryView, nameOf: NameOf): Card {
  const paused = v.paused ? `\nPaused by ${nameOf(v.paused.by)}${v.paused.reason ? `: ${v.paused.reason}` : ''}` : '';
  const blocks: Block[] = [
    { type: 'header', text: `Canary ${v.version}` },
    { type: 'text', text: `${STATUS[v.status]} — ${v.headline}${paused}` },
    { type: 'text', text: `${stagesLine(v)}${where(v)}` },
  ];
  if (v.override) {
    const by = v.startedBy ? nameOf(v.startedBy) : 'the IC';
    blocks.push({ type: 'context', text: `⚠️ Started on the IC's override by ${by}: ${v.override.reason}. Overrode: ${v.override.overrode.join('; ')}` });
  }
  if (v.signals.length > 0) blocks.push({ type: 'text', text: `*Golden signals* (latest value against its threshold)\n${v.signals.map(signalLine).join('\n')}` });
  const watch = [
    ...v.building.slice(0, MAX_BUILDING).map(buildingLine),
    ...(v.building.length > MAX_BUILDING ? [`… and ${v.building.length - MAX_BUILDING} more`] : []),
    ...(v.blind.length > 0 ? [`❔ without data: ${v.blind.join(', ')}`] : []),
  ];
  if (watch.length > 0) blocks.push({ type: 'text', text: `*Triggers*\n${watch.join('\n')}` });
  const rb = v.rollback;
  if (rb) {
    const result = rb.ok === undefined ? 'running' : rb.ok ? 'done' : 'failed';
    blocks.push({ type: 'text', text: `*Rollback* from stage ${rb.stage} (${rb.weight} %), attempt ${rb.attempts}: ${result}${rb.detail ? ` — ${rb.detail}` : ''}` });
  }
  const bs = buttons(runId, v);
  if (bs.length > 0) blocks.push({ type: 'buttons', buttons: bs });
  blocks.push({ type: 'context', text: `Canary run ${runId}${bs.length > 1 ? ' · the buttons are for the IC and the DevOps Lead; anyone may declare an incident' : ''}` });
  const at = v.stage === undefined ? '' : ` (stage ${v.stage} of ${v.stages.length} at ${v.weight} %)`;
  return { text: `Canary ${v.version}: ${STATUS[v.status].replace(/\*/g, '')}${at}`, blocks };
}
