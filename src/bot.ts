import { createRouter } from './chat/router.ts';
import { consolePeople } from './chat/console/people.ts';
import { runConsole } from './chat/console/surface.ts';
import type { SparkConfig } from './config/schema.ts';
import { systemClock } from './adapters/system-clock.ts';
import type { Settings } from './env.ts';
import type { Logger } from './log.ts';
import { migrate } from './store/migrate.ts';
import { openDatabase } from './store/open.ts';

export interface BotOptions {
  settings: Settings;
  config: SparkConfig;
  configSource: string;
  log: Logger;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
}

/** The composition root: opens the database, builds the router, and starts the surface the environment asks for. */
export async function runBot({ settings, config, configSource, log, stdin, stdout }: BotOptions): Promise<void> {
  const db = await openDatabase(settings.databaseUrl, settings.dataDir);
  const { applied } = await migrate(db);
  if (applied.length) log.info({ applied }, 'database migrated');
  const mode = settings.mode;
  const status = { db, mode: mode.kind, configSource };
  const router = createRouter({ ...status, clock: systemClock, log });

  if (mode.kind === 'console') {
    await runConsole({ router, people: consolePeople(config), channel: config.channels.deploys, input: stdin as never, output: stdout as never, interactive: Boolean(stdin.isTTY) });
    await db.close();
    return;
  }

  // Loaded only here: Bolt alone takes ~0.4 s to import, which the console never needs.
  const [{ startSlack }, { healthRoutes }, { createMetrics }] = await Promise.all([
    import('./chat/slack/app.ts'),
    import('./server/health.ts'),
    import('./server/metrics.ts'),
  ]);
  const metrics = createMetrics();
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
  await slack.stop();
  await db.close();
}
