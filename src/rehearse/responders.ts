/**
 * The people of a rehearsal's incidents, acting by the clock: the on-call acknowledges and updates the status page,
 * the IC takes command after L2, mitigates at 20 minutes (so L3 never comes), resolves, adds an action item and
 * marks the post-mortem done the next day, when the DevOps Lead has closed the item. What comes next is read from
 * the incident's state, so a step is done once and a rehearsal ends when every incident is closed.
 */
import { actOnIncident, type IncidentDeps } from '../app/incident/run.ts';
import { openIncidents } from '../app/incident/record.ts';
import { IC_ROLE } from '../config/schema.ts';
import type { IncidentEvent, IncidentState } from '../domain/incident/state.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

interface Step {
  /** when, from the incident's state; undefined while it cannot happen yet */
  at(s: IncidentState): number | undefined;
  /** still to do */
  pending(s: IncidentState): boolean;
  event(holder: (role: string) => string): IncidentEvent;
}

const afterOpen = (ms: number) => (s: IncidentState) => s.openedAt + ms;
const afterResolve = (ms: number) => (s: IncidentState) => (s.resolved ? s.resolved.at + ms : undefined);

const SCRIPT: Step[] = [
  { at: afterOpen(3 * MIN), pending: (s) => !s.acknowledged, event: (h) => ({ type: 'acknowledge', by: h('onCall') }) },
  { at: afterOpen(4 * MIN), pending: (s) => !s.statusPage.firstUpdated, event: (h) => ({ type: 'status-page-updated', by: h('onCall'), note: 'degraded performance on orders' }) },
  { at: afterOpen(16 * MIN), pending: (s) => !s.commander, event: (h) => ({ type: 'take-command', by: h(IC_ROLE) }) },
  { at: afterOpen(20 * MIN), pending: (s) => !s.mitigated, event: (h) => ({ type: 'mitigated', by: h(IC_ROLE), note: 'traffic back on the stable version' }) },
  { at: afterOpen(40 * MIN), pending: (s) => !s.resolved, event: (h) => ({ type: 'resolve', by: h(IC_ROLE), note: 'error rates at baseline for 20 min' }) },
  { at: afterResolve(MIN), pending: (s) => s.actions.length === 0, event: (h) => ({ type: 'add-action', by: h(IC_ROLE), text: 'alert on API p95 per track before the canary trigger fires', owner: h('devopsLead') }) },
  { at: afterResolve(26 * HOUR), pending: (s) => s.actions.some((a) => !a.done), event: (h) => ({ type: 'done-action', by: h('devopsLead'), id: 'A1' }) },
  { at: afterResolve(30 * HOUR), pending: (s) => !s.postMortem?.done, event: (h) => ({ type: 'post-mortem-done', by: h(IC_ROLE), link: 'https://wiki.example/postmortems/rehearsal' }) },
];

export interface Responders {
  /** when the next scripted step of any open incident is due */
  nextAt(): Promise<Date | undefined>;
  /** performs every step due at `now` */
  act(now: Date): Promise<void>;
}

export function simulatedResponders(deps: IncidentDeps): Responders {
  const holder = (role: string) => deps.config.roles[role]?.[0] ?? role;
  async function due() {
    const open = await openIncidents(deps.db);
    return open.flatMap((i) => {
      const step = SCRIPT.find((x) => x.pending(i.state));
      const at = step?.at(i.state);
      return step && at !== undefined ? [{ seq: i.seq, step, at }] : [];
    });
  }
  return {
    async nextAt() {
      const steps = await due();
      return steps.length > 0 ? new Date(Math.min(...steps.map((s) => s.at))) : undefined;
    },
    async act(now) {
      for (const s of await due()) if (s.at <= now.getTime()) await actOnIncident(deps, s.seq, s.step.event(holder));
    },
  };
}
