import type { Card } from '../card.ts';
import { COMMANDS } from '../commands.ts';

export function helpCard(): Card {
  const lines = COMMANDS.map((c) => `\`${c.usage}\` — ${c.summary}`);
  return {
    text: 'The /spark commands',
    blocks: [
      { type: 'header', text: 'Spark release ritual — commands' },
      { type: 'text', text: lines.join('\n') },
      { type: 'context', text: 'Çek, doğrula, izle, geri al — pull, verify, watch, roll back.' },
    ],
  };
}
