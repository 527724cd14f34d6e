import { hostname } from 'node:os';
import { systemClock } from './adapters/system-clock.ts';
import { pagerdutyEvents } from './adapters/pagerduty-events.ts';
import { unconfiguredPager } from './adapters/unconfigured-pager.ts';
import { VirtualClock } from './adapters/virtual-clock.ts';
import { consolePeople } from './chat/console/people.ts';
import { shownPager } from './chat/console/pager.ts';
import { Screen } from './chat/console/screen.ts';
import { runConsole } from './chat/console/surface.ts';
import { createRouter } from './chat/router.ts';
import { restoreCanaries, type CanaryDeps } from './app/canary/run.ts';
import { canaryTimers } from './app/canary/timers.ts';
import { restoreFirstNights } from './app/first-night/run.ts';
import { firstNightTimers } from './app/first-night/timers.ts';
import { blastRadiusSource } from './app/run-of-show/blast-radius.ts';
import { runOfShowTimers } from './app/run-of-show/timers.ts';
import { hourlyEvidence } from './app/first-night/hourly.ts';
import { openOnFirstNightBreach } from './app/incident/auto.ts';
import { restoreIncidents } from './app/incident/run.ts';
import { incidentTimers } from './app/incident/timers.ts';
import { pagerdutyOnCall } from './adapters/pagerduty-oncall.ts';
import type { OnCallDirectory } from './ports/on-call.ts';
import { GONOGO_CLOCK, gonogoClock } from './app/gonogo/decide.ts';
import { configuredReleaseFacts } from './app/gonogo/sources.ts';
import { namesFrom, type Ritual } from './app/ritual.ts';
import { simReleaseFacts } from './sim/release.ts';
import { configuredRedteamSources, simulatedRedteamSources } from './app/redteam/sources.ts';
import { closeInterruptedRuns } from './app/preflight/interrupted.ts';
import { configuredSources, simulatedSources } from './app/preflight/sources.ts';
import type { EvidenceStore } from './evidence/files.ts';
import { evidenceKeyFrom, loadOrCreateLocalKey } from './evidence/key.ts';
import { pruneEvidence } from './evidence/prune.ts';
import type { SparkConfig } from './config/schema.ts';
import type { ChatDelivery } from './engine/delivery.ts';
import { createEngine } from './engine/engine.ts';
import { DEFAULT_RETRY } from './engine/retry.ts';
import type { Settings } from './env.ts';
import type { Logger } from './log.ts';
import type { Db } from './store/db.ts';
import { migrate } from './store/migrate.ts';
import { openDatabase } from './store/open.ts';
import type { Clock } from './domain/clock.ts';
import { pruneOld } from './app/housekeeping.ts';
import { postgresCoordinator, startWallClockJobs } from './engine/wall-clock.ts';
import type { Pager } from './ports/pager.ts';
import { createSimPlatform } from './sim/platform.ts';

/** PagerDuty's REST API names who is on call when a token and the escalation policy are both set. */
function onCallOf({ pagerdutyApi }: Settings, config: SparkConfig, log: Logger): OnCallDirectory | undefined {
  const policy = config.escalation.pagerdutyEscalationPolicy;
  if (pagerdutyApi && !policy) log.warn('PAGERDUTY_API_TOKEN is set but escalation.pagerdutyEscalationPolicy is not: the on-call is not looked up');
  if (!pagerdutyApi || !policy) return undefined;
  return pagerdutyOnCall({ token: pagerdutyApi.token, escalationPolicyId: policy, ...(pagerdutyApi.apiUrl ? { apiUrl: pagerdutyApi.apiUrl } : {}) });
}

/** PagerDuty's Events API v2 when a routing key is set; otherwise every page is refused, parked and said in Slack. */
const pagerOf = ({ pagerduty }: Settings): Pager =>
  pagerduty ? pagerdutyEvents({ routingKey: pagerduty.routingKey, ...(pagerduty.eventsUrl ? { eventsUrl: pagerduty.eventsUrl } : {}) }) : unconfiguredPager;

/** How far a console script's future is played in virtual time: a canary and its first night. */
const SCRIPT_HORIZON_MS = 26 * 3_600_000;

export interface BotOptions {
  settings: Settings;
  config: SparkConfig;
  configSource: string;
  log: Logger;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
}

async function wire(db: Db, clock: Clock, chat: ChatDelivery, pager: Pager, ritual: Ritual, { settings, configSource, log, config }: BotOptions) {
  const interrupted = await closeInterruptedRuns(db, ritual.evidence.key, clock.now(), config.preflight.budget);
  if (interrupted) log.warn({ runs: interrupted }, 'preflight runs interrupted by a stop were closed as interrupted');
  const wake = () => engine.wake();
  const canary: CanaryDeps = { ...ritual, metrics: ritual.sources.metrics, deploy: ritual.sources.deploy, db, clock, log, wake };
  const engine = createEngine({
    db,
    clock,
    chat,
    pager,
    log,
    worker: `${hostname()}:${process.pid}`,
    handlers: {
      [GONOGO_CLOCK]: gonogoClock({ ...ritual, db, clock, wake }),
      ...canaryTimers(canary),
      ...firstNightTimers(canary, { onBreach: (tx, breach) => openOnFirstNightBreach(tx, canary, breach) }),
      ...incidentTimers(canary),
      ...runOfShowTimers({ ...ritual, db, clock, log, wake }, blastRadiusSource(config, process.env)),
    },
    alertChannel: config.channels.deploys,
    // A timer's lease outlives its longest step (a call to the deploy target; the run of show's preflight or burst),
    // so another replica never runs a slow rollback step or a preflight again.
    policy: { leaseMs: Math.max(DEFAULT_RETRY.leaseMs, 2 * config.deploy.timeout, 2 * config.preflight.budget, 2 * (config.runOfShow.blastRadius.duration + config.runOfShow.blastRadius.requestTimeout)) },
  });
  await restoreCanaries(canary);
  await restoreFirstNights(canary);
  await restoreIncidents(canary);
  const status = { db, mode: settings.mode.kind, configSource };
  const router = createRouter({ ...status, clock, log, wake: engine.wake, ritual });
  return { engine, router, status };
}

