/** The pager port, shaped like PagerDuty Events API v2 (the adapter adds the routing key). */

export type PagerSeverity = 'critical' | 'error' | 'warning' | 'info';

export interface PagerPayload {
  summary: string;
  source: string;
  severity: PagerSeverity;
  /** ISO 8601 */
  timestamp?: string;
  component?: string;
  group?: string;
  class?: string;
  custom_details?: Record<string, unknown>;
}

export interface PagerLink {
  href: string;
  text?: string;
}

export type PagerEvent =
  | { event_action: 'trigger'; dedup_key?: string; payload: PagerPayload; links?: PagerLink[] }
  | { event_action: 'acknowledge' | 'resolve'; dedup_key: string };

export interface Pager {
  /** Sends one event; answers the dedup key (the pager makes one up for a trigger without it). */
  send(event: PagerEvent): Promise<{ dedupKey: string }>;
}
