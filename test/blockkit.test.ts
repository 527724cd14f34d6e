import { describe, expect, it } from 'vitest';
import { toBlockKit } from '../src/chat/blockkit.ts';
import type { Card } from '../src/chat/card.ts';
import { helpCard } from '../src/chat/cards/help.ts';

describe('Block Kit rendering', () => {
  it('renders the help card as header, mrkdwn section and context', () => {
    const { blocks, text } = toBlockKit(helpCard());
    expect(text).toBe('The /spark commands');
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'context']);
  });

  it('keeps every block within Slack limits, however long the content', () => {
    const card: Card = {
      text: 'x'.repeat(5000),
      blocks: [
        { type: 'header', text: 'h'.repeat(400) },
        { type: 'text', text: 's'.repeat(4000) },
        { type: 'fields', fields: Array.from({ length: 23 }, (_, i) => `field ${i}`) },
        { type: 'buttons', buttons: Array.from({ length: 30 }, (_, i) => ({ actionId: `a${i}`, label: 'L'.repeat(100), value: 'v'.repeat(2500) })) },
        ...Array.from({ length: 60 }, () => ({ type: 'divider' as const })),
      ],
    };
    const { blocks, text } = toBlockKit(card);
    expect(text.length).toBeLessThanOrEqual(4000);
    expect(blocks).toHaveLength(50);
    const header = blocks[0] as { text: { text: string } };
    expect(header.text.text.length).toBeLessThanOrEqual(150);
    const section = blocks[1] as { text: { text: string } };
    expect(section.text.text.length).toBeLessThanOrEqual(3000);
    const fieldSections = blocks.filter((b) => Array.isArray(b.fields)) as { fields: unknown[] }[];
    expect(fieldSections.map((s) => s.fields.length)).toEqual([10, 10, 3]);
    const actions = blocks.filter((b) => b.type === 'actions') as { elements: { text: { text: string }; value: string }[] }[];
    expect(actions.map((a) => a.elements.length)).toEqual([25, 5]);
    expect(actions[0]!.elements[0]!.text.text.length).toBeLessThanOrEqual(75);
    expect(actions[0]!.elements[0]!.value.length).toBeLessThanOrEqual(2000);
    expect(JSON.stringify(blocks[49])).toContain('more blocks not shown');
  });

  it('renders a confirmation dialog for a dangerous button', () => {
    const { blocks } = toBlockKit({
      text: 't',
      blocks: [{ type: 'buttons', buttons: [{ actionId: 'canary.rollback', label: 'Roll back', value: 'v1.4.0', style: 'danger', confirm: { title: 'Roll back?', text: 'Traffic returns to v1.3.1.', yes: 'Roll back', no: 'Cancel' } }] }],
    });
    expect(blocks[0]).toMatchObject({
      type: 'actions',
      elements: [{ style: 'danger', confirm: { title: { text: 'Roll back?' }, confirm: { text: 'Roll back' }, deny: { text: 'Cancel' } } }],
    });
  });
});
