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

/** A further input of a form: a line of text, or one choice of a few. */
export interface ModalField {
  id: string;
  label: string;
  /** a select offers these; without them the field is a line of text */
  options?: string[];
  initial?: string;
  optional?: boolean;
}

/** A form with one text input (a NO-GO reason, a note) and maybe a few more fields, opened by a button press and submitted to the router. */
export interface Modal {
  /** routes the submission */
  callbackId: string;
  title: string;
  submit: string;
  /** what the submission is about (a session and a role); returned with it */
  metadata: string;
  intro: string;
  input: { label: string; placeholder?: string; multiline?: boolean };
  fields?: ModalField[];
}

/**
 * The immediate answer to one command or button press, seen only by the person who asked.
 * Everything else the bot says goes through the outbox.
 */
export interface Reply {
  ephemeral?: Card;
  modal?: Modal;
}

/** The answer to a submitted modal: an error keeps it open with the message under the input. */
export interface SubmitReply {
  error?: string;
}

export const textCard = (text: string): Card => ({ text, blocks: [{ type: 'text', text }] });
export const onlyToAsker = (card: Card): Reply => ({ ephemeral: card });
