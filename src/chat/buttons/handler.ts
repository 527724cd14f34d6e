import type { Modal, Reply, SubmitReply } from '../card.ts';
import { onlyToAsker, textCard } from '../card.ts';

/** Who pressed a button on a card: the person, and the delivery id Slack retries repeat. */
export interface Press {
  actionId: string;
  userId: string;
  deliveryId?: string;
  /** the button's value as posted, `<card id>:<what>` */
  value: string;
}

/** A submitted form: the person, the one input's text, and what the form was opened about. */
export interface Submission {
  callbackId: string;
  userId: string;
  value: string;
  /** the form's further fields, by id */
  fields?: Record<string, string>;
  deliveryId?: string;
}

/** The card a button belongs to (a session, a run) and what on it the button is about (a role, an item). */
export interface Target {
  id: number;
  what: string;
}

/** `12:cto` → card 12, role cto. Buttons and forms carry it as their value and metadata. */
export function targetOf(value: string): Target | undefined {
  const m = /^(\d+):(.+)$/.exec(value);
  return m ? { id: Number(m[1]), what: m[2]! } : undefined;
}

/** The buttons and forms of one kind of card. */
export interface ButtonHandler {
  actions: readonly string[];
  /** buttons whose press opens a form: Slack wants it opened within 3 s of the click */
  opensForm: readonly string[];
  forms: readonly string[];
  press(p: Press, t: Target): Promise<Reply>;
  submit(s: Submission, t: Target): Promise<SubmitReply>;
}

export type FormSpec = Omit<Modal, 'metadata'>;

export const formFor = (spec: FormSpec, t: Target): Reply => ({ modal: { ...spec, metadata: `${t.id}:${t.what}` } });

export const said = (text: string | undefined): Reply => (text ? onlyToAsker(textCard(text)) : {});

/** A form's answer: the refusal keeps it open with the sentence under the input. */
export const answered = (text: string | undefined): SubmitReply => (text ? { error: text } : {});
