import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type LabelValues } from 'prom-client';
import type { Clock } from '../domain/clock.ts';
import { signalStatuses } from '../domain/canary/machine.ts';
import { isActive, type CanaryState } from '../domain/canary/state.ts';
import { outboxCounts } from '../engine/outbox.ts';
import { timerCounts } from '../engine/timers.ts';
import type { Sql } from '../store/db.ts';

/** The bot's own metrics, served on /metrics in every server mode. */
export interface BotMetrics {
  registry: Registry;
  ackSeconds: Histogram<'kind'>;
  /** `/spark` slash commands received from Slack, by subcommand (`invalid` for one that did not parse) */
  commands: Counter<'command'>;
}

/** Shares one read among the gauges of one scrape; the next scrape reads again. */
function oncePerScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (!pending) {
      pending = read();
      void pending.finally(() => setImmediate(() => (pending = undefined))).catch(() => undefined);
    }
    return pending;
  };
}

type Series<L extends string> = [LabelValues<L>, number][];

/** The unfinished canary (there is at most one) as /metrics reports it. */
interface CanaryNow {
  version: string;
  status: string;
  stage: number;
  weight: number;
  inconclusiveSeconds: number;
  signals: { id: string; value?: number; threshold?: number; missingSeconds: number }[];
}

async function canaryNow(db: Sql, now: Date): Promise<CanaryNow | undefined> {
  const [row] = await db.query<{ state: CanaryState }>('SELECT state FROM canary_run WHERE finished_at IS NULL ORDER BY id DESC LIMIT 1');
  if (!row) return undefined;
  const s = row.state;
  const t = now.getTime();
  const walking = isActive(s.phase) && s.current !== undefined;
  const statuses = s.phase === 'ready' ? [] : signalStatuses(s, walking ? t : (s.lastTickAt ?? t));
  return {
    version: s.version,
    status: s.status,
    stage: s.current?.stage ?? 0,
    weight: s.current?.weight ?? 0,
    // A stage holds as inconclusive from the end of its hold until every signal has data again.
    inconclusiveSeconds: s.phase === 'holding-no-data' && s.current ? Math.max(0, t - s.current.holdEndsAt) / 1000 : 0,
    signals: statuses.map((st) => ({
      id: st.id,
      ...(st.latest !== undefined ? { value: st.latest } : {}),
      ...(st.limit !== undefined ? { threshold: st.limit } : {}),
      missingSeconds: (st.missingForMs ?? 0) / 1000,
    })),
  };
}

/** Every canary that ever started a rollback, by what caused it and, for a trigger, which one. */
async function canaryRollbacks(db: Sql): Promise<{ cause: string; trigger: string | null; n: number }[]> {
  return db.query(
    `SELECT state->'rollback'->'cause'->>'kind' AS cause, state->'rollback'->'cause'->'trigger'->>'id' AS trigger, count(*)::int AS n
     FROM canary_run WHERE state->'rollback' IS NOT NULL GROUP BY 1, 2`,
  );
}

/** Incidents not resolved yet, by the highest level reached and severity. */
async function openIncidents(db: Sql): Promise<{ level: string; severity: string; n: number }[]> {
  return db.query(`SELECT level, severity, count(*)::int AS n FROM incident WHERE status <> 'resolved' GROUP BY 1, 2`);
}

/** Undelivered outbox rows whose latest attempt failed (being retried), by target: `slack.post` → slack. */
async function failingDeliveries(db: Sql): Promise<Map<string, number>> {
  const rows = await db.query<{ target: string; n: number }>(
    `SELECT split_part(kind, '.', 1) AS target, count(*)::int AS n FROM outbox
     WHERE state = 'pending' AND attempts > 0 AND last_error IS NOT NULL GROUP BY 1`,
  );
  const byTarget = new Map([['slack', 0], ['pagerduty', 0]]);
  for (const r of rows) byTarget.set(r.target, r.n);
  return byTarget;
}

