import { rebindGonogo, type GonogoDeps } from '../../app/gonogo/decide.ts';
import { tickRedteam, type RedteamDeps } from '../../app/redteam/run.ts';
import { mayTick, type Tick } from '../../domain/redteam.ts';
import { REDTEAM_ACTION, REDTEAM_FORM_FAIL } from '../cards/redteam.ts';
import { answered, formFor, said, type ButtonHandler, type FormSpec } from './handler.ts';

const FAIL_FORM: FormSpec = {
  callbackId: REDTEAM_FORM_FAIL,
  title: 'Red team: fail',
  submit: 'Record fail',
  intro: 'A failed item makes this red team "not passed". Say what was found, so it can be fixed and checked again.',
  input: { label: 'What was found', placeholder: 'e.g. a retried order after a 502 executes twice', multiline: true },
};

/** The red-team card's buttons: Pass ticks at once; Fail asks for the note first, unless the person may not tick at all. */
export function redteamButtons(deps: RedteamDeps, gonogo: GonogoDeps): ButtonHandler {
  /** A tick; the version's open GO / NO-GO learns of a red team that has just finished. */
  async function tick(runId: number, t: Tick, deliveryId: string | undefined): Promise<string | undefined> {
    const answer = await tickRedteam(deps, runId, t, deliveryId);
    const [run] = await deps.db.query<{ version: string }>('SELECT version FROM redteam_run WHERE id = $1 AND finished_at IS NOT NULL', [runId]);
    if (run) await rebindGonogo(gonogo, run.version);
    return answer;
  }

  return {
    actions: Object.values(REDTEAM_ACTION),
    opensForm: [REDTEAM_ACTION.fail],
    forms: [REDTEAM_FORM_FAIL],
    async press(p, t) {
      const item = { itemId: t.what, user: p.userId };
      if (p.actionId === REDTEAM_ACTION.pass) return said(await tick(t.id, { ...item, outcome: 'pass' }, p.deliveryId));
      // Not theirs to tick: refused and audited, and no form opens.
      if (!mayTick(deps.config.roles, p.userId)) return said(await tick(t.id, { ...item, outcome: 'fail' }, p.deliveryId));
      return formFor(FAIL_FORM, t);
    },
    async submit(s, t) {
      return answered(await tick(t.id, { itemId: t.what, user: s.userId, outcome: 'fail', note: s.value }, s.deliveryId));
    },
  };
}
