/**
 * The one schema for `spark.config.yml`.
 *
 * Every field has a default, so `{}` is the whole v1.4.0 ritual of RITUAL.md. Objects are strict (an
 * unknown key is an error: typos must not be silently ignored). Durations are written as text
 * (`15m`, `10s`, `24h`) and come out as milliseconds. Cross-field rules (roles that exist, stages that
 * grow, a contiguous first-night cadence, unique ids, ...) run even when other fields are broken, so
 * `config check` can print every problem at once.
 */
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { describeValue, durationMessage, formatDuration, parseDuration } from './duration.ts';

// ---------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------

export const LOCALES = ['tr', 'en'] as const;
/** `x` is a plain factor (an SLO burn rate of 1.3); `/h` a count per hour. */
export const UNITS = ['ms', 's', '%', '/min', '/h', 'x'] as const;
export const COMPARISONS = ['<=', '<', '>=', '>'] as const;
export const TRIGGER_GROUPS = ['standard', 'enhanced', 'autoGuard', 'enrichment'] as const;
/** The only `{{…}}` placeholders a query may contain. */
export const PLACEHOLDERS = ['version', 'track'] as const;
/** The roles of RITUAL §1, as named in the default config. `roles` may define more. */
export const DEFAULT_ROLE_NAMES = [
  'ic',
  'devopsLead',
  'cto',
  'productOwner',
  'securityTeam',
  'redTeamLead',
  'onCall',
] as const;
/** The release captain / incident commander: the ritual cannot run without one. */
export const IC_ROLE = 'ic';

export type Locale = (typeof LOCALES)[number];
export type Unit = (typeof UNITS)[number];
export type Comparison = (typeof COMPARISONS)[number];
export type TriggerGroup = (typeof TRIGGER_GROUPS)[number];
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** How the bot reaches the deploy target; `none` leaves the canary without one, and it refuses to start. */
export const DEPLOY_ADAPTERS = ['none', 'command', 'webhook'] as const;
/** The `{…}` placeholders of deploy command lines; each command allows some of them. */
export type DeployPlaceholder = 'version' | 'weight' | 'target';

// ---------------------------------------------------------------------------------------------
// Field types
// ---------------------------------------------------------------------------------------------

function durationSchema(opts: { positive?: boolean } = {}) {
  return z
    .string({ error: (iss) => durationMessage(iss.input) })
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: durationMessage(text), input: text });
        return z.NEVER;
      }
      if (opts.positive && ms <= 0) {
        ctx.addIssue({ code: 'custom', message: `must be longer than 0, got ${describeValue(text)}`, input: text });
        return z.NEVER;
      }
      return ms;
    });
}
const duration = durationSchema();
const positiveDuration = durationSchema({ positive: true });

const text = z.string().min(1, { error: 'must not be empty' });

const identifier = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, {
    error: (iss) => `expected an id of lowercase letters, digits and _ (like api_p95), got ${describeValue(iss.input)}`,
  });

const roleName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/, {
    error: (iss) => `expected a role name like devopsLead, got ${describeValue(iss.input)}`,
  });

const slackUserId = z
  .string()
  .regex(/^[UW][A-Z0-9]{2,}$/, {
    error: (iss) => `expected a Slack user id like U0123ABCD, got ${describeValue(iss.input)}`,
  });

const channel = z
  .string()
  .regex(/^(#[a-z0-9][a-z0-9._-]*|[CG][A-Z0-9]{2,})$/, {
    error: (iss) =>
      `expected a channel like "#spark-deploys" or a channel id like C0123ABCD, got ${describeValue(iss.input)}`,
  });

const timeOfDay = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, {
    error: (iss) => `expected a time like 09:30 (HH:MM, 24-hour clock), got ${describeValue(iss.input)}`,
  });

const isoDate = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && DateTime.fromISO(s).isValid, {
    error: (iss) => `expected a date like 2026-04-23 (YYYY-MM-DD), got ${describeValue(iss.input)}`,
  });

const zone = z
  .string()
  .refine((s) => IANAZone.isValidZone(s), {
    error: (iss) => `expected an IANA time zone like Europe/Istanbul, got ${describeValue(iss.input)}`,
  });

const percent = z
  .number()
  .gt(0, { error: (iss) => `must be greater than 0 %, got ${describeValue(iss.input)}` })
  .lte(100, { error: (iss) => `must be at most 100 %, got ${describeValue(iss.input)}` });

const wholeNumber = (min: number) =>
  z
    .number()
    .refine((n) => Number.isInteger(n) && n >= min, {
      error: (iss) => `expected a whole number ≥ ${min}, got ${describeValue(iss.input)}`,
    });

/** Where a check looks: a URL or host, or `$NAME` to read it from the environment (keeps passwords out of the file). */
const target = z
  .string()
  .min(1, { error: 'must not be empty' })
  .refine((s) => !s.startsWith('$') || /^\$[A-Z_][A-Z0-9_]*$/.test(s), {
    error: (iss) => `expected a URL or $ENV_VAR_NAME, got ${describeValue(iss.input)}`,
  });

const fraction = z
  .number()
  .gt(0, { error: (iss) => `must be between 0 and 1, got ${describeValue(iss.input)}` })
  .lte(1, { error: (iss) => `must be between 0 and 1, got ${describeValue(iss.input)}` });

const PLACEHOLDER_RE = /\{\{(.*?)\}\}/g;

/** PromQL text; may contain `{{version}}` and `{{track}}`, nothing else in double braces. */
const promql = text.superRefine((q, ctx) => {
  const unknown = new Set<string>();
  for (const m of q.matchAll(PLACEHOLDER_RE)) {
    const name = m[1] ?? '';
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) unknown.add(`{{${name}}}`);
  }
  for (const p of unknown) {
    ctx.addIssue({
      code: 'custom',
      message: `unknown placeholder ${p}; only {{version}} and {{track}} are allowed`,
      input: q,
    });
  }
});

