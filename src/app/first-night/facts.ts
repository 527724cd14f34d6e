/**
 * What the T+24h release note says about the canary that released the version, read back from the database:
 * its stages (canary_run's state), the golden signals the last stage was judged on, the one-liner sealed at the
 * release (the `canary.released` audit row), and the decisions: the recorded GO and the canary's war-room
 * minutes (the `canary.*` audit rows of the run).
 */
import type { NameOf } from '../../domain/canary/machine.ts';
import type { ReleaseNoteFacts } from '../../domain/first-night/texts.ts';
import { sealedDetails } from '../../evidence/audit.ts';
import type { EvidenceStore } from '../../evidence/files.ts';
import type { Sql } from '../../store/db.ts';
import { readCanary } from '../canary/record.ts';
import { passedStage } from '../canary/texts.ts';
import type { StoredNight } from './record.ts';

interface AuditLine {
  at: Date;
  action: string;
  body: string;
}

/** The decisions of the release: the last GO before the canary started, then the canary's minutes. */
async function decisionsOf(db: Sql, night: StoredNight, startedAt: number | undefined, nameOf: NameOf): Promise<{ at: Date; text: string }[]> {
  const rows = await db.query<AuditLine>(
    `SELECT at, action, body FROM audit_log WHERE version = $1 AND (action = 'gonogo.decided' OR action LIKE 'canary.%') ORDER BY id`,
    [night.version],
  );
  let go: { at: Date; text: string } | undefined;
  const minutes: { at: Date; text: string }[] = [];
  for (const r of rows) {
    const body = JSON.parse(r.body) as Record<string, unknown>;
    if (r.action === 'gonogo.decided') {
      const d = body.decision as { kind?: string; at?: string; by?: string } | undefined;
      const at = d?.at ? new Date(d.at) : new Date(r.at);
      if (d?.kind === 'go' && (startedAt === undefined || at.getTime() <= startedAt)) go = { at, text: `GO${d.by ? ` by ${nameOf(d.by)}` : ''}` };
      continue;
    }
    if (Number(body.runId) !== night.runId || !Array.isArray(body.minutes)) continue;
    for (const m of body.minutes) if (typeof m === 'string') minutes.push({ at: new Date(r.at), text: m });
  }
  return go ? [go, ...minutes] : minutes;
}

/** The release's incidents: every one linked to the version, in the order they opened. */
async function incidentsOf(db: Sql, version: string): Promise<ReleaseNoteFacts['incidents']> {
  const rows = await db.query<{ id: string; severity: string; status: string; summary: string; openedAt: Date }>(
    `SELECT id, severity, status, state->>'summary' AS summary, opened_at AS "openedAt" FROM incident WHERE version = $1 ORDER BY seq`,
    [version],
  );
  return rows.map((r) => ({ at: new Date(r.openedAt), title: `${r.id} (${r.severity}): ${r.summary}`, status: r.status }));
}

/** The release note's facts; `closedAt` is the night's last snapshot (T+24h). */
export async function releaseNoteFacts(db: Sql, deps: { evidence: EvidenceStore; nameOf: NameOf }, night: StoredNight, closedAt: Date): Promise<ReleaseNoteFacts> {
  const canary = (await readCanary(db, night.runId))?.state;
  const completed = canary?.completed ?? [];
  const last = completed.at(-1);
  const released = await sealedDetails<{ runId?: number; oneliner?: string }>(db, deps.evidence.key, 'canary.released', night.version);
  const oneLiner = released.filter((r) => Number(r.details.runId) === night.runId).at(-1)?.details.oneliner ?? `${night.version}: no one-liner was sealed at the release.`;
  return {
    version: night.version,
    releasedAt: night.releasedAt,
    closedAt,
    stages: completed.map((rec) => ({ stage: rec.stage, weight: rec.weight, startedAt: rec.startedAt, endedAt: rec.endedAt, ended: passedStage(rec, deps.nameOf).ended })),
    signals: (canary?.rules.signals ?? []).map((sig) => {
      const x = last?.signals.find((y) => y.id === sig.id);
      return { name: sig.name, unit: sig.unit, value: x?.median ?? null, verdict: x?.verdict ?? 'no-data' };
    }),
    oneLiner,
    decisions: await decisionsOf(db, night, canary?.startedAt, deps.nameOf),
    incidents: await incidentsOf(db, night.version),
    night: night.state.summary,
  };
}
