import type { RunOfShowDeps } from '../../app/run-of-show/run.ts';
import { startFromRunOfShow } from '../../app/run-of-show/start.ts';
import { RUN_OF_SHOW_ACTION } from '../cards/run-of-show.ts';
import { answered, said, type ButtonHandler } from './handler.ts';

/** The T-0 card's Start canary button. */
export function runOfShowButtons(deps: RunOfShowDeps): ButtonHandler {
  return {
    actions: Object.values(RUN_OF_SHOW_ACTION),
    opensForm: [],
    forms: [],
    async press(p, t) {
      return said(await startFromRunOfShow(deps, t.id, p.userId, p.deliveryId));
    },
    async submit() {
      return answered('This button opens no form; nothing was changed.');
    },
  };
}