const COMMAND_WORD_RE = /(?:[^\s'"]+|'[^']*'|"[^"]*")+/g;
const COMMAND_PLACEHOLDER_RE = /\{([A-Za-z]\w*)\}/g;
const SHELL_OPERATORS = new Set(['|', '||', '&', '&&', ';', '>', '>>', '<']);

/**
 * A deploy command line. It runs without a shell, so it comes out as argument words: split at spaces, where '…'
 * or "…" keeps spaces inside a word. The adapter fills `{placeholder}`s per word, so a value is always one argument.
 */
function commandLine(placeholders: readonly DeployPlaceholder[]) {
  const allowed = placeholders.length ? `this command may use ${placeholders.map((p) => `{${p}}`).join(' and ')}` : 'this command takes none';
  return text.transform((line, ctx) => {
    const problems: string[] = [];
    const words = line.match(COMMAND_WORD_RE) ?? [];
    if (words.length === 0) problems.push('must name a program');
    if (line.replace(COMMAND_WORD_RE, '').trim() !== '') problems.push('has a quote that is not closed');
    const operator = words.find((w) => SHELL_OPERATORS.has(w));
    if (operator) problems.push(`runs without a shell, so "${operator}" would be passed as an argument: put the pipeline in a script`);
    for (const [, name] of line.matchAll(COMMAND_PLACEHOLDER_RE)) {
      if (!(placeholders as readonly string[]).includes(name ?? '')) problems.push(`unknown placeholder {${name}}; ${allowed}`);
    }
    for (const message of new Set(problems)) ctx.addIssue({ code: 'custom', message, input: line });
    if (problems.length > 0) return z.NEVER;
    return words.map((w) => w.replace(/'([^']*)'|"([^"]*)"/g, (_quoted, single?: string, double?: string) => single ?? double ?? ''));
  });
}

/** A secret is never written in the file: only the name of the environment variable that holds it. */
const secretName = z.string().regex(/^\$[A-Z_][A-Z0-9_]*$/, {
  // the value is left out of the message: it may be the secret itself
  error: 'must name the environment variable that holds the secret, like $SPARK_DEPLOY_WEBHOOK_SECRET: a secret is never written in the file',
});

const comparison = z.enum(COMPARISONS);
const unit = z.enum(UNITS);

const baselineThreshold = z.strictObject({
  baselinePlusPercent: z
    .number()
    .gte(0, { error: (iss) => `must be at least 0 %, got ${describeValue(iss.input)}` }),
});
const threshold = z.union([z.number(), baselineThreshold], {
  error: (iss) => `expected a number or { baselinePlusPercent: <number> }, got ${describeValue(iss.input)}`,
});

// ---------------------------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------------------------

const stageSchema = z.strictObject({
  weight: percent,
  hold: positiveDuration,
});

const signalSchema = z.strictObject({
  id: identifier,
  name: text,
  query: promql,
  unit,
  comparison,
  threshold,
});

const conditionSchema = z.strictObject({
  query: promql,
  comparison,
  threshold: z.number(),
});

export type TriggerCondition = z.output<typeof conditionSchema>;
interface TriggerBase {
  id: string;
  group: TriggerGroup;
  description: string;
  /** ms the condition must hold before the trigger fires */
  for: number;
}
export type SimpleTrigger = TriggerBase & TriggerCondition;
export type CompositeTrigger = TriggerBase & { allOf: TriggerCondition[] };
/** Either one condition or `allOf` conditions that must all hold (check with `'allOf' in t`). */
export type Trigger = SimpleTrigger | CompositeTrigger;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const whenObject = { when: (p: { value: unknown }) => isObject(p.value) };

const triggerSchema = z
  .strictObject({
    id: identifier,
    group: z.enum(TRIGGER_GROUPS),
    description: text,
    for: positiveDuration,
    query: promql.optional(),
    comparison: comparison.optional(),
    threshold: z.number().optional(),
    allOf: z.array(conditionSchema).min(1, { error: 'needs at least one condition' }).optional(),
  })
  .superRefine((t, ctx) => {
    const single = (['query', 'comparison', 'threshold'] as const).filter((k) => t[k] !== undefined);
    if (t.allOf !== undefined && single.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['allOf'],
        message: `give either query/comparison/threshold or allOf, not both (found ${single.join(', ')} too)`,
      });
    } else if (t.allOf === undefined && single.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'needs either query, comparison and threshold, or allOf' });
    } else if (t.allOf === undefined) {
      for (const k of ['query', 'comparison', 'threshold'] as const) {
        if (t[k] === undefined) {
          ctx.addIssue({ code: 'custom', path: [k], message: 'required (a trigger without allOf needs query, comparison and threshold)' });
        }
      }
    }
  }, whenObject)
  .transform((t): Trigger => {
    const base = { id: t.id, group: t.group, description: t.description, for: t.for };
    if (t.allOf !== undefined) return { ...base, allOf: t.allOf };
    // The refinement above guarantees all three; this transform only runs when it passed.
    return { ...base, query: t.query ?? '', comparison: t.comparison ?? '>', threshold: t.threshold ?? 0 };
  });

const cadenceWindowSchema = z.strictObject({
  from: duration,
  to: positiveDuration,
  every: positiveDuration,
});

const firstNightCheckSchema = z.strictObject({
  id: identifier,
  name: text,
  query: promql,
  unit,
  comparison,
  threshold: z.number(),
  /** the check only applies during the first `onlyUntil` of the first night */
  onlyUntil: positiveDuration.optional(),
});

const escalationLevelSchema = z.strictObject({
  level: z.string().regex(/^L\d+$/, { error: (iss) => `expected a level like L1, got ${describeValue(iss.input)}` }),
  after: duration,
  roles: z.array(roleName).min(1, { error: 'needs at least one role' }),
  warRoom: z.boolean().default(false),
});

/** What the bot fills a go/no-go item from; the preflight's check ids are the modules in src/app/preflight/checks. */
export const GONOGO_SOURCES = ['evidence', 'ci', 'coverage', 'rollback'] as const;
export const PREFLIGHT_CHECK_IDS = ['identity', 'time-drift', 'pgbouncer', 'prisma', 'headers', 'sequences', 'flags', 'prometheus-targets', 'baseline', 'bloat'] as const;

const gonogoItemSchema = z.strictObject({
  id: identifier,
  title: text,
  /** filled by the bot: from these preflight checks' latest results, or from a source */
  auto: z
    .union([z.enum(GONOGO_SOURCES), z.strictObject({ preflight: z.array(z.enum(PREFLIGHT_CHECK_IDS)).min(1, { error: 'names at least one check' }) })], {
      error: (iss) =>
        `expected ${GONOGO_SOURCES.join(', ')}, or { preflight: [checks] } with checks from ${PREFLIGHT_CHECK_IDS.join(', ')}; got ${describeValue(iss.input)}`,
    })
    .optional(),
  /** ticked by a holder of this role when the bot cannot know it */
  tickedBy: roleName.optional(),
});

const windowSchema = (start: string, end: string) =>
  z.strictObject({ start: timeOfDay.default(start), end: timeOfDay.default(end) }).prefault({});

// ---------------------------------------------------------------------------------------------
// Defaults (in the form they are written in YAML)
// ---------------------------------------------------------------------------------------------

const SEL = 'app="spark",version="{{version}}",track="{{track}}"';
const NIGHT = 'app="spark",version="{{version}}"';

