import type { VerifyReport } from '../../evidence/verify.ts';
import type { Card } from '../card.ts';

const SHOWN = 20;

/** The answer to `/spark evidence <version>`: intact, or every problem named. */
export function evidenceCard(r: VerifyReport): Card {
  const header = { type: 'header' as const, text: `Evidence ${r.version}` };
  if (r.files === 0 && r.rows === 0 && r.problems.length === 0) {
    const text = `No evidence recorded for ${r.version}: nothing has run for it yet (start with \`/spark preflight ${r.version}\`).`;
    return { text, blocks: [header, { type: 'text', text }] };
  }
  const counts = `${r.files} files, ${r.rows} audit rows`;
  if (r.problems.length === 0) {
    const text = `✅ Evidence for ${r.version} is intact: ${counts}; every file matches its sealed SHA-256 and the audit chain holds.`;
    return { text, blocks: [header, { type: 'text', text }] };
  }
  const lines = r.problems.slice(0, SHOWN).map((p) => `• *${p.kind}* \`${p.subject}\`: ${p.message}`);
  if (r.problems.length > SHOWN) lines.push(`…and ${r.problems.length - SHOWN} more: run \`npm start -- evidence verify ${r.version}\` for all of them`);
  const text = `❌ Evidence for ${r.version} does not verify: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'} (${counts})`;
  return { text, blocks: [header, { type: 'text', text }, { type: 'text', text: lines.join('\n') }] };
}
