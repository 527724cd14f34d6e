/**
 * What an incident's change causes, written in the transaction that stores it: the PagerDuty events and the
 * posts go to the outbox (delivered after the commit, retried until accepted), the report's draft is sealed,
 * and the durable timer that applies the next `clock` event is armed. Nothing here calls anyone.
 */
import { incidentCard } from '../../chat/cards/incident.ts';
import { textCard } from '../../chat/card.ts';
import { nextDueAt } from '../../domain/incident/machine.ts';
import { reportMarkdown } from '../../domain/incident/report.ts';
import type { IncidentEffect, IncidentState } from '../../domain/incident/state.ts';
import { incidentView } from '../../domain/incident/view.ts';
import { enqueue } from '../../engine/outbox.ts';
import { schedule } from '../../engine/timers.ts';
import { writeEvidence } from '../../evidence/files.ts';
import type { PagerEvent } from '../../ports/pager.ts';
import type { Sql } from '../../store/db.ts';
import type { IncidentDeps } from './run.ts';
import { postedAsIs, timelineText, withMentions } from './texts.ts';

export const INCIDENT_TIMER = {
  clock: 'incident.clock',
  onCall: 'incident.on-call',
  pagingCheck: 'incident.paging-check',
} as const;

export const BOT = 'spark-bot';
/** The incident card's outbox ref: its thread holds the timeline. */
export const incidentRef = (id: string) => `incident:${id}`;

export interface Where {
  seq: number;
  id: string;
  channel: string;
}

type Deps = Pick<IncidentDeps, 'config' | 'evidence' | 'nameOf'>;

export const inThread = (tx: Sql, at: Where, text: string, now: Date) =>
  enqueue(tx, { kind: 'slack.post', channel: at.channel, card: textCard(text), threadOf: incidentRef(at.id) }, now);

/** A PagerDuty event for the incident; a page also arms the check that says so in the channel when paging keeps failing. */
async function page(tx: Sql, deps: Deps, at: Where, event: PagerEvent, now: Date): Promise<void> {
  await enqueue(tx, { kind: 'pagerduty.event', event }, now);
  if (event.event_action !== 'trigger') return;
  const dueAt = new Date(now.getTime() + deps.config.escalation.pagingFallbackAfter);
  await schedule(tx, { kind: INCIDENT_TIMER.pagingCheck, key: `${incidentRef(at.id)}:paging-check:${now.getTime()}`, dueAt, payload: { seq: at.seq, pagedAt: now.toISOString() } }, now);
}

function trigger(s: IncidentState, e: Extract<IncidentEffect, { type: 'page' }>, deps: Deps, now: Date): PagerEvent {
  return {
    event_action: 'trigger',
    dedup_key: e.dedupKey,
    payload: {
      summary: e.summary,
      source: 'spark-ritual',
      severity: e.severity,
      timestamp: now.toISOString(),
      component: s.version ?? 'platform',
      group: e.level,
      class: s.origin.kind,
      custom_details: { incident: s.id, severity: s.severity, level: e.level, roles: e.roles, people: e.users.map(deps.nameOf), repeat: e.repeat },
    },
  };
}

/** The card as the state is now. */
export function cardOf(deps: Deps, at: Where, s: IncidentState, now: Date) {
  return incidentCard(at.seq, incidentView(s, now, deps.nameOf), deps.nameOf);
}

/**
 * Writes what the change from `before` to `state` causes: the new timeline lines in the thread, the effects,
 * and the next clock timer.
 */
export async function performEffects(tx: Sql, deps: Deps, at: Where, before: IncidentState | undefined, state: IncidentState, effects: IncidentEffect[], now: Date): Promise<void> {
  for (const e of state.timeline.slice(before?.timeline.length ?? 1)) {
    if (postedAsIs(e)) await inThread(tx, at, timelineText(e, deps.nameOf), now);
  }
  for (const e of effects) {
    switch (e.type) {
      case 'page':
        await page(tx, deps, at, trigger(state, e, deps, now), now);
        break;
      case 'pager-acknowledge':
        await page(tx, deps, at, { event_action: 'acknowledge', dedup_key: e.dedupKey }, now);
        break;
      case 'pager-resolve':
        await page(tx, deps, at, { event_action: 'resolve', dedup_key: e.dedupKey }, now);
        break;
      case 'mention':
        await inThread(tx, at, withMentions(e.users, e.text), now);
        break;
      case 'status-page-reminder':
      case 'post-mortem-reminder':
        await inThread(tx, at, withMentions(e.users, `⏰ ${e.text}`), now);
        break;
      case 'war-room':
        await enqueue(tx, { kind: 'slack.war-room', name: e.channel, topic: e.topic, invite: e.invite, pin: e.pin.join('\n'), announceIn: { channel: at.channel, threadOf: incidentRef(at.id) } }, now);
        break;
      case 'report-draft': {
        const markdown = reportMarkdown(e.report, deps.nameOf);
        let where = '';
        if (state.version) {
          const file = await writeEvidence(tx, deps.evidence, { version: state.version, kind: `incident-report-${at.seq}`, at: now, actor: BOT, title: `Incident report (draft): ${state.id}`, content: markdown });
          where = ` Sealed in \`${file.path}\`.`;
        }
        await enqueue(tx, { kind: 'slack.upload', channel: at.channel, threadOf: incidentRef(at.id), file: { filename: `${state.id}-report-draft.md`, title: `${state.id} incident report (draft)`, content: markdown } }, now);
        await inThread(tx, at, `📝 The incident report's draft is attached: fill in the causes and the lessons for the post-mortem.${where}`, now);
        break;
      }
      case 'card':
        await enqueue(tx, { kind: 'slack.update', channel: at.channel, card: cardOf(deps, at, state, now), of: incidentRef(at.id) }, now);
        break;
    }
  }
  await armClock(tx, at, state, now);
}

/** The next `clock` event, keyed by its instant: arming it again (a restart, a click) arms it once. */
export async function armClock(tx: Sql, at: Where, s: IncidentState, now: Date): Promise<void> {
  const due = nextDueAt(s);
  if (!due) return;
  await schedule(tx, { kind: INCIDENT_TIMER.clock, key: `${incidentRef(at.id)}:clock:${due.getTime()}`, dueAt: due, payload: { seq: at.seq } }, now);
}