const Q = {
  apiP95: `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${SEL}}[1m]))) * 1000`,
  error5xx: `100 * sum(rate(http_requests_total{${SEL},status=~"5.."}[1m])) / sum(rate(http_requests_total{${SEL}}[1m]))`,
  wsStalenessP95: `histogram_quantile(0.95, sum by (le) (rate(ws_message_staleness_seconds_bucket{${SEL}}[1m])))`,
  riskBlockRate: `60 * sum(rate(risk_blocks_total{${SEL}}[5m]))`,
  idempotencyConflicts: `100 * sum(rate(idempotency_conflicts_total{${SEL}}[5m])) / sum(rate(idempotency_requests_total{${SEL}}[5m]))`,
  cspViolations: `60 * sum(rate(csp_violation_reports_total{${SEL}}[5m]))`,
  eventLoopLagP95: `1000 * max(quantile_over_time(0.95, nodejs_eventloop_lag_seconds{${SEL}}[5m]))`,
  gcPauseAvg: `1000 * sum(rate(nodejs_gc_duration_seconds_sum{${SEL}}[5m])) / sum(rate(nodejs_gc_duration_seconds_count{${SEL}}[5m]))`,
  cpu: `100 * avg(rate(process_cpu_seconds_total{${SEL}}[1m]))`,
  requestsPerSecond: `sum(rate(http_requests_total{${SEL}}[1m]))`,
};

type SignalInput = z.input<typeof signalSchema>;
type TriggerInput = z.input<typeof triggerSchema>;
type ConditionInput = z.input<typeof conditionSchema>;

const DEFAULT_SIGNALS: SignalInput[] = [
  { id: 'api_p95', name: 'API p95', query: Q.apiP95, unit: 'ms', comparison: '<=', threshold: 200 },
  { id: 'error_rate_5xx', name: '5xx rate', query: Q.error5xx, unit: '%', comparison: '<=', threshold: 1 },
  { id: 'ws_staleness_p95', name: 'WebSocket staleness p95', query: Q.wsStalenessP95, unit: 's', comparison: '<=', threshold: 30 },
  { id: 'risk_block_rate', name: 'Risk block rate', query: Q.riskBlockRate, unit: '/min', comparison: '<=', threshold: 0.5 },
  { id: 'idempotency_conflicts', name: 'Idempotency conflicts', query: Q.idempotencyConflicts, unit: '%', comparison: '<=', threshold: 1 },
  { id: 'csp_violations', name: 'CSP violations', query: Q.cspViolations, unit: '/min', comparison: '<=', threshold: { baselinePlusPercent: 10 } },
  { id: 'event_loop_lag_p95', name: 'Event-loop lag p95', query: Q.eventLoopLagP95, unit: 'ms', comparison: '<=', threshold: 50 },
  { id: 'gc_pause_avg', name: 'GC pause avg', query: Q.gcPauseAvg, unit: 'ms', comparison: '<=', threshold: 20 },
];

const when = (query: string, cmp: Comparison, value: number): ConditionInput => ({ query, comparison: cmp, threshold: value });

const DEFAULT_TRIGGERS: TriggerInput[] = [
  // standard (RITUAL §5)
  { id: 'api_p95_high', group: 'standard', description: 'API p95 above 400 ms for 5 min', for: '5m', ...when(Q.apiP95, '>', 400) },
  { id: 'error_rate_5xx_high', group: 'standard', description: '5xx rate above 3 % for 5 min', for: '5m', ...when(Q.error5xx, '>', 3) },
  {
    id: 'bist_feed_stale', group: 'standard', description: 'BIST market-data feed silent for more than 120 s, for 3 min', for: '3m',
    ...when(`max(time() - bist_feed_last_message_timestamp_seconds{${SEL}})`, '>', 120),
  },
  {
    id: 'csp_violations_flood', group: 'standard', description: 'More than 50 CSP violation reports per minute', for: '1m',
    ...when(`60 * sum(rate(csp_violation_reports_total{${SEL}}[1m]))`, '>', 50),
  },
  { id: 'idempotency_conflicts_high', group: 'standard', description: 'Idempotency conflicts above 5 % for 3 min', for: '3m', ...when(Q.idempotencyConflicts, '>', 5) },
  {
    id: 'pgbouncer_saturation', group: 'standard', description: 'pgBouncer pool more than 90 % in use for 3 min', for: '3m',
    ...when('100 * max(sum by (database) (pgbouncer_pools_server_active_connections{job="pgbouncer"}) / sum by (database) (pgbouncer_databases_pool_size{job="pgbouncer"}))', '>', 90),
  },
  // enhanced
  {
    id: 'error_latency_correlation', group: 'enhanced', description: '5xx above 1.5 % while API p95 is above 300 ms, for 3 min', for: '3m',
    allOf: [when(Q.error5xx, '>', 1.5), when(Q.apiP95, '>', 300)],
  },
  {
    id: 'latency_without_cpu', group: 'enhanced', description: 'API p95 above 300 ms while CPU stays below 50 % (a lock, query or downstream regression), for 5 min', for: '5m',
    allOf: [when(Q.apiP95, '>', 300), when(Q.cpu, '<', 50)],
  },
  {
    id: 'memory_leak', group: 'enhanced', description: 'Heap growing faster than 5 MiB/min (slope over 10 min), for 5 min', for: '5m',
    ...when(`max(deriv(nodejs_heap_size_used_bytes{${SEL}}[10m])) * 60 / 1048576`, '>', 5),
  },
  {
    id: 'restart_storm', group: 'enhanced', description: 'More than 2 process restarts within 10 min', for: '1m',
    ...when(`sum(changes(process_start_time_seconds{${SEL}}[10m]))`, '>', 2),
  },
  {
    id: 'ws_reconnect_storm', group: 'enhanced', description: 'More than 5 % of WebSocket clients reconnecting per minute, for 3 min', for: '3m',
    ...when(`100 * 60 * sum(rate(ws_reconnects_total{${SEL}}[5m])) / clamp_min(sum(ws_connected_clients{${SEL}}), 1)`, '>', 5),
  },
  {
    id: 'decimal_precision_errors', group: 'enhanced', description: 'Any decimal precision error (money must stay exact)', for: '1m',
    ...when(`sum(increase(decimal_precision_errors_total{${SEL}}[5m]))`, '>', 0),
  },
  {
    id: 'outbox_lag', group: 'enhanced', description: 'Outbox dispatch lag p99 above 30 s for 5 min', for: '5m',
    ...when(`histogram_quantile(0.99, sum by (le) (rate(outbox_dispatch_lag_seconds_bucket{${SEL}}[5m])))`, '>', 30),
  },
  {
    id: 'risk_block_spike', group: 'enhanced', description: 'Risk blocks above 2/min (4× the stage limit) for 3 min', for: '3m',
    ...when(`60 * sum(rate(risk_blocks_total{${SEL}}[1m]))`, '>', 2),
  },
  // auto-guards (composite)
  {
    id: 'latency_cpu_backpressure', group: 'autoGuard', description: 'API p95 above 300 ms while CPU is above 85 %, for 2 min', for: '2m',
    allOf: [when(Q.apiP95, '>', 300), when(Q.cpu, '>', 85)],
  },
  {
    id: 'error_risk_correlation', group: 'autoGuard', description: '5xx above 1 % while risk blocks exceed 1/min, for 2 min', for: '2m',
    allOf: [when(Q.error5xx, '>', 1), when(`60 * sum(rate(risk_blocks_total{${SEL}}[1m]))`, '>', 1)],
  },
  // signal enrichment
  { id: 'event_loop_backpressure', group: 'enrichment', description: 'Event-loop lag p95 above 100 ms for 3 min', for: '3m', ...when(Q.eventLoopLagP95, '>', 100) },
  { id: 'gc_pause_long', group: 'enrichment', description: 'Average GC pause above 40 ms for 3 min', for: '3m', ...when(Q.gcPauseAvg, '>', 40) },
  {
    id: 'dead_tuple_bloat', group: 'enrichment', description: 'A table with more than 20 % dead tuples, for 10 min', for: '10m',
    ...when('100 * max(pg_stat_user_tables_n_dead_tup{job="postgres"} / clamp_min(pg_stat_user_tables_n_live_tup{job="postgres"} + pg_stat_user_tables_n_dead_tup{job="postgres"}, 1))', '>', 20),
  },
  {
    id: 'connection_creep', group: 'enrichment', description: 'Database connections growing by more than 2/min (slope over 15 min), for 10 min', for: '10m',
    ...when('60 * deriv(sum(pg_stat_activity_count{job="postgres"})[15m:1m])', '>', 2),
  },
];

