import { actOnGonogo, type GonogoDeps } from '../../app/gonogo/decide.ts';
import { readSession } from '../../app/gonogo/record.ts';
import { IC_ROLE } from '../../config/schema.ts';
import { holds } from '../../domain/gonogo/roles.ts';
import type { GonogoEvent } from '../../domain/gonogo/types.ts';
import { ACTION, FORM } from '../ids.ts';
import { answered, formFor, said, type ButtonHandler, type FormSpec, type Press, type Target } from './handler.ts';

const FORMS: Record<string, FormSpec> = {
  [ACTION.gonogoNoGo]: {
    callbackId: FORM.gonogoNoGo,
    title: 'NO-GO',
    submit: 'Record NO-GO',
    intro: 'A NO-GO stops the release until it is withdrawn. Say what must change for a GO.',
    input: { label: 'Reason', placeholder: 'e.g. HSTS is off on the new ingress', multiline: true },
  },
  [ACTION.gonogoUntick]: {
    callbackId: FORM.gonogoUntick,
    title: 'Not ready',
    submit: 'Mark not ready',
    intro: 'This item blocks GO until it is ticked again. Say what is missing.',
    input: { label: 'What is missing', multiline: true },
  },
  [ACTION.gonogoClose]: {
    callbackId: FORM.gonogoClose,
    title: 'Close as NO-GO',
    submit: 'Close as NO-GO',
    intro: 'Closes this GO / NO-GO as NO-GO now: the canary cannot start on it.',
    input: { label: 'Reason', multiline: true },
  },
};

/** The event a button or a form stands for; `text` is the form's reason or note. */
function eventOf(id: string, what: string, user: string, text?: string): GonogoEvent | undefined {
  switch (id) {
    case ACTION.gonogoGo:
      return { type: 'vote', role: what, user, choice: 'go' };
    case ACTION.gonogoNoGo:
    case FORM.gonogoNoGo:
      return { type: 'vote', role: what, user, choice: 'nogo', reason: text };
    case ACTION.gonogoTick:
      return { type: 'tick-item', itemId: what, user, ok: true };
    case ACTION.gonogoUntick:
    case FORM.gonogoUntick:
      return { type: 'tick-item', itemId: what, user, ok: false, note: text };
    case ACTION.gonogoConfirm:
      return { type: 'confirm-go', user };
    case ACTION.gonogoClose:
    case FORM.gonogoClose:
      return { type: 'close-no-go', user, reason: text ?? '' };
    case ACTION.gonogoExtend:
      return { type: 'extend', user };
    default:
      return undefined;
  }
}

/** The GO / NO-GO card's buttons: votes, ticks, the IC's decision; NO-GO, not-ready and close ask for a reason first. */
export function gonogoButtons(deps: GonogoDeps): ButtonHandler {
  /** Whether the person holds the role a form's button is for; undefined when the session is gone. */
  async function mayAct(p: Press, t: Target): Promise<boolean | undefined> {
    const stored = await readSession(deps.db, t.id);
    if (!stored) return undefined;
    const item = stored.session.items.find((i) => i.id === t.what);
    const role = p.actionId === ACTION.gonogoNoGo ? t.what : p.actionId === ACTION.gonogoClose ? IC_ROLE : item?.source === 'role' ? item.role : undefined;
    return role === undefined || holds(stored.session.rules, role, p.userId);
  }

  return {
    actions: Object.values(ACTION).filter((a) => a.startsWith('gonogo.')),
    opensForm: Object.keys(FORMS),
    forms: Object.values(FORM),
    async press(p, t) {
      const form = FORMS[p.actionId];
      if (form) {
        // Asked before the form opens, so nobody writes a reason for nothing.
        const may = await mayAct(p, t);
        if (may === undefined) return said('That GO / NO-GO session no longer exists; nothing was changed.');
        // Not theirs to do: the session refuses and audits the attempt, and no form opens.
        if (!may) return said(await actOnGonogo(deps, t.id, eventOf(p.actionId, t.what, p.userId, '-')!, p.deliveryId));
        return formFor(form, t);
      }
      return said(await actOnGonogo(deps, t.id, eventOf(p.actionId, t.what, p.userId)!, p.deliveryId));
    },
    async submit(s, t) {
      return answered(await actOnGonogo(deps, t.id, eventOf(s.callbackId, t.what, s.userId, s.value)!, s.deliveryId));
    },
  };
}
