/**
 * Slack's Block Kit limits (https://api.slack.com/reference/block-kit/blocks), as the fake Slack enforces them:
 * Slack answers `invalid_blocks` to a message that breaks one, so the tests must see the same.
 */
type Json = Record<string, unknown>;

const textOf = (t: unknown): string => (typeof t === 'object' && t !== null ? String((t as Json).text ?? '') : '');

export function blockKitProblems(blocks: unknown): string[] {
  if (!Array.isArray(blocks)) return [];
  const problems: string[] = [];
  if (blocks.length > 50) problems.push(`${blocks.length} blocks (at most 50)`);
  blocks.forEach((raw, i) => {
    const b = raw as Json;
    const at = `blocks[${i}]`;
    if (b.type === 'header' && textOf(b.text).length > 150) problems.push(`${at}: header text over 150`);
    if (b.type === 'section') {
      if (textOf(b.text).length > 3000) problems.push(`${at}: section text over 3000`);
      const fields = (b.fields as unknown[] | undefined) ?? [];
      if (fields.length > 10) problems.push(`${at}: ${fields.length} fields (at most 10)`);
      fields.forEach((f, j) => textOf(f).length > 2000 && problems.push(`${at}.fields[${j}] over 2000`));
    }
    if (b.type === 'context' && ((b.elements as unknown[]) ?? []).length > 10) problems.push(`${at}: more than 10 context elements`);
    if (b.type === 'actions') {
      const elements = (b.elements as Json[]) ?? [];
      if (elements.length > 25) problems.push(`${at}: ${elements.length} elements (at most 25)`);
      elements.forEach((e, j) => {
        if (textOf(e.text).length > 75) problems.push(`${at}.elements[${j}]: button text over 75`);
        if (String(e.action_id ?? '').length > 255) problems.push(`${at}.elements[${j}]: action_id over 255`);
        if (String(e.value ?? '').length > 2000) problems.push(`${at}.elements[${j}]: value over 2000`);
      });
    }
  });
  return problems;
}
