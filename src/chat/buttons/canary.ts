import { mayDrive } from '../../app/canary/gate.ts';
import { actOnCanary, type CanaryAction, type CanaryDeps } from '../../app/canary/run.ts';
import { CANARY_ACTION, CANARY_FORM_ROLLBACK, stageOfPromote } from '../cards/canary.ts';
import { answered, formFor, said, type ButtonHandler, type FormSpec, type Press, type Target } from './handler.ts';

const ROLLBACK_FORM: FormSpec = {
  callbackId: CANARY_FORM_ROLLBACK,
  title: 'Roll back the canary',
  submit: 'Roll back now',
  intro: 'Traffic goes back to the stable version at once, and the rollback procedure runs. The reason goes into the war-room minutes and the evidence.',
  input: { label: 'Reason', placeholder: 'e.g. order rejections climbing on the canary', multiline: true },
};

/** The event a button stands for; Roll back's comes from its form. */
function eventOf(p: Press, t: Target): CanaryAction {
  const by = p.userId;
  switch (p.actionId) {
    case CANARY_ACTION.pause:
      return { type: 'pause', by };
    case CANARY_ACTION.resume:
      return { type: 'resume', by };
    case CANARY_ACTION.promote: {
      const stage = stageOfPromote(t.what);
      return { type: 'promote-now', by, ...(stage !== undefined ? { stage } : {}) };
    }
    default:
      // only pressed by someone who may not roll back: refused and audited, with no form to fill in first
      return { type: 'rollback', by, reason: '-' };
  }
}

/** The release card's buttons: Pause or Resume, Promote now, and Roll back, which asks for the reason first. */
export function canaryButtons(deps: CanaryDeps): ButtonHandler {
  return {
    actions: Object.values(CANARY_ACTION),
    opensForm: [CANARY_ACTION.rollback],
    forms: [CANARY_FORM_ROLLBACK],
    async press(p, t) {
      if (p.actionId === CANARY_ACTION.rollback && mayDrive(deps.config, p.userId)) return formFor(ROLLBACK_FORM, t);
      return said(await actOnCanary(deps, t.id, eventOf(p, t), p.deliveryId));
    },
    async submit(s, t) {
      return answered(await actOnCanary(deps, t.id, { type: 'rollback', by: s.userId, reason: s.value }, s.deliveryId));
    },
  };
}