const DEFAULT_FIRST_NIGHT_CHECKS: z.input<typeof firstNightCheckSchema>[] = [
  {
    id: 'slo_burn_1h', name: 'SLO burn rate (1h)', unit: 'x', comparison: '<', threshold: 2,
    query: `(sum(rate(http_requests_total{${NIGHT},status=~"5.."}[1h])) / sum(rate(http_requests_total{${NIGHT}}[1h]))) / 0.01`,
  },
  {
    id: 'slo_burn_6h', name: 'SLO burn rate (6h)', unit: 'x', comparison: '<', threshold: 2,
    query: `(sum(rate(http_requests_total{${NIGHT},status=~"5.."}[6h])) / sum(rate(http_requests_total{${NIGHT}}[6h]))) / 0.01`,
  },
  {
    id: 'error_rate', name: 'Error rate', unit: '%', comparison: '<', threshold: 1,
    query: `100 * sum(rate(http_requests_total{${NIGHT},status=~"5.."}[5m])) / sum(rate(http_requests_total{${NIGHT}}[5m]))`,
  },
  {
    id: 'api_p95', name: 'API p95', unit: 'ms', comparison: '<', threshold: 200,
    query: `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${NIGHT}}[5m]))) * 1000`,
  },
  {
    id: 'outbox_lag_p99', name: 'Outbox lag p99', unit: 's', comparison: '<', threshold: 10,
    query: `histogram_quantile(0.99, sum by (le) (rate(outbox_dispatch_lag_seconds_bucket{${NIGHT}}[5m])))`,
  },
  {
    id: 'csp_violations', name: 'CSP violations', unit: '/h', comparison: '<', threshold: 100, onlyUntil: '2h',
    query: `sum(increase(csp_violation_reports_total{${NIGHT}}[1h]))`,
  },
];

const DEFAULT_PEOPLE: Record<string, string> = {
  U0SPARKIC: 'Ayşe Kaya (IC)',
  U0DEVOPS: 'Mehmet Demir (DevOps Lead)',
  U0CTO: 'Zeynep Arslan (CTO)',
  U0PRODUCT: 'Can Yıldız (Product Owner)',
  U0SECURITY: 'Elif Şahin (Security)',
  U0REDTEAM: 'Burak Çelik (Red Team Lead)',
  U0ONCALL: 'Deniz Aydın (On-call)',
};

const DEFAULT_ROLES: Record<string, string[]> = {
  ic: ['U0SPARKIC'],
  devopsLead: ['U0DEVOPS'],
  cto: ['U0CTO'],
  productOwner: ['U0PRODUCT'],
  securityTeam: ['U0SECURITY'],
  redTeamLead: ['U0REDTEAM'],
  onCall: ['U0ONCALL'],
};

const DEFAULT_GONOGO_ITEMS: z.input<typeof gonogoItemSchema>[] = [
  { id: 'artifacts_docs', title: 'Artifacts & documentation present', auto: 'evidence' },
  { id: 'ci_green', title: 'CI green', auto: 'ci' },
  { id: 'test_coverage', title: 'Test coverage at or above the minimum', auto: 'coverage' },
  { id: 'rollback_tested', title: 'Rollback plan tested', auto: 'rollback' },
  { id: 'security_headers', title: 'Security headers active', auto: { preflight: ['headers'] } },
  { id: 'feature_flags', title: 'Feature flags ready', auto: { preflight: ['flags'] } },
  { id: 'db_health', title: 'Database health nominal', auto: { preflight: ['pgbouncer', 'prisma', 'sequences', 'bloat'] } },
  { id: 'monitoring', title: 'Monitoring configured', auto: { preflight: ['prometheus-targets'] } },
  { id: 'baseline_metrics', title: 'Baseline metrics captured', auto: { preflight: ['baseline'] } },
  { id: 'team_ready', title: 'Team ready', tickedBy: 'ic' },
];

/** Turkish public holidays 2026 (Borsa İstanbul closed). Religious holidays follow the Diyanet calendar. */
const DEFAULT_HOLIDAYS = [
  '2026-01-01', // Yılbaşı
  '2026-03-20', '2026-03-21', '2026-03-22', // Ramazan Bayramı
  '2026-04-23', // Ulusal Egemenlik ve Çocuk Bayramı
  '2026-05-01', // Emek ve Dayanışma Günü
  '2026-05-19', // Atatürk'ü Anma, Gençlik ve Spor Bayramı
  '2026-05-27', '2026-05-28', '2026-05-29', '2026-05-30', // Kurban Bayramı
  '2026-07-15', // Demokrasi ve Millî Birlik Günü
  '2026-08-30', // Zafer Bayramı
  '2026-10-29', // Cumhuriyet Bayramı
];

const redteamMistakeSchema = z.strictObject({ id: identifier, title: text });

const decimalText = z.string().regex(/^-?\d+(\.\d+)?$/, { error: (iss) => `expected a decimal number as text like "312.255", got ${describeValue(iss.input)}` });
const decimalSampleSchema = z.strictObject({ value: decimalText, scale: wholeNumber(0) });

