import type { Block, Button, Card, Modal, ModalField } from './card.ts';

// Block Kit limits (https://api.slack.com/reference/block-kit/blocks): longer text is cut, never rejected by Slack.
const LIMIT = { blocks: 50, header: 150, section: 3000, field: 2000, fields: 10, buttonText: 75, value: 2000, actions: 25, context: 3000 };

const cut = (s: string, n: number): string => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);
const mrkdwn = (text: string, n: number) => ({ type: 'mrkdwn' as const, text: cut(text, n) });
const plain = (text: string, n: number) => ({ type: 'plain_text' as const, text: cut(text, n), emoji: true });

export type SlackBlock = Record<string, unknown>;

function button(b: Button): SlackBlock {
  return {
    type: 'button',
    action_id: b.actionId,
    text: plain(b.label, LIMIT.buttonText),
    value: cut(b.value, LIMIT.value),
    ...(b.style ? { style: b.style } : {}),
    ...(b.confirm
      ? {
          confirm: {
            title: plain(b.confirm.title, 100),
            text: mrkdwn(b.confirm.text, 300),
            confirm: plain(b.confirm.yes, 30),
            deny: plain(b.confirm.no, 30),
          },
        }
      : {}),
  };
}

function render(block: Block): SlackBlock[] {
  switch (block.type) {
    case 'header':
      return [{ type: 'header', text: plain(block.text, LIMIT.header) }];
    case 'text':
      return [{ type: 'section', text: mrkdwn(block.text || ' ', LIMIT.section) }];
    case 'fields':
      return chunk(block.fields, LIMIT.fields).map((fields) => ({
        type: 'section',
        fields: fields.map((f) => mrkdwn(f || ' ', LIMIT.field)),
      }));
    case 'context':
      return [{ type: 'context', elements: [mrkdwn(block.text, LIMIT.context)] }];
    case 'divider':
      return [{ type: 'divider' }];
    case 'buttons':
      return chunk(block.buttons, LIMIT.actions).map((bs) => ({ type: 'actions', elements: bs.map(button) }));
  }
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function toBlockKit(card: Card): { text: string; blocks: SlackBlock[] } {
  const blocks = card.blocks.flatMap(render);
  if (blocks.length > LIMIT.blocks) {
    const kept = blocks.slice(0, LIMIT.blocks - 1);
    kept.push({ type: 'context', elements: [mrkdwn(`… ${blocks.length - kept.length} more blocks not shown`, 200)] });
    return { text: cut(card.text, 4000), blocks: kept };
  }
  return { text: cut(card.text, 4000), blocks };
}

/** Where a modal's one input sits in Slack's view state. */
export const MODAL_INPUT = { blockId: 'input', actionId: 'text' } as const;
/** A further field's block: `field:<id>`, its element's action_id `value`. */
export const MODAL_FIELD = { blockPrefix: 'field:', actionId: 'value' } as const;

const option = (o: string) => ({ text: plain(o, 75), value: o.slice(0, 150) });

function fieldBlock(f: ModalField): Record<string, unknown> {
  const element = f.options
    ? { type: 'static_select', action_id: MODAL_FIELD.actionId, options: f.options.slice(0, 100).map(option), ...(f.initial && f.options.includes(f.initial) ? { initial_option: option(f.initial) } : {}) }
    : { type: 'plain_text_input', action_id: MODAL_FIELD.actionId, ...(f.initial ? { initial_value: f.initial } : {}) };
  return { type: 'input', block_id: `${MODAL_FIELD.blockPrefix}${f.id}`, optional: f.optional ?? false, label: plain(f.label, 2000), element };
}

// https://api.slack.com/reference/surfaces/views: title and submit ≤ 24 characters, private_metadata ≤ 3000.
export function toModalView(m: Modal): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: m.callbackId,
    private_metadata: m.metadata.slice(0, 3000),
    title: plain(m.title, 24),
    submit: plain(m.submit, 24),
    close: plain('Cancel', 24),
    blocks: [
      { type: 'section', text: mrkdwn(m.intro, LIMIT.section) },
      {
        type: 'input',
        block_id: MODAL_INPUT.blockId,
        label: plain(m.input.label, 2000),
        element: {
          type: 'plain_text_input',
          action_id: MODAL_INPUT.actionId,
          multiline: m.input.multiline ?? false,
          ...(m.input.placeholder ? { placeholder: plain(m.input.placeholder, 150) } : {}),
        },
      },
      ...(m.fields ?? []).map(fieldBlock),
    ],
  };
}
