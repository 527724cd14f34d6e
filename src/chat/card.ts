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

/** A message for a channel, optionally in the thread of an earlier message. */
export interface Post {
  channel: string;
  card: Card;
  threadTs?: string;
}

/** The answer to one command or button press. */
export interface Reply {
  /** Seen only by the person who asked. */
  ephemeral?: Card;
  posts: Post[];
  /** Edits the message whose button was pressed. */
  update?: Card;
}

export const textCard = (text: string): Card => ({ text, blocks: [{ type: 'text', text }] });
export const onlyToAsker = (card: Card): Reply => ({ ephemeral: card, posts: [] });
