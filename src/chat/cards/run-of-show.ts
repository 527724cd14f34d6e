import { STEP_TITLE, tMinus, type StepId } from '../../domain/run-of-show/timeline.ts';
import { clockText } from '../../domain/run-of-show/texts.ts';
import { formatTime } from '../../domain/freeze.ts';
import type { Block, Card } from '../card.ts';

/** The T-0 card's button. */
export const RUN_OF_SHOW_ACTION = { startCanary: 'run-of-show.start-canary' } as const;

export interface RunOfShowView {
  id: number;
  version: string;
  t0: Date;
  zone: string;
  status: 'counting' | 'zero' | 'lifted' | 'cancelled';
  scheduledBy: string;
  steps: { id: StepId; offsetMs: number; dueAt: number; done?: string }[];
  cancelled?: { by: string; at: number };
  freezeLiftedAt?: Date;
}

/** The card's notification text changes with the status only, not with every step. */
const STATUS_WORDS: Record<RunOfShowView['status'], string> = {
  counting: 'counting down',
  zero: 'T-0 reached, change freeze on',
  lifted: 'over, change freeze lifted',
  cancelled: 'cancelled',
};

function statusLine(v: RunOfShowView): string {
  switch (v.status) {
    case 'counting':
      return '⏳ *Counting down*';
    case 'zero':
      return '🚀 *T-0 reached*: the change freeze holds until the freeze lift after the first night';
    case 'lifted':
      return `✅ *Over*: the change freeze was lifted${v.freezeLiftedAt ? ` at ${formatTime(v.freezeLiftedAt, v.zone)}` : ''}`;
    case 'cancelled':
      return `✖ *Cancelled*${v.cancelled ? ` by ${v.cancelled.by} at ${clockText(v.cancelled.at, v.zone, v.t0)}` : ''}`;
  }
}

function stepLine(v: RunOfShowView, s: RunOfShowView['steps'][number]): string {
  const head = `${tMinus(s.offsetMs)} · ${clockText(s.dueAt, v.zone, v.t0)} ${STEP_TITLE[s.id]}`;
  if (s.done !== undefined) return `✅ ${head}: ${s.done}`;
  return v.status === 'counting' ? `⬜ ${head}` : `✖ ${head}: not run`;
}

/** The run of show's card in the deploys channel: T-0, every step with its time, and what each one that ran said. */
export function runOfShowCard(v: RunOfShowView): Card {
  const blocks: Block[] = [
    { type: 'header', text: `Run of show ${v.version}` },
    { type: 'text', text: `${statusLine(v)} · T-0 *${formatTime(v.t0, v.zone)}* · scheduled by ${v.scheduledBy}` },
    { type: 'text', text: v.steps.map((s) => stepLine(v, s)).join('\n') },
    {
      type: 'context',
      text:
        v.status === 'counting' || v.status === 'zero'
          ? `Every step is a scheduled timer (\`/spark status\`). \`/spark runofshow cancel ${v.version}\` calls it off. Emergency rollback is allowed at any time.`
          : 'Emergency rollback is allowed at any time.',
    },
  ];
  return { text: `Run of show ${v.version}, T-0 ${formatTime(v.t0, v.zone)}: ${STATUS_WORDS[v.status]}`, blocks };
}

/** The T-0 post: with GO, the IC's Start canary button; without, the explanation alone. */
export function t0Card(runId: number, version: string, text: string, withButton: boolean): Card {
  const blocks: Block[] = [{ type: 'text', text }];
  if (withButton) {
    blocks.push({
      type: 'buttons',
      buttons: [
        {
          actionId: RUN_OF_SHOW_ACTION.startCanary,
          label: 'Start canary',
          value: `${runId}:start`,
          style: 'primary',
          confirm: { title: `Start the canary of ${version}?`, text: 'Stage 1 takes its share of traffic at once.', yes: 'Start canary', no: 'Not yet' },
        },
      ],
    });
  }
  return { text, blocks };
}