/** The team's "expensive mistakes" (RITUAL §3, items 1–10): ticked by hand by the Red Team Lead. */
const DEFAULT_MISTAKES = [
  { id: 'double_submit', title: 'A double-submitted order creates two orders' },
  { id: 'stale_price', title: 'An order fills on a stale price after a WebSocket reconnect' },
  { id: 'risk_limit_race', title: 'Concurrent orders slip past a risk limit' },
  { id: 'float_money', title: 'Money is a floating-point number anywhere on the order path' },
  { id: 'session_timezone', title: "Session open/close is computed in the server's zone, not Europe/Istanbul" },
  { id: 'migration_lock', title: 'A migration holds a long table lock during BIST hours' },
  { id: 'secret_in_logs', title: 'A secret or personal data reaches logs or error pages' },
  { id: 'rollback_schema', title: 'The previous version breaks on the new schema after a rollback' },
  { id: 'retry_storm', title: 'Clients retry a 5xx in a storm, without backoff and jitter' },
  { id: 'cold_cache', title: 'A cold cache stampedes the order book right after the deploy' },
];

/** Prices and amounts at their display scale; the expected answer is exact decimal arithmetic with banker's rounding. */
const DEFAULT_DECIMAL_SAMPLES = [
  { value: '312.245', scale: 2 },
  { value: '312.255', scale: 2 },
  { value: '0.125', scale: 2 },
  { value: '0.135', scale: 2 },
  { value: '1999.9950', scale: 2 },
  { value: '-45.675', scale: 2 },
  { value: '0.1000000000000000055511151231257827', scale: 4 },
];

/** The v1.4.0 release's flags (RITUAL §2 check 7): what the platform must show before the canary. */
const DEFAULT_EXPECTED_FLAGS: Record<string, boolean | string> = {
  'orders.idempotency-keys-v2': true,
  'risk.pre-trade-checks-v3': true,
  'ws.delta-frames': true,
  'outbox.dispatcher': 'v2',
  'ui.new-order-ticket': false,
};

/** The run of show's steps before T-0 (RITUAL §7), in the order they come: each offset is how long before T-0. */
export const RUN_OF_SHOW_STEPS = ['changeFreeze', 'warRoom', 'preflight', 'redTeam', 'greenButton'] as const;

const runOfShowSchema = z
  .strictObject({
    offsets: z
      .strictObject({
        changeFreeze: positiveDuration.prefault('30m'),
        warRoom: positiveDuration.prefault('20m'),
        preflight: positiveDuration.prefault('10m'),
        redTeam: positiveDuration.prefault('5m'),
        greenButton: positiveDuration.prefault('2m'),
      })
      .superRefine((o, ctx) => {
        RUN_OF_SHOW_STEPS.forEach((step, i) => {
          const before = RUN_OF_SHOW_STEPS[i - 1];
          if (before !== undefined && o[step] >= o[before]) {
            ctx.addIssue({ code: 'custom', path: [step], message: `must be closer to T-0 than ${before} (${formatDuration(o[before])}), got ${formatDuration(o[step])}` });
          }
        });
      })
      .prefault({}),
    blastRadius: z
      .strictObject({
        url: target.optional(),
        duration: positiveDuration.prefault('30s').refine((ms) => ms <= 5 * 60_000, { error: (iss) => `a micro test runs at most 5m, got ${formatDuration(Number(iss.input))}` }),
        concurrency: wholeNumber(1).default(4).refine((n) => n <= 64, { error: (iss) => `at most 64 requests at once, got ${describeValue(iss.input)}` }),
        requestTimeout: positiveDuration.prefault('5s'),
        thresholds: z
          .strictObject({
            p95: positiveDuration.prefault('200ms'),
            errorRate: z
              .number()
              .gte(0, { error: (iss) => `must be between 0 and 100 %, got ${describeValue(iss.input)}` })
              .lte(100, { error: (iss) => `must be between 0 and 100 %, got ${describeValue(iss.input)}` })
              .default(1),
          })
          .prefault({}),
      })
      .prefault({}),
    greenButton: z.strictObject({ sbom: text.optional(), provenance: text.optional() }).prefault({}),
  })
  .prefault({});

// ---------------------------------------------------------------------------------------------
// The schema
// ---------------------------------------------------------------------------------------------

