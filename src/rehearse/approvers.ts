import { actOnGonogo, openGonogo, type GonogoDeps } from '../app/gonogo/decide.ts';
import type { VirtualClock } from '../adapters/virtual-clock.ts';
import { startRedteam, tickRedteam, type RedteamDeps } from '../app/redteam/run.ts';
import { recordDrill } from '../app/rollback-drill.ts';
import { IC_ROLE } from '../config/schema.ts';
import { RED_TEAM_LEAD } from '../domain/redteam.ts';
import type { GonogoEvent } from '../domain/gonogo/types.ts';

const MINUTE = 60_000;

/** How the simulated people take their time: a wait between two of their acts (virtual time passing, timers running). */
export interface Pace {
  everyMs: number;
  wait: (ms: number) => Promise<void>;
}

const halfMinutes = (clock: VirtualClock): Pace => ({ everyMs: MINUTE / 2, wait: async (ms) => clock.advance(ms) });

/**
 * The approvers of a rehearsal: the DevOps Lead records a rollback drill (when an item counts on one), then each
 * role's first holder ticks what their role ticks and votes GO, half a minute apart, then the IC confirms. Returns
 * the decision's status ('go' unless an item was not ok).
 */
export async function simulatedApprovers(deps: GonogoDeps, clock: VirtualClock, version: string, channel: string, pace: Pace = halfMinutes(clock)): Promise<string> {
  const { config, db } = deps;
  const holder = (role: string) => config.roles[role]?.[0] ?? role;
  if (config.gonogo.items.some((i) => i.auto === 'rollback')) {
    const note = 'simulated drill: the six rollback steps walked on the simulated platform, health verified';
    const refused = await recordDrill(deps, { version, note, actor: holder('devopsLead') });
    if (refused) return refused;
  }
  const refused = await openGonogo(deps, { version, actor: holder(IC_ROLE), channel });
  if (refused) return refused;
  const [{ id }] = (await db.query<{ id: number }>('SELECT id FROM gonogo_session WHERE version = $1 ORDER BY id DESC LIMIT 1', [version])) as [{ id: number }];
  const events: GonogoEvent[] = [
    ...config.gonogo.items.flatMap((i): GonogoEvent[] => (i.tickedBy ? [{ type: 'tick-item', itemId: i.id, user: holder(i.tickedBy), ok: true }] : [])),
    ...config.gonogo.approvers.map((role): GonogoEvent => ({ type: 'vote', role, user: holder(role), choice: 'go' })),
    { type: 'confirm-go', user: holder(IC_ROLE) },
  ];
  for (const event of events) {
    await pace.wait(pace.everyMs);
    await actOnGonogo(deps, id, event);
  }
  const [row] = await db.query<{ status: string }>('SELECT status FROM gonogo_session WHERE id = $1', [id]);
  return row!.status;
}

/** The rehearsal's Red Team Lead: the automated attacks run, then each of the ten mistakes is ticked pass, half a minute apart. */
export async function simulatedRedTeam(deps: RedteamDeps, clock: VirtualClock, version: string, channel: string): Promise<void> {
  const lead = deps.config.roles[RED_TEAM_LEAD]?.[0] ?? RED_TEAM_LEAD;
  await startRedteam(deps, { version, actor: deps.config.roles[IC_ROLE]?.[0] ?? lead, channel });
  await tickRedTeamItems(deps, version, halfMinutes(clock));
}

/** The Red Team Lead ticks each of the ten mistakes of the version's latest red-team run pass, one per pace. */
export async function tickRedTeamItems(deps: RedteamDeps, version: string, pace: Pace): Promise<void> {
  const lead = deps.config.roles[RED_TEAM_LEAD]?.[0] ?? RED_TEAM_LEAD;
  const [{ id }] = (await deps.db.query<{ id: number }>('SELECT id FROM redteam_run WHERE version = $1 ORDER BY id DESC LIMIT 1', [version])) as [{ id: number }];
  for (const mistake of deps.config.redteam.mistakes) {
    await pace.wait(pace.everyMs);
    await tickRedteam(deps, id, { itemId: mistake.id, user: lead, outcome: 'pass' });
  }
}
