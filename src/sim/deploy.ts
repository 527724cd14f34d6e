/** The simulated deploy target: a traffic split per version, fake commits, a rollback that works. */
import { createHash } from 'node:crypto';
import type { Clock } from '../domain/clock.ts';
import type { DeployTarget, RollbackStepName, StepResult } from '../ports/deploy.ts';
import { SourceError } from '../ports/errors.ts';

export type DeployCall = { at: Date } & (
  | { call: 'setWeight'; version: string; weightPercent: number }
  | { call: 'weights' }
  | { call: 'commitOf'; version: string }
  | { call: 'rollbackStep'; step: RollbackStepName; from: string; to: string }
  | { call: 'health' }
);

export interface SimDeploy extends DeployTarget {
  /** every call, in order, for tests */
  readonly calls: DeployCall[];
  /** the version serving the traffic no canary takes */
  stableVersion(): string;
  /** % of traffic on a version now (synchronous, for the sim's metrics) */
  weightOf(version: string): number;
}

/** A stable fake git sha for a version. */
export const simCommitOf = (version: string) => createHash('sha1').update(`spark@${version}`).digest('hex');

const INSTANCES = 3;

export function createSimDeploy(opts: { clock: Clock; stableVersion: string }): SimDeploy {
  const { clock } = opts;
  let stable = opts.stableVersion;
  const canaries = new Map<string, number>(); // version → weight
  const calls: DeployCall[] = [];
  const record = (c: DistributiveOmit<DeployCall, 'at'>) => void calls.push({ ...c, at: clock.now() } as DeployCall);
  const canaryTotal = () => [...canaries.values()].reduce((a, b) => a + b, 0);
  const weightOf = (version: string) => (version === stable ? 100 - canaryTotal() : (canaries.get(version) ?? 0));

  const steps: Record<RollbackStepName, (from: string, to: string) => string> = {
    stop: (from) => {
      const drained = canaries.has(from) ? (canaries.delete(from), `; its ${INSTANCES} canary instances drained`) : '';
      return `stopped ${from}${drained}, traffic back on ${stable}`;
    },
    checkout: (_from, to) => `checked out ${to} at ${simCommitOf(to).slice(0, 12)}`,
    rebuild: (_from, to) => `built spark-api:${to} (image sha256:${simCommitOf(`image:${to}`).slice(0, 12)}) in 41 s`,
    'db-compat': (from, to) => `schema compatible: the migrations since ${to} are additive; ${to} runs on ${from}'s schema`,
    restart: (_from, to) => {
      canaries.delete(to);
      stable = to;
      return `restarted ${INSTANCES}/${INSTANCES} instances on ${to}; 100 % of traffic on ${to}`;
    },
    'verify-health': (_from, to) => `healthy: /healthz 200 on ${INSTANCES}/${INSTANCES} instances of ${to}, p95 138 ms`,
  };

  return {
    calls,
    stableVersion: () => stable,
    weightOf,
    async setWeight(version, weightPercent) {
      record({ call: 'setWeight', version, weightPercent });
      if (version === stable) throw new SourceError(`${version} is the stable version: set the canary's weight instead`);
      const others = canaryTotal() - (canaries.get(version) ?? 0);
      if (!(weightPercent >= 0 && weightPercent + others <= 100)) {
        throw new SourceError(`weight ${weightPercent} % for ${version} is out of range (other canaries hold ${others} %)`);
      }
      if (weightPercent === 0) canaries.delete(version);
      else canaries.set(version, weightPercent);
    },
    async weights() {
      record({ call: 'weights' });
      const all: Record<string, number> = { [stable]: weightOf(stable), ...Object.fromEntries(canaries) };
      return Object.fromEntries(Object.entries(all).filter(([, w]) => w > 0));
    },
    async commitOf(version) {
      record({ call: 'commitOf', version });
      return version ? simCommitOf(version) : undefined;
    },
    async rollbackStep(step, { from, to }): Promise<StepResult> {
      record({ call: 'rollbackStep', step, from, to });
      return { ok: true, detail: steps[step](from, to) };
    },
    async health() {
      record({ call: 'health' });
      return { healthy: true, detail: `${INSTANCES}/${INSTANCES} instances ready on ${stable}${canaries.size ? `, canary ${[...canaries].map(([v, w]) => `${v} at ${w} %`).join(', ')}` : ''}` };
    },
  };
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
