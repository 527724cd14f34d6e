/**
 * What the bot says, independent of where it is shown: `blockkit.ts` renders it for Slack,
 * `console/render.ts` for a terminal. Text uses Slack's mrkdwn (*bold*, `code`).
 */
export interface Button {
  actionId: string;
  label: string;
  value: string;
  style?: 'primary' | 'danger';
  confirm?: { title: string; text: string; yes: string; no: string };
}

export type Block =
  | { type: 'header'; text: string }
  | { type: 'text'; text: string }
  | { type: 'fields'; fields: string[] }
  | { type: 'context'; text: string }
  | { type: 'divider' }
  | { type: 'buttons'; buttons: Button[] };

export interface Card {
  /** Notification and fallback text. */
  text: string;
  blocks: Block[];
}

/**
 * The immediate answer to one command or button press, seen only by the person who asked.
 * Everything else the bot says goes through the outbox.
 */
export interface Reply {
  ephemeral?: Card;
}

export const textCard = (text: string): Card => ({ text, blocks: [{ type: 'text', text }] });
export const onlyToAsker = (card: Card): Reply => ({ ephemeral: card });