const baseSchema = z.strictObject({
  locale: z.enum(LOCALES).default('tr'),
  timezone: zone.default('Europe/Istanbul'),
  channels: z
    .strictObject({
      deploys: channel.default('#spark-deploys'),
      incidents: channel.default('#spark-incidents'),
    })
    .prefault({}),
  people: z.record(slackUserId, text).prefault(DEFAULT_PEOPLE),
  roles: z.record(roleName, z.array(slackUserId)).prefault(DEFAULT_ROLES),
  gonogo: z
    .strictObject({
      approvers: z
        .array(roleName)
        .min(1, { error: 'needs at least one approver role' })
        .prefault(['devopsLead', 'cto', 'productOwner', 'securityTeam', 'redTeamLead']),
      timebox: positiveDuration.prefault('10m'),
      reminderAt: positiveDuration.prefault('8m'),
      coverageMin: z
        .number()
        .gte(0, { error: (iss) => `must be between 0 and 100, got ${describeValue(iss.input)}` })
        .lte(100, { error: (iss) => `must be between 0 and 100, got ${describeValue(iss.input)}` })
        .default(95),
      items: z.array(gonogoItemSchema).min(1, { error: 'needs at least one item' }).prefault(DEFAULT_GONOGO_ITEMS),
      ci: target.optional(),
      coverage: target.optional(),
      rollbackMaxAge: positiveDuration.prefault('30d'),
    })
    .prefault({}),
  stages: z
    .array(stageSchema)
    .min(1, { error: 'needs at least one stage' })
    .prefault([
      { weight: 1, hold: '15m' },
      { weight: 5, hold: '15m' },
      { weight: 25, hold: '15m' },
      { weight: 50, hold: '15m' },
      { weight: 100, hold: '30m' },
    ]),
  canary: z
    .strictObject({
      analysisInterval: positiveDuration.prefault('10s'),
      noDataLimit: positiveDuration.prefault('2m'),
      minRequestsPerStage: wholeNumber(0).default(500),
      cardUpdateThrottle: duration.prefault('5s'),
      queryTimeout: positiveDuration.prefault('5s'),
      /** the canary's requests per second; every analysis tick counts this rate × analysisInterval towards minRequestsPerStage */
      requestsQuery: promql.default(Q.requestsPerSecond),
    })
    .prefault({}),
  signals: z.array(signalSchema).min(1, { error: 'needs at least one signal' }).prefault(DEFAULT_SIGNALS),
  triggers: z.array(triggerSchema).prefault(DEFAULT_TRIGGERS),
  firstNight: z
    .strictObject({
      cadence: z
        .array(cadenceWindowSchema)
        .min(1, { error: 'needs at least one window' })
        .prefault([
          { from: '0h', to: '2h', every: '15m' },
          { from: '2h', to: '6h', every: '30m' },
          { from: '6h', to: '12h', every: '1h' },
          { from: '12h', to: '18h', every: '2h' },
          { from: '18h', to: '24h', every: '1h' },
        ]),
      checks: z.array(firstNightCheckSchema).prefault(DEFAULT_FIRST_NIGHT_CHECKS),
      afterBreach: z.strictObject({ every: positiveDuration.prefault('15m'), cleanInARow: wholeNumber(1).default(2) }).prefault({}),
    })
    .prefault({}),
  freeze: z
    .strictObject({
      timezone: zone.default('Europe/Istanbul'),
      bistHours: windowSchema('09:30', '18:00'),
      tradingDays: z
        .array(
          z.number().refine((n) => Number.isInteger(n) && n >= 1 && n <= 7, {
            error: (iss) => `expected an ISO weekday 1 (Monday) … 7 (Sunday), got ${describeValue(iss.input)}`,
          }),
        )
        .prefault([1, 2, 3, 4, 5]),
      holidays: z.array(isoDate).prefault(DEFAULT_HOLIDAYS),
      dstReferenceZones: z.array(zone).prefault(['Europe/London', 'America/New_York']),
      dstMorningWindow: windowSchema('06:00', '10:00'),
      canaryMargin: duration.prefault('15m'),
    })
    .prefault({}),
  escalation: z
    .strictObject({
      levels: z
        .array(escalationLevelSchema)
        .min(1, { error: 'needs at least one level' })
        .prefault([
          { level: 'L1', after: '0m', roles: ['onCall'] },
          { level: 'L2', after: '15m', roles: ['devopsLead', 'cto'] },
          { level: 'L3', after: '30m', roles: ['ic', 'devopsLead', 'cto'], warRoom: true },
        ]),
      statusPageReminder: positiveDuration.prefault('5m'),
      /** an unacknowledged incident is paged again this often; 0m: never */
      repageEvery: duration.prefault('5m'),
      postMortemDue: positiveDuration.prefault('48h'),
      /** reminders this long before the post-mortem's due time (one is also sent at it) */
      postMortemRemindBefore: z.array(positiveDuration).prefault(['24h']),
      /** an overdue post-mortem is reminded this often; 0m: never */
      postMortemOverdueEvery: duration.prefault('24h'),
      /** a page PagerDuty has not accepted for this long gets an @here in the incidents channel */
      pagingFallbackAfter: positiveDuration.prefault('2m'),
      /** the PagerDuty escalation policy whose on-call is named in Slack (with PAGERDUTY_API_TOKEN) */
      pagerdutyEscalationPolicy: text.optional(),
      /** the team's incident template (Markdown, `{{id}}`-style fields filled in), posted in every incident's thread */
      template: text.optional(),
    })
    .prefault({}),
  preflight: z
    .strictObject({
      budget: positiveDuration.prefault('60s'),
      checkTimeout: positiveDuration.prefault('10s'),
      commit: text.optional(),
      targetDatabase: target.optional(),
      timeDrift: z
        .strictObject({ ntpServer: target.optional(), warnAt: positiveDuration.prefault('1s'), failAt: positiveDuration.prefault('3s') })
        .prefault({}),
      pgbouncer: z
        .strictObject({ adminUrl: target.optional(), warnAtPercent: percent.default(75), failAtPercent: percent.default(90) })
        .prefault({}),
      prisma: z
        .strictObject({
          expectedMigrations: wholeNumber(0).optional(),
          /** whether this release changes the database schema; unset: the freeze windows treat it as one */
          schemaChange: z.boolean().optional(),
        })
        .prefault({}),
      headers: z.strictObject({ url: target.optional(), hstsMinMaxAge: positiveDuration.prefault('365d') }).prefault({}),
      sequences: z.strictObject({ warnAtFraction: fraction.default(0.75), failAtFraction: fraction.default(0.9) }).prefault({}),
      flags: z
        .strictObject({ url: target.optional(), expected: z.record(z.string().min(1), z.union([z.boolean(), z.string()])).prefault(DEFAULT_EXPECTED_FLAGS) })
        .prefault({}),
      prometheus: z.strictObject({ expectedJobs: z.array(text).prefault(['spark', 'pgbouncer', 'postgres', 'node']) }).prefault({}),
      bloat: z
        .strictObject({
          deadTupleWarnPercent: percent.default(10),
          deadTupleFailPercent: percent.default(20),
          minTuples: wholeNumber(0).default(1000),
          autovacuumMaxAge: positiveDuration.prefault('24h'),
          connectionCreepPercent: percent.default(25),
        })
        .prefault({}),
    })
    .prefault({}),
  redteam: z
    .strictObject({
      mistakes: z.array(redteamMistakeSchema).length(10, { error: 'needs exactly ten items: the red team list is 1–10 manual, 11–15 automated' }).prefault(DEFAULT_MISTAKES),
      idempotency: z
        .strictObject({
          url: target.optional(),
          requests: wholeNumber(2).default(100),
          keyHeader: text.default('Idempotency-Key'),
          keyVariants: z.array(text).min(1, { error: 'needs at least one variant' }).prefault(['{{key}}']),
          body: text.default('{"symbol":"THYAO","side":"buy","quantity":"10","price":"312.25"}'),
          replayStatus: z.array(wholeNumber(100)).min(1, { error: 'needs at least one status' }).prefault([409]),
        })
        .prefault({}),
      decimal: z
        .strictObject({
          url: target.optional(),
          samples: z.array(decimalSampleSchema).min(1, { error: 'needs at least one sample' }).prefault(DEFAULT_DECIMAL_SAMPLES),
        })
        .prefault({}),
      outboxSkew: z
        .strictObject({
          database: target.optional(),
          query: text.default(
            "SELECT created_at AS produced_at, dispatched_at FROM outbox_events WHERE dispatched_at IS NOT NULL AND dispatched_at > now() - interval '1 hour'",
          ),
          tolerance: positiveDuration.prefault('3s'),
        })
        .prefault({}),
      cspFlood: z.strictObject({ url: target.optional(), requests: wholeNumber(1).default(200), expectStatus: wholeNumber(100).default(429) }).prefault({}),
      sbom: z
        .strictObject({
          previous: target.optional(),
          current: target.optional(),
          deniedLicenses: z.array(text).prefault(['GPL-*', 'AGPL-*', 'LGPL-*', 'SSPL-*']),
        })
        .prefault({}),
    })
    .prefault({}),
  deploy: z
    .strictObject({
      adapter: z.enum(DEPLOY_ADAPTERS).default('none'),
      timeout: positiveDuration.prefault('60s'),
      command: z
        .strictObject({
          setWeight: commandLine(['version', 'weight']),
          weights: commandLine([]),
          commitOf: commandLine(['version']),
          rollback: z.strictObject({
            stop: commandLine(['version', 'target']),
            checkout: commandLine(['version', 'target']),
            rebuild: commandLine(['version', 'target']),
            dbCompat: commandLine(['version', 'target']),
            restart: commandLine(['version', 'target']),
            verifyHealth: commandLine(['version', 'target']),
          }),
          health: commandLine([]),
        })
        .optional(),
      webhook: z.strictObject({ url: target.optional(), secret: secretName.optional(), retries: wholeNumber(0).default(3) }).prefault({}),
    })
    .prefault({}),
  evidence: z
    .strictObject({
      retentionDays: wholeNumber(1).default(90),
    })
    .prefault({}),
  runOfShow: runOfShowSchema,
});

