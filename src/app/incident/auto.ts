/**
 * The incidents the bot opens by itself, in the transaction of what caused them: an auto-rollback of a canary
 * (a trigger, no data, a failed stage, a weight the deploy target could not set) and a first-night breach.
 * Each arrives pre-filled (the trigger and its values, the canary's stages, the evidence) and is opened once per
 * cause: a rollback started again, or a breach going on over several snapshots, adds to the same incident.
 */
import { fromAutoRollback, fromFirstNightBreach } from '../../domain/incident/auto.ts';
import type { CanaryMinute } from '../../domain/incident/state.ts';
import type { CanaryState, Minute } from '../../domain/canary/state.ts';
import { formatValue } from '../../domain/canary/format.ts';
import type { Sql } from '../../store/db.ts';
import type { FirstNightBreach } from '../first-night/timers.ts';
import { applyIn, openIncidentIn, type IncidentDeps } from './run.ts';
import { openIncidentOfNight } from './record.ts';
import { BOT } from './effects.ts';

type Deps = Pick<IncidentDeps, 'config' | 'evidence' | 'nameOf' | 'onCall'>;

/** A rollback nobody asked for: the bot's own (a trigger, no data, a failed stage, a failed weight). */
export const isAutoRollback = (s: CanaryState): boolean => s.rollback !== undefined && (s.rollback.cause.kind !== 'manual' || s.rollback.cause.by === BOT);

/** The canary's stages as minutes: each passed stage with its signals' medians, then the minutes of the rollback. */
function canaryMinutes(s: CanaryState, rollbackMinutes: readonly Minute[]): CanaryMinute[] {
  const unit = (id: string) => s.rules.signals.find((x) => x.id === id)?.unit;
  const passed = s.completed.map((rec): CanaryMinute => ({
    at: new Date(rec.endedAt).toISOString(),
    stage: rec.stage,
    weight: rec.weight,
    metrics: rec.signals.map((x) => {
      const u = unit(x.id);
      return `${x.id} ${x.median === null ? 'no data' : u ? formatValue(x.median, u) : String(x.median)}`;
    }).join(' · '),
    decision: rec.promotedBy === 'hold' ? 'stage passed' : 'promoted early',
  }));
  return [...passed, ...rollbackMinutes.map((m) => ({ at: m.at, stage: m.stage, weight: m.weight, metrics: m.metrics, decision: m.decision }))];
}

/** The evidence of the version the incident points at (the canary's stage files, newest last). */
async function canaryEvidence(tx: Sql, version: string): Promise<string[]> {
  const rows = await tx.query<{ path: string }>(`SELECT path FROM evidence_file WHERE version = $1 AND kind LIKE 'canary-%' ORDER BY id`, [version]);
  return rows.map((r) => r.path);
}

export async function openOnAutoRollback(tx: Sql, deps: Deps, run: { id: number }, s: CanaryState, minutes: readonly Minute[], now: Date): Promise<void> {
  const rb = s.rollback;
  if (!rb || !isAutoRollback(s)) return;
  const trigger = rb.cause.kind === 'trigger' ? rb.cause.trigger : undefined;
  await openIncidentIn(
    tx,
    deps,
    (id) => fromAutoRollback({ id, version: s.version, stage: rb.stage, weight: rb.weight, reason: rb.reason, ...(trigger ? { trigger } : {}), minutes: canaryMinutes(s, minutes) }),
    now,
    { origin: 'auto-rollback', key: `canary:${run.id}` },
    await canaryEvidence(tx, s.version),
  );
}

/**
 * A snapshot that was not clean: a new breach opens an incident unless the night already has one unresolved, to
 * which the breach is added as a note; a breach going on is noted there too.
 */
export async function openOnFirstNightBreach(tx: Sql, deps: Deps, b: FirstNightBreach): Promise<void> {
  const checks = b.breaches.map(({ trend: _trend, ...c }) => c);
  const open = await openIncidentOfNight(tx, b.nightId);
  if (open) {
    const what = checks.map((c) => `${c.name} ${c.value === undefined ? `(${c.why ?? 'no data'})` : `${c.value}${c.unit}`}`).join(', ');
    await applyIn(tx, deps, open.seq, { type: 'note', by: BOT, text: `First-night snapshot ${b.n} still breaches: ${what}.` }, b.at);
    return;
  }
  if (!b.fresh) return;
  await openIncidentIn(tx, deps, (id) => fromFirstNightBreach({ id, version: b.version, offsetMs: b.offsetMs, checks }), b.at, { origin: 'first-night-breach', key: `night:${b.nightId}:${b.n}` });
}
