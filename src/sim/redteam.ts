/**
 * The simulated platform as the red team's automated items see it (RITUAL §3, 11–15), healthy: orders are
 * idempotent, rounding is half to even, the outbox dispatches within 40 ms, the CSP report endpoint rate-limits
 * after 50 reports, and the new SBOM brings no GPL-family licence.
 */
import { Decimal } from 'decimal.js';
import type { Component, CspReportEndpoint, IdempotencyTarget, OutboxClock, RoundingService, SbomSource } from '../ports/redteam.ts';

/** reports the CSP endpoint takes in one burst before it answers 429 */
const CSP_REPORT_LIMIT = 50;
const OUTBOX_ROWS = 20;
const OUTBOX_MAX_DELAY_MS = 40;

const PREVIOUS_SBOM: Component[] = [
  { name: 'decimal.js', version: '10.4.3', purl: 'pkg:npm/decimal.js@10.4.3', licenses: ['MIT'] },
  { name: 'fastify', version: '4.28.1', purl: 'pkg:npm/fastify@4.28.1', licenses: ['MIT'] },
  { name: 'pg', version: '8.12.0', purl: 'pkg:npm/pg@8.12.0', licenses: ['MIT'] },
  { name: '@prisma/client', version: '5.18.0', purl: 'pkg:npm/%40prisma/client@5.18.0', licenses: ['Apache-2.0'] },
  { name: 'ws', version: '8.17.1', purl: 'pkg:npm/ws@8.17.1', licenses: ['MIT'] },
  { name: 'node-forge', version: '1.3.1', purl: 'pkg:npm/node-forge@1.3.1', licenses: ['(BSD-3-Clause OR GPL-2.0)'] },
];

const CURRENT_SBOM: Component[] = [
  { name: 'decimal.js', version: '10.6.0', purl: 'pkg:npm/decimal.js@10.6.0', licenses: ['MIT'] },
  { name: 'fastify', version: '4.28.1', purl: 'pkg:npm/fastify@4.28.1', licenses: ['MIT'] },
  { name: 'pg', version: '8.13.1', purl: 'pkg:npm/pg@8.13.1', licenses: ['MIT'] },
  { name: '@prisma/client', version: '5.22.0', purl: 'pkg:npm/%40prisma/client@5.22.0', licenses: ['Apache-2.0'] },
  { name: 'ws', version: '8.18.0', purl: 'pkg:npm/ws@8.18.0', licenses: ['MIT'] },
  { name: 'node-forge', version: '1.3.1', purl: 'pkg:npm/node-forge@1.3.1', licenses: ['(BSD-3-Clause OR GPL-2.0)'] },
  { name: 'p-retry', version: '6.2.1', purl: 'pkg:npm/p-retry@6.2.1', licenses: ['MIT'] },
];

export interface SimRedteam {
  idempotency: IdempotencyTarget;
  rounding: RoundingService;
  outboxClock: OutboxClock;
  cspReport: CspReportEndpoint;
  sbom: SbomSource;
}

export function createSimRedteam(): SimRedteam {
  const executed = new Set<string>();
  return {
    idempotency: {
      async burst(requests) {
        // One event-loop turn for the whole burst: the first spelling of a key wins, every other is a replay.
        return requests.map(({ key }) => {
          const k = key.trim();
          if (executed.has(k)) return { status: 409 };
          executed.add(k);
          return { status: 201 };
        });
      },
    },
    rounding: {
      async round(samples) {
        return samples.map(({ value, scale }) => new Decimal(value).toDecimalPlaces(scale, Decimal.ROUND_HALF_EVEN).toFixed(scale));
      },
    },
    outboxClock: {
      async samples() {
        const now = Date.now();
        return Array.from({ length: OUTBOX_ROWS }, (_, i) => {
          const producedAt = new Date(now - (OUTBOX_ROWS - i) * 30_000);
          const delay = 1 + ((i * 17) % OUTBOX_MAX_DELAY_MS);
          return { producedAt, dispatchedAt: new Date(producedAt.getTime() + delay) };
        });
      },
    },
    cspReport: {
      async flood(n) {
        const statuses: Record<number, number> = { 204: Math.min(n, CSP_REPORT_LIMIT) };
        if (n > CSP_REPORT_LIMIT) statuses[429] = n - CSP_REPORT_LIMIT;
        return { statuses, errors: 0, upAfter: true };
      },
    },
    sbom: {
      async read() {
        return { previous: PREVIOUS_SBOM, current: CURRENT_SBOM };
      },
    },
  };
}