// ---------------------------------------------------------------------------------------------
// Cross-field rules
// ---------------------------------------------------------------------------------------------

type Path = (string | number)[];
interface Ctx {
  value: unknown;
  issues: { path?: PropertyKey[] | undefined }[];
  addIssue(issue: { code: 'custom'; message: string; path: Path }): void;
}

/**
 * The value at `path`, or undefined when it is missing or was already reported as broken. A broken
 * field can still hold its raw input (a bare `10` where a duration was expected): reading it as
 * milliseconds would invent a second, misleading problem.
 */
function at(ctx: Ctx, path: Path): unknown {
  if (flagged(ctx, path)) return undefined;
  let v: unknown = ctx.value;
  for (const seg of path) {
    if (typeof seg === 'number') v = Array.isArray(v) ? v[seg] : undefined;
    else v = isObject(v) ? v[seg] : undefined;
  }
  return v;
}

const rec = (v: unknown): Record<string, unknown> => (isObject(v) ? v : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const dur = (ms: number) => formatDuration(ms);

/** True when an earlier rule already reported a problem at `path` (or below it): don't pile on. */
function flagged(ctx: Ctx, path: Path): boolean {
  return ctx.issues.some((iss) => {
    const p = iss.path ?? [];
    return path.every((seg, i) => p[i] === seg);
  });
}

function uniqueIds(ctx: Ctx, items: unknown[], path: Path, what: string, key = 'id'): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const id = str(rec(item)[key]);
    if (id === undefined) return;
    const first = seen.get(id);
    if (first === undefined) seen.set(id, i);
    else ctx.addIssue({ code: 'custom', path: [...path, i, key], message: `duplicate ${what} "${id}" (also at ${[...path, first].join('.')})` });
  });
}

function checkRoles(ctx: Ctx, cfg: Record<string, unknown>): void {
  // roles itself broken (not a map): already reported; every role would look unknown
  if (!isObject(cfg.roles)) return;
  const roles = cfg.roles;
  const defined = Object.keys(roles);
  const reportedEmpty = new Set<string>();
  const need = (role: string, path: Path, usedBy: string) => {
    const users = roles[role];
    if (!Object.hasOwn(roles, role)) {
      const known = defined.length ? defined.join(', ') : 'none';
      ctx.addIssue({ code: 'custom', path, message: `unknown role "${role}" (roles defines: ${known})` });
    } else if (Array.isArray(users) && users.length === 0 && !reportedEmpty.has(role)) {
      reportedEmpty.add(role);
      ctx.addIssue({ code: 'custom', path: ['roles', role], message: `has no users, but ${usedBy} needs it` });
    }
  };
  if (!Object.hasOwn(roles, IC_ROLE)) {
    ctx.addIssue({ code: 'custom', path: ['roles'], message: `must define the "${IC_ROLE}" role: the IC confirms GO and leads incidents` });
  } else {
    need(IC_ROLE, ['roles', IC_ROLE], 'the ritual');
  }

  const gonogo = rec(cfg.gonogo);
  const approvers = list(gonogo.approvers);
  const seen = new Set<string>();
  approvers.forEach((r, i) => {
    const role = str(r);
    if (role === undefined || flagged(ctx, ['gonogo', 'approvers', i])) return;
    if (seen.has(role)) ctx.addIssue({ code: 'custom', path: ['gonogo', 'approvers', i], message: `"${role}" is listed twice` });
    seen.add(role);
    need(role, ['gonogo', 'approvers', i], 'gonogo.approvers');
  });
  list(gonogo.items).forEach((it, i) => {
    const item = rec(it);
    if (flagged(ctx, ['gonogo', 'items', i])) return;
    if ((item.auto === undefined) === (item.tickedBy === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['gonogo', 'items', i], message: 'needs exactly one of auto (how the bot fills it) or tickedBy (the role that ticks it)' });
    }
    const role = str(item.tickedBy);
    if (role !== undefined && !flagged(ctx, ['gonogo', 'items', i, 'tickedBy'])) need(role, ['gonogo', 'items', i, 'tickedBy'], `go/no-go item ${str(item.id) ?? i}`);
  });

  list(rec(cfg.escalation).levels).forEach((level, li) => {
    list(rec(level).roles).forEach((r, ri) => {
      const role = str(r);
      const path: Path = ['escalation', 'levels', li, 'roles', ri];
      if (role === undefined || flagged(ctx, path)) return;
      need(role, path, `escalation level ${str(rec(level).level) ?? li}`);
    });
  });
}

function checkStages(ctx: Ctx, cfg: Record<string, unknown>): void {
  const stages = list(cfg.stages);
  let prev: number | undefined;
  stages.forEach((_, i) => {
    const w = num(at(ctx, ['stages', i, 'weight']));
    if (w === undefined) {
      prev = undefined;
      return;
    }
    if (prev !== undefined && w <= prev) {
      ctx.addIssue({ code: 'custom', path: ['stages', i, 'weight'], message: `must be greater than the previous stage's ${prev} %, got ${w}` });
    }
    prev = w;
  });
  const lastIndex = stages.length - 1;
  const last = num(at(ctx, ['stages', lastIndex, 'weight']));
  if (last !== undefined && last !== 100) {
    ctx.addIssue({ code: 'custom', path: ['stages', lastIndex, 'weight'], message: `the last stage must be 100 %, got ${last}` });
  }
}

