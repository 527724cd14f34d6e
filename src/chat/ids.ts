/** Every Slack action_id the bot puts on a button, in one place. */
export const ACTION = {
  statusRefresh: 'status.refresh',
} as const;
