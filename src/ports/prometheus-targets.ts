/** Prometheus's scrape targets (RITUAL §2 check 8: every expected job is up). */

export interface ScrapeTarget {
  job: string;
  instance: string;
  health: 'up' | 'down' | 'unknown';
  /** empty when the last scrape succeeded */
  lastError: string;
}

export interface PrometheusTargets {
  targets(): Promise<ScrapeTarget[]>;
}
