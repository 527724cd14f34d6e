import { actOnIncident, declareIncident, type IncidentDeps } from '../../app/incident/run.ts';
import { SEVERITIES, type IncidentEvent } from '../../domain/incident/state.ts';
import { VERSION } from '../../domain/version.ts';
import { INCIDENT_ACTION, INCIDENT_DECLARE, INCIDENT_FORM_DECLARE, levelOfEscalate } from '../cards/incident.ts';
import { answered, formFor, said, type ButtonHandler, type FormSpec, type Press, type Submission, type Target } from './handler.ts';

const declareForm = (version: string): FormSpec => ({
  callbackId: INCIDENT_FORM_DECLARE,
  title: 'Declare an incident',
  submit: 'Open and page',
  intro: 'Opens the incident in the incidents channel and pages the on-call engineer at once. A version links it to the release: no canary starts until it is resolved.',
  input: { label: 'Summary', placeholder: 'e.g. order API 5xx at 4 % on the canary' },
  fields: [
    { id: 'severity', label: 'Severity', options: [...SEVERITIES], initial: 'SEV2' },
    { id: 'version', label: 'Affected version', initial: version, optional: true },
  ],
});

/** The form's answers as an incident to open, or what is wrong with them (the form stays open). */
async function declare(deps: IncidentDeps, s: Submission, t: Target): Promise<string | undefined> {
  const summary = s.value.trim();
  if (!summary) return 'A summary is needed: what is wrong, in a line.';
  const severity = SEVERITIES.find((x) => x === (s.fields?.severity ?? 'SEV2').trim().toUpperCase());
  if (!severity) return `Choose a severity: ${SEVERITIES.join(', ')}.`;
  const version = (s.fields?.version ?? t.what).trim();
  if (version && !VERSION.test(version)) return `\`${version}\` is not a version: use vMAJOR.MINOR.PATCH, e.g. v1.4.0, or leave it empty.`;
  await declareIncident(deps, { summary, severity, ...(version ? { version } : {}), actor: s.userId, deliveryId: s.deliveryId });
  return undefined;
}

/** The event a button on the incident card stands for. */
function eventOf(p: Press, t: Target): IncidentEvent | undefined {
  const by = p.userId;
  switch (p.actionId) {
    case INCIDENT_ACTION.acknowledge:
      return { type: 'acknowledge', by };
    case INCIDENT_ACTION['escalate-now']: {
      const from = levelOfEscalate(t.what);
      return { type: 'escalate-now', by, ...(from ? { from } : {}) };
    }
    case INCIDENT_ACTION['take-command']:
      return { type: 'take-command', by };
    case INCIDENT_ACTION.mitigated:
      return { type: 'mitigated', by };
    case INCIDENT_ACTION.resolve:
      return { type: 'resolve', by };
    case INCIDENT_ACTION['status-page-updated']:
      return { type: 'status-page-updated', by };
    case INCIDENT_ACTION['post-mortem-done']:
      return { type: 'post-mortem-done', by };
    default:
      return undefined;
  }
}

/** The incident card's buttons; who may press which is the domain's (permissions.ts), and a refusal says who can. */
export function incidentButtons(deps: IncidentDeps): ButtonHandler {
  return {
    actions: [...Object.values(INCIDENT_ACTION), INCIDENT_DECLARE],
    opensForm: [INCIDENT_DECLARE],
    forms: [INCIDENT_FORM_DECLARE],
    async press(p, t) {
      if (p.actionId === INCIDENT_DECLARE) return formFor(declareForm(VERSION.test(t.what) ? t.what : ''), t);
      const event = eventOf(p, t);
      if (!event) return said('That button belongs to an older version of the bot; nothing was changed.');
      return said(await actOnIncident(deps, t.id, event, p.deliveryId));
    },
    submit: async (s, t) => answered(await declare(deps, s, t)),
  };
}