export function createMetrics(db: Sql, clock: Clock): BotMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const ackSeconds = new Histogram({
    name: 'spark_ack_duration_seconds',
    help: 'Time from receiving a Slack request to acknowledging it, by kind (command, action, view).',
    labelNames: ['kind'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const commands = new Counter({
    name: 'spark_commands_total',
    help: 'Slash commands received from Slack, by /spark subcommand (invalid: it did not parse).',
    labelNames: ['command'],
    registers: [registry],
  });
  // Read from the database at scrape time (every replica reports the shared truth), each table once per scrape.
  const outbox = oncePerScrape(() => outboxCounts(db, clock.now()));
  const timers = oncePerScrape(() => timerCounts(db, clock.now()));
  const canary = oncePerScrape(() => canaryNow(db, clock.now()));
  const gauge = (name: string, help: string, read: () => Promise<number>) =>
    new Gauge({ name, help, registers: [registry], async collect() { this.set(await read()); } });
  const labelled = <L extends string>(name: string, help: string, labelNames: L[], read: () => Promise<Series<L>>) =>
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const series = await read();
        // Series of a canary that finished or an incident that was resolved since the last scrape disappear.
        this.reset();
        for (const [labels, value] of series) this.set(labels, value);
      },
    });

  gauge('spark_outbox_pending', 'Outbox rows not yet delivered.', async () => (await outbox()).pending);
  gauge('spark_outbox_parked', 'Outbox rows that kept failing and were parked (kept, not dropped).', async () => (await outbox()).parked);
  gauge('spark_outbox_lag_seconds', 'Age of the oldest undelivered outbox row.', async () => (await outbox()).lagSeconds);
  labelled('spark_outbox_failing', 'Undelivered outbox rows whose latest delivery attempt failed (being retried), by target.', ['target'], async () =>
    [...(await failingDeliveries(db))].map(([target, n]) => [{ target }, n]),
  );
  gauge('spark_timers_pending', 'Durable timers waiting to run.', async () => (await timers()).pending);
  gauge('spark_timers_parked', 'Durable timers that kept failing and were parked.', async () => (await timers()).parked);
  gauge('spark_timer_lag_seconds', 'How late the most overdue timer is.', async () => (await timers()).lagSeconds);

  const ofCanary = <L extends string>(pick: (c: CanaryNow) => Series<L>) => async (): Promise<Series<L>> => {
    const c = await canary();
    return c ? pick(c) : [];
  };
  labelled('spark_canary_stage', 'Stage (1-based) of the unfinished canary; 0 before it starts.', ['version'], ofCanary((c) => [[{ version: c.version }, c.stage]]));
  labelled('spark_canary_weight_percent', "Traffic percentage of the unfinished canary's stage.", ['version'], ofCanary((c) => [[{ version: c.version }, c.weight]]));
  labelled('spark_canary_status', 'The unfinished canary\'s status (running, holding-no-data, extending, paused, rolling-back, rollback-failed, …): 1.', ['version', 'status'],
    ofCanary((c) => [[{ version: c.version, status: c.status }, 1]]),
  );
  labelled('spark_canary_inconclusive_seconds', "How long the canary has held a stage whose hold ended because a signal had no data; 0 while it is not.", ['version'],
    ofCanary((c) => [[{ version: c.version }, c.inconclusiveSeconds]]),
  );
  labelled('spark_canary_signal_value', "A golden signal's latest value measured by the unfinished canary.", ['version', 'signal'],
    ofCanary((c) => c.signals.flatMap((s) => (s.value === undefined ? [] : [[{ version: c.version, signal: s.id }, s.value]]))),
  );
  labelled('spark_canary_signal_threshold', "The limit a golden signal's stage value is judged against (a baseline-relative one resolved).", ['version', 'signal'],
    ofCanary((c) => c.signals.flatMap((s) => (s.threshold === undefined ? [] : [[{ version: c.version, signal: s.id }, s.threshold]]))),
  );
  labelled('spark_canary_signal_missing_seconds', 'How long a golden signal has been without data; 0 while it has data.', ['version', 'signal'],
    ofCanary((c) => c.signals.map((s) => [{ version: c.version, signal: s.id }, s.missingSeconds])),
  );
  const rollbacks = oncePerScrape(() => canaryRollbacks(db));
  labelled('spark_canary_rollbacks', 'Canaries that started a rollback, by cause (trigger, no-data, stage-failed, manual), all time.', ['cause'], async () => {
    const byCause = new Map([['trigger', 0], ['no-data', 0], ['stage-failed', 0], ['manual', 0]]);
    for (const r of await rollbacks()) byCause.set(r.cause, (byCause.get(r.cause) ?? 0) + r.n);
    return [...byCause].map(([cause, n]) => [{ cause }, n]);
  });
  labelled('spark_canary_trigger_rollbacks', 'Canaries rolled back by an auto-rollback trigger, by the trigger that fired, all time.', ['trigger'], async () =>
    (await rollbacks()).flatMap((r) => (r.trigger === null ? [] : [[{ trigger: r.trigger }, r.n]])),
  );
  labelled('spark_incidents_open', 'Incidents not resolved yet, by the highest escalation level reached and severity.', ['level', 'severity'], async () =>
    (await openIncidents(db)).map((r) => [{ level: r.level, severity: r.severity }, r.n]),
  );
  return { registry, ackSeconds, commands };
}