function checkCadence(ctx: Ctx, cfg: Record<string, unknown>): void {
  const base: Path = ['firstNight', 'cadence'];
  let prevEnd: number | undefined = 0;
  list(rec(cfg.firstNight).cadence).forEach((_, i) => {
    const from = num(at(ctx, [...base, i, 'from']));
    const to = num(at(ctx, [...base, i, 'to']));
    if (from !== undefined && prevEnd !== undefined) {
      if (i === 0 && from !== 0) {
        ctx.addIssue({ code: 'custom', path: [...base, 0, 'from'], message: `the first window must start at 0h, got ${dur(from)}` });
      } else if (i > 0 && from !== prevEnd) {
        const kind = from > prevEnd ? 'a gap' : 'an overlap';
        ctx.addIssue({
          code: 'custom',
          path: [...base, i, 'from'],
          message: `must start where the previous window ends (${dur(prevEnd)}), got ${dur(from)}: ${kind}`,
        });
      }
    }
    if (from !== undefined && to !== undefined && to <= from) {
      ctx.addIssue({ code: 'custom', path: [...base, i, 'to'], message: `must be after from (${dur(from)}), got ${dur(to)}` });
    }
    prevEnd = to;
  });
}

function checkEscalation(ctx: Ctx, cfg: Record<string, unknown>): void {
  const levels = list(rec(cfg.escalation).levels);
  uniqueIds(ctx, levels, ['escalation', 'levels'], 'level', 'level');
  let prev: number | undefined;
  levels.forEach((_, i) => {
    const after = num(at(ctx, ['escalation', 'levels', i, 'after']));
    if (after === undefined) {
      prev = undefined;
      return;
    }
    if (i === 0 && after !== 0) {
      ctx.addIssue({ code: 'custom', path: ['escalation', 'levels', 0, 'after'], message: `the first level must page at once (0m), got ${dur(after)}` });
    } else if (i > 0 && prev !== undefined && after <= prev) {
      ctx.addIssue({ code: 'custom', path: ['escalation', 'levels', i, 'after'], message: `must be later than the previous level's ${dur(prev)}, got ${dur(after)}` });
    }
    prev = after;
  });
}

function checkTimes(ctx: Ctx, cfg: Record<string, unknown>): void {
  const timebox = num(at(ctx, ['gonogo', 'timebox']));
  const reminderAt = num(at(ctx, ['gonogo', 'reminderAt']));
  if (timebox !== undefined && reminderAt !== undefined && reminderAt >= timebox) {
    ctx.addIssue({ code: 'custom', path: ['gonogo', 'reminderAt'], message: `must be before the timebox (${dur(timebox)}), got ${dur(reminderAt)}` });
  }

  const interval = num(at(ctx, ['canary', 'analysisInterval']));
  const queryTimeout = num(at(ctx, ['canary', 'queryTimeout']));
  if (interval !== undefined && queryTimeout !== undefined && queryTimeout >= interval) {
    ctx.addIssue({ code: 'custom', path: ['canary', 'queryTimeout'], message: `must be shorter than analysisInterval (${dur(interval)}), got ${dur(queryTimeout)}` });
  }

  const freeze = rec(cfg.freeze);
  for (const key of ['bistHours', 'dstMorningWindow'] as const) {
    const start = str(at(ctx, ['freeze', key, 'start']));
    const end = str(at(ctx, ['freeze', key, 'end']));
    if (start === undefined || end === undefined) continue;
    if (end <= start) ctx.addIssue({ code: 'custom', path: ['freeze', key, 'end'], message: `must be after start (${start}), got ${end}` });
  }
  const days = list(freeze.tradingDays);
  days.forEach((d, i) => {
    if (days.indexOf(d) !== i) ctx.addIssue({ code: 'custom', path: ['freeze', 'tradingDays', i], message: `${describeValue(d)} is listed twice` });
  });
}

function checkDeploy(ctx: Ctx, cfg: Record<string, unknown>): void {
  const adapter = str(at(ctx, ['deploy', 'adapter']));
  const deploy = rec(cfg.deploy);
  if (adapter === 'command' && deploy.command === undefined) {
    ctx.addIssue({ code: 'custom', path: ['deploy', 'command'], message: 'required when deploy.adapter is command: setWeight, weights, commitOf, rollback and health' });
  }
  const webhook = deploy.webhook;
  if (adapter !== 'webhook' || !isObject(webhook)) return;
  for (const key of ['url', 'secret'] as const) {
    if (webhook[key] === undefined) ctx.addIssue({ code: 'custom', path: ['deploy', 'webhook', key], message: 'required when deploy.adapter is webhook' });
  }
}

function crossFieldRules(value: unknown, ctx: Ctx): void {
  const cfg = rec(value);
  uniqueIds(ctx, list(cfg.signals), ['signals'], 'signal id');
  uniqueIds(ctx, list(cfg.triggers), ['triggers'], 'trigger id');
  uniqueIds(ctx, list(rec(cfg.gonogo).items), ['gonogo', 'items'], 'item id');
  uniqueIds(ctx, list(rec(cfg.firstNight).checks), ['firstNight', 'checks'], 'check id');
  checkRoles(ctx, cfg);
  checkStages(ctx, cfg);
  checkCadence(ctx, cfg);
  checkEscalation(ctx, cfg);
  checkTimes(ctx, cfg);
  checkDeploy(ctx, cfg);
}

/** The schema of `spark.config.yml`. Parse with `validateConfig` (load.ts) for readable messages. */
export const configSchema = baseSchema.superRefine((value, ctx) => crossFieldRules(value, ctx as unknown as Ctx), {
  // Run even when fields are broken, so every problem is reported at once; the rules read defensively.
  when: (payload) => isObject(payload.value),
});

export type SparkConfig = z.output<typeof configSchema>;
export type SparkConfigInput = z.input<typeof configSchema>;
export type Stage = SparkConfig['stages'][number];
export type Signal = SparkConfig['signals'][number];
export type Threshold = Signal['threshold'];
export type CadenceWindow = SparkConfig['firstNight']['cadence'][number];
export type FirstNightCheck = SparkConfig['firstNight']['checks'][number];
export type EscalationLevel = SparkConfig['escalation']['levels'][number];
export type GonogoItem = SparkConfig['gonogo']['items'][number];
export type DeployConfig = SparkConfig['deploy'];
export type RunOfShowConfig = SparkConfig['runOfShow'];
/** Each command as argument words, `{placeholder}`s still in them. */
export type DeployCommands = NonNullable<DeployConfig['command']>;

/** The built-in ritual (RITUAL.md v1.4.0): what an empty config file means. */
export function defaultConfig(): SparkConfig {
  return configSchema.parse({});
}

/**
 * Fills `{{version}}` and `{{track}}` in a query. Values are escaped for a PromQL string literal.
 * A placeholder with no value given stays as it is.
 */
export function fillQuery(query: string, values: Partial<Record<Placeholder, string>>): string {
  return query.replace(PLACEHOLDER_RE, (whole, name: string) => {
    const v = (values as Record<string, string | undefined>)[name];
    return v === undefined ? whole : v.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  });
}
