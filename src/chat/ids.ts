/** Every Slack action_id the bot puts on a button, in one place. */
export const ACTION = {
  statusRefresh: 'status.refresh',
  gonogoGo: 'gonogo.go',
  gonogoNoGo: 'gonogo.nogo',
  gonogoTick: 'gonogo.tick',
  gonogoUntick: 'gonogo.untick',
  gonogoConfirm: 'gonogo.confirm',
  gonogoClose: 'gonogo.close',
  gonogoExtend: 'gonogo.extend',
} as const;

/** Every modal the bot opens, by callback_id. */
export const FORM = {
  gonogoNoGo: 'gonogo.nogo',
  gonogoUntick: 'gonogo.untick',
  gonogoClose: 'gonogo.close',
} as const;
