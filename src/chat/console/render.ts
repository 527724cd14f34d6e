import type { Block, Card } from '../card.ts';

/** Numbers a button the person can type to press it. */
export type ButtonNumberer = (actionId: string, value: string) => number;

const indent = (text: string) => text.split('\n').map((l) => `│ ${l}`);

function lines(block: Block, number: ButtonNumberer): string[] {
  switch (block.type) {
    case 'header':
      return [`│ ━━ ${block.text} ━━`];
    case 'text':
      return indent(block.text);
    case 'fields':
      return block.fields.flatMap((f) => indent(f.replace('\n', ': ')));
    case 'context':
      return indent(`· ${block.text}`);
    case 'divider':
      return ['│ ────────'];
    case 'buttons':
      return [
        `│ ${block.buttons
          .map((b) => `[${number(b.actionId, b.value)}] ${b.label}${b.style === 'danger' ? ' (!)' : ''}`)
          .join('   ')}`,
      ];
  }
}

/** A card as terminal text; `title` says where it was posted (channel, thread, "only you"). */
export function renderForTerminal(title: string, card: Card, number: ButtonNumberer): string {
  return [`┌─ ${title}`, ...card.blocks.flatMap((b) => lines(b, number)), '└─'].join('\n');
}
