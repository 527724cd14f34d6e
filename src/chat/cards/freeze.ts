import { SCHEMA_CHANGE_KEY, type FreezeView } from '../../app/freeze.ts';
import { formatTime } from '../../domain/freeze.ts';
import type { Block, Card } from '../card.ts';

/** The answer to `/spark freeze` (RITUAL §7): the state now and why, when deploys and schema changes open, the next window. */
export function freezeCard(v: FreezeView): Card {
  const { state, timezone: tz } = v;
  const opens = (t: Date | undefined) =>
    t === undefined
      ? state.active.some((w) => w.end === undefined)
        ? 'when the change freeze is lifted'
        : `not within the next ${v.horizonDays} days`
      : +t <= +state.at
        ? 'open now'
        : `from ${formatTime(t, tz)}`;
  const c = v.canary;
  const canary = c.refusal === undefined ? `✅ may start: it would end by ${formatTime(c.wouldEndAt, tz)}` : `⛔ refused: ${c.refusal}`;
  const release = v.release.assumed
    ? `⚠️ This release is ${v.release.assumed}.`
    : `This release ${v.release.schemaChange ? 'changes' : 'does not change'} the schema (\`${SCHEMA_CHANGE_KEY}: ${v.release.schemaChange}\`).`;
  const blocks: Block[] = [
    { type: 'header', text: 'Freeze windows' },
    { type: 'text', text: state.nowText },
    { type: 'fields', fields: [`*Deploys*\n${opens(state.deployOpensAt)}`, `*Schema changes*\n${opens(state.schemaOpensAt)}`] },
    { type: 'text', text: state.nextText },
    { type: 'text', text: `*A canary started now*, planned ${c.duration.text}\n${canary}` },
    { type: 'context', text: `${release} Emergency rollback is allowed at any time. As of ${formatTime(state.at, tz)}.` },
  ];
  return { text: `Freeze windows: ${state.nowText}`, blocks };
}
