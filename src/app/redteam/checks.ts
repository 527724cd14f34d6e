import type { RedteamCheck } from './check.ts';
import { cspFloodCheck } from './checks/csp-flood.ts';
import { decimalCheck } from './checks/decimal.ts';
import { idempotencyCheck } from './checks/idempotency.ts';
import { outboxSkewCheck } from './checks/outbox-skew.ts';
import { sbomCheck } from './checks/sbom.ts';

/** The red team's automated items of RITUAL §3, 11 to 15, in their order. */
export const REDTEAM_CHECKS: readonly RedteamCheck[] = [idempotencyCheck, decimalCheck, outboxSkewCheck, cspFloodCheck, sbomCheck];
