import type { PreflightCheck } from './check.ts';
import { baselineCheck } from './checks/baseline.ts';
import { bloatCheck } from './checks/bloat.ts';
import { flagsCheck } from './checks/flags.ts';
import { headersCheck } from './checks/headers.ts';
import { identityCheck } from './checks/identity.ts';
import { pgbouncerCheck } from './checks/pgbouncer.ts';
import { prismaCheck } from './checks/prisma.ts';
import { prometheusTargetsCheck } from './checks/prometheus-targets.ts';
import { sequencesCheck } from './checks/sequences.ts';
import { timeDriftCheck } from './checks/time-drift.ts';

/** The ten checks of RITUAL §2, in their order. */
export const PREFLIGHT_CHECKS: readonly PreflightCheck[] = [
  identityCheck,
  timeDriftCheck,
  pgbouncerCheck,
  prismaCheck,
  headersCheck,
  sequencesCheck,
  flagsCheck,
  prometheusTargetsCheck,
  baselineCheck,
  bloatCheck,
];
