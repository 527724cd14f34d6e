/** Reads the environment once (DESIGN.md section 2) into the settings the bot runs with. */

export type Mode =
  | { kind: 'console' }
  | { kind: 'http'; botToken: string; signingSecret: string; port: number }
  | { kind: 'socket'; botToken: string; appToken: string; port: number };

export interface Settings {
  mode: Mode;
  slackApiUrl: string | undefined;
  databaseUrl: string | undefined;
  dataDir: string;
  evidenceDir: string;
  hmacKey: string | undefined;
  /** Prometheus's HTTP API; in server modes the checks and the canary read nothing without it. */
  prometheusUrl: string | undefined;
  /** Events API v2; without it a page is refused and parked, and the channel is told nobody was paged */
  pagerduty: { routingKey: string; eventsUrl: string | undefined } | undefined;
  /** the REST API, to name who is on call (PAGERDUTY_API_TOKEN) */
  pagerdutyApi: { token: string; apiUrl: string | undefined } | undefined;
  logLevel: string;
}

export type SettingsResult = { ok: true; settings: Settings } | { ok: false; problem: string };

export function readSettings(env: NodeJS.ProcessEnv): SettingsResult {
  const value = (k: string) => (env[k]?.trim() ? env[k]!.trim() : undefined);
  const botToken = value('SLACK_BOT_TOKEN');
  const signingSecret = value('SLACK_SIGNING_SECRET');
  const appToken = value('SLACK_APP_TOKEN');
  const hmacKey = value('EVIDENCE_HMAC_KEY');

  const portText = value('PORT') ?? '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) return { ok: false, problem: `PORT must be a port number (0-65535), got "${portText}"` };

  let mode: Mode;
  if (appToken) {
    if (!botToken) return { ok: false, problem: 'SLACK_APP_TOKEN is set (Socket Mode) but SLACK_BOT_TOKEN is missing: set both, or neither for the console' };
    if (!appToken.startsWith('xapp-')) return { ok: false, problem: 'SLACK_APP_TOKEN must be an app-level token starting with xapp-' };
    mode = { kind: 'socket', botToken, appToken, port };
  } else if (botToken || signingSecret) {
    if (!botToken) return { ok: false, problem: 'SLACK_SIGNING_SECRET is set but SLACK_BOT_TOKEN is missing: HTTP mode needs both' };
    if (!signingSecret) return { ok: false, problem: 'SLACK_BOT_TOKEN is set but SLACK_SIGNING_SECRET is missing: HTTP mode needs both (or SLACK_APP_TOKEN for Socket Mode)' };
    mode = { kind: 'http', botToken, signingSecret, port };
  } else {
    mode = { kind: 'console' };
  }
  if (mode.kind !== 'console' && !hmacKey) {
    return { ok: false, problem: `EVIDENCE_HMAC_KEY is missing: ${mode.kind === 'http' ? 'HTTP' : 'Socket'} mode seals evidence with it (e.g. openssl rand -hex 32)` };
  }
  const slackApiUrl = value('SLACK_API_URL');
  const routingKey = value('PAGERDUTY_ROUTING_KEY');
  if (routingKey !== undefined && routingKey.length !== 32) {
    return { ok: false, problem: `PAGERDUTY_ROUTING_KEY must be the 32-character integration key of an Events API v2 integration (got ${routingKey.length} characters)` };
  }
  const apiToken = value('PAGERDUTY_API_TOKEN');
  return {
    ok: true,
    settings: {
      mode,
      slackApiUrl: slackApiUrl && !slackApiUrl.endsWith('/') ? `${slackApiUrl}/` : slackApiUrl,
      databaseUrl: value('DATABASE_URL'),
      dataDir: value('SPARK_DATA_DIR') ?? '.data',
      evidenceDir: value('EVIDENCE_DIR') ?? 'evidence',
      hmacKey,
      prometheusUrl: value('PROMETHEUS_URL'),
      pagerduty: routingKey ? { routingKey, eventsUrl: value('PAGERDUTY_EVENTS_URL') } : undefined,
      pagerdutyApi: apiToken ? { token: apiToken, apiUrl: value('PAGERDUTY_API_URL') } : undefined,
      logLevel: value('LOG_LEVEL') ?? 'info',
    },
  };
}
