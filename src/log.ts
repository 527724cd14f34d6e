import pino, { type Logger } from 'pino';

export type { Logger };

const SECRET_KEYS = [
  'token', 'botToken', 'appToken', 'signingSecret', 'secret', 'password', 'routingKey', 'apiToken',
  'hmacKey', 'authorization', 'Authorization', 'SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET',
  'PAGERDUTY_ROUTING_KEY', 'PAGERDUTY_API_TOKEN', 'EVIDENCE_HMAC_KEY', 'DATABASE_URL', 'connectionString',
];

// pino's `*.key` matches one level below the root only, so each depth is listed.
const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.headers.${k.toLowerCase()}`, `*.*.headers.${k.toLowerCase()}`]);

const SECRET_PATTERNS: RegExp[] = [
  /\bxox[abposre]-[A-Za-z0-9-]+/g, // Slack bot, user, config and refresh tokens
  /\bxapp-[A-Za-z0-9-]+/g, // Slack app-level tokens
  /(\bhooks\.slack\.com\/services\/)[A-Za-z0-9/]+/gi, // Slack incoming webhooks
  // a password inside a URL; it may itself hold an @, so up to the last one before the host
  /(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]+:)\S+?(?=@[^@\s]*$|@[^@\s]*\s)/gi,
  /(\bhttps?:\/\/)[^:/@\s]+(?=@)/gi, // a token used as a URL's user name
  /(\bpassword\s*=\s*)[^\s&;]+/gi, // key=value connection strings
  /([?&](?:token|access_token|api_key|apikey|secret|signature|sig|routing_key)=)[^&\s#]+/gi,
  /(\bBearer\s+)[A-Za-z0-9._~+/=-]+/gi,
  /(\bBasic\s+)[A-Za-z0-9+/=]+/g,
  /(\bToken token=)[A-Za-z0-9._~+/=-]+/gi, // PagerDuty REST
];

/** Removes secrets that hide inside free text (error messages, URLs). */
export function scrubSecrets(text: string): string {
  return SECRET_PATTERNS.reduce(
    (s, re) => s.replace(re, (_match, keep: unknown) => (typeof keep === 'string' ? `${keep}[redacted]` : '[redacted]')),
    text,
  );
}

export interface LogOptions {
  level?: string;
  pretty?: boolean;
  destination?: pino.DestinationStream;
}

export function createLogger({ level = 'info', pretty = false, destination }: LogOptions = {}): Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    formatters: {
      log: (obj) => {
        const err = obj.err as { message?: string; stack?: string } | undefined;
        if (err?.stack) return { ...obj, err: { ...err, message: scrubSecrets(err.message ?? ''), stack: scrubSecrets(err.stack) } };
        return obj;
      },
    },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? scrubSecrets(a) : a)) as Parameters<typeof method>);
      },
    },
  };
  if (destination) return pino(options, destination);
  if (pretty) return pino({ ...options, transport: { target: 'pino-pretty', options: { destination: 2, ignore: 'pid,hostname' } } });
  return pino(options);
}