/** The composition root: opens the database, builds the engine and the router, and starts the surface the environment asks for. */
export async function runBot(opts: BotOptions): Promise<void> {
  const { settings, config, log } = opts;
  const db = await openDatabase(settings.databaseUrl, settings.dataDir);
  const { applied } = await migrate(db);
  if (applied.length) log.info({ applied }, 'database migrated');
  const mode = settings.mode;
  const evidence: EvidenceStore = {
    dir: settings.evidenceDir,
    key: settings.hmacKey ? evidenceKeyFrom(settings.hmacKey) : await loadOrCreateLocalKey(settings.dataDir),
  };

  if (mode.kind === 'console') {
    const interactive = Boolean(opts.stdin.isTTY);
    // A script on stdin runs in virtual time: what it starts is fast-forwarded to its end when the script ends.
    const clock = interactive ? systemClock : new VirtualClock(systemClock.now());
    const screen = new Screen(opts.stdout as never);
    const sim = createSimPlatform({ config, clock });
    const ritual = { config, host: hostname(), evidence, sources: simulatedSources(sim), redteam: simulatedRedteamSources(), release: simReleaseFacts, nameOf: namesFrom(config) };
    const { engine, router } = await wire(db, clock, screen.delivery, shownPager(sim.pager, screen), ritual, opts);
    if (interactive) engine.start();
    await runConsole({ router, screen, people: consolePeople(config), channel: config.channels.deploys, input: opts.stdin as never, interactive, settle: async () => void (await engine.runDue()) });
    if (clock instanceof VirtualClock) {
      // An incident nobody resolves reminds for ever: the script's future is played up to a horizon, and says so.
      const horizon = new Date(clock.now().getTime() + SCRIPT_HORIZON_MS);
      await engine.fastForward(clock, horizon);
      if (await engine.nextWakeAt()) screen.print(`Stopped ${SCRIPT_HORIZON_MS / 3_600_000} h of virtual time after the script (${horizon.toISOString()}): work is still scheduled, e.g. an incident nobody resolved.`);
    }
    await engine.stop();
    await db.close();
    return;
  }

  // Loaded only here: Bolt alone takes ~0.4 s to import, which the console never needs.
  const [{ startSlack }, { healthRoutes }, { createMetrics }, { slackDelivery }] = await Promise.all([
    import('./chat/slack/app.ts'),
    import('./server/health.ts'),
    import('./server/metrics.ts'),
    import('./adapters/slack-delivery.ts'),
  ]);
  const ritual = {
    config,
    host: hostname(),
    evidence,
    sources: configuredSources(config, process.env, settings.prometheusUrl),
    redteam: configuredRedteamSources(config, process.env),
    release: configuredReleaseFacts(config, process.env),
    nameOf: namesFrom(config),
    onCall: onCallOf(settings, config, log),
  };
  const { engine, router, status } = await wire(db, systemClock, slackDelivery(mode.botToken, settings.slackApiUrl), pagerOf(settings), ritual, opts);
  const metrics = createMetrics(db, systemClock);
  engine.start();
  const jobs = startWallClockJobs(
    [
      {
        name: 'housekeeping',
        cron: '30 3 * * *',
        timezone: config.timezone,
        run: async () => {
          const now = systemClock.now();
          const engineRows = await pruneOld(db, now);
          const evidenceFiles = await db.transaction((tx) => pruneEvidence(tx, evidence, now, config.evidence.retentionDays, 'spark-housekeeping'));
          log.info({ ...engineRows, evidence: evidenceFiles }, 'housekeeping done');
        },
      },
      {
        name: 'first-night-hourly',
        cron: '0 * * * *',
        timezone: config.timezone,
        run: async () => {
          const versions = await hourlyEvidence({ ...ritual, db, clock: systemClock });
          if (versions.length > 0) log.info({ versions }, 'first-night hourly evidence sealed');
        },
      },
    ],
    postgresCoordinator(db, systemClock),
    log,
  );
  const slack = await startSlack({
    mode,
    slackApiUrl: settings.slackApiUrl,
    router,
    status,
    clock: systemClock,
    routes: healthRoutes(db, metrics),
    metrics,
    log,
  });
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'stopping');
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  for (const job of jobs) await job.stop();
  await slack.stop();
  await engine.stop();
  await db.close();
}
