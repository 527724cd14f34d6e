/**
 * The incident's durable timers: the clock (escalation, re-pages, reminders), the on-call lookup in PagerDuty's
 * REST API, and the paging check that tells the channel (@here) when PagerDuty has not accepted a page in time.
 */
import type { DueTimer } from '../../engine/timers.ts';
import type { TimerHandler } from '../../engine/timer-runner.ts';
import { scrubSecrets } from '../../log.ts';
import { enqueue } from '../../engine/outbox.ts';
import { textCard } from '../../chat/card.ts';
import { incidentRef, INCIDENT_TIMER, inThread } from './effects.ts';
import { lockIncident, markPagingFallback, readIncident, saveOnCall, undeliveredPages } from './record.ts';
import { applyIn, whereOf, type IncidentDeps } from './run.ts';
import { onCallText, pagingFailedText } from './texts.ts';

const seqOf = (t: DueTimer) => Number(t.payload.seq);

export function incidentTimers(deps: IncidentDeps): Record<string, TimerHandler> {
  const onCallRole = () => deps.config.escalation.levels[0]?.roles.flatMap((r) => deps.config.roles[r] ?? []) ?? [];
  /** The Slack person the config names as PagerDuty names them. */
  const slackOf = (name: string) => Object.keys(deps.config.people).find((id) => deps.nameOf(id).toLowerCase() === name.trim().toLowerCase());

  return {
    [INCIDENT_TIMER.clock]: async (timer, step) => {
      await step.commit(async (tx) => void (await applyIn(tx, deps, seqOf(timer), { type: 'clock' }, step.now)));
    },

    // Asked once: a failure is said in the thread (the config's on-call role was mentioned already), not retried into the night.
    [INCIDENT_TIMER.onCall]: async (timer, step) => {
      if (!deps.onCall) return;
      const roster = await deps.onCall.whoIsOnCall().then(
        (r) => ({ ok: r }),
        (err: unknown) => ({ failed: scrubSecrets(err instanceof Error ? err.message : String(err)) }),
      );
      await step.commit(async (tx) => {
        const inc = await lockIncident(tx, seqOf(timer));
        if (!inc || inc.onCall) return;
        if ('failed' in roster) {
          await saveOnCall(tx, inc.seq, []);
          await inThread(tx, whereOf(inc), `⚠️ PagerDuty could not say who is on call (${roster.failed}); the on-call role of the config was mentioned instead.`, step.now);
          return;
        }
        await saveOnCall(tx, inc.seq, roster.ok.level1);
        await inThread(tx, whereOf(inc), onCallText(roster.ok, slackOf), step.now);
      });
    },

    [INCIDENT_TIMER.pagingCheck]: async (timer, step) => {
      const inc = await readIncident(deps.db, seqOf(timer));
      if (!inc || inc.pagingFallbackAt) return;
      const pending = await undeliveredPages(deps.db, inc.id, new Date(String(timer.payload.pagedAt)));
      if (pending.count === 0) return;
      await step.commit(async (tx) => {
        if (!(await markPagingFallback(tx, inc.seq, step.now))) return;
        const text = pagingFailedText(inc.id, deps.config.escalation.pagingFallbackAfter, pending.lastError, onCallRole());
        await enqueue(tx, { kind: 'slack.post', channel: inc.channel, card: textCard(text) }, step.now);
        await inThread(tx, whereOf(inc), `⚠️ Paging has failed since ${String(timer.payload.pagedAt).slice(11, 19)} UTC; @here was told in the channel. The page is still being retried.`, step.now);
        deps.log.error({ incident: inc.id, error: pending.lastError, ref: incidentRef(inc.id) }, 'paging failed; @here fallback posted');
      });
    },
  };
}
