import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import bolt, { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { StatusContext } from '../../app/status.ts';
import type { Clock } from '../../domain/clock.ts';
import type { Mode } from '../../env.ts';
import type { Logger } from '../../log.ts';
import type { Route } from '../../server/health.ts';
import type { BotMetrics } from '../../server/metrics.ts';
import type { Router } from '../router.ts';
import { registerActions } from './actions.ts';
import { registerCommands } from './commands.ts';
import { registerHome } from './home.ts';
import { registerViews } from './views.ts';
import { createSurface, receivedAt } from './surface.ts';

const { App, HTTPReceiver, SocketModeReceiver } = bolt;

export interface SlackDeps {
  mode: Exclude<Mode, { kind: 'console' }>;
  slackApiUrl: string | undefined;
  router: Router;
  status: StatusContext;
  clock: Clock;
  routes: Route[];
  metrics: BotMetrics;
  log: Logger;
}

export interface RunningSlack {
  /** The HTTP port actually bound (PORT=0 picks a free one). */
  port: number;
  stop(): Promise<void>;
}

function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  return {
    debug: (...m) => log.debug(m.join(' ')),
    info: (...m) => log.info(m.join(' ')),
    warn: (...m) => log.warn(m.join(' ')),
    error: (...m) => log.error(m.join(' ')),
    setLevel: (l) => void (level = l),
    getLevel: () => level,
    setName: () => undefined,
  };
}

/** Checks the bot token once, awaited, so a bad token stops start-up with one clear line instead of a crash later. */
async function whoAmI(token: string, slackApiUrl: string | undefined): Promise<{ botId: string; botUserId: string }> {
  const client = new WebClient(token, { slackApiUrl, retryConfig: { retries: 2, maxTimeout: 2000 } });
  try {
    const me = await client.auth.test();
    return { botId: String(me.bot_id), botUserId: String(me.user_id) };
  } catch (err) {
    throw new Error(`Slack rejected SLACK_BOT_TOKEN (auth.test: ${(err as Error).message})`);
  }
}

export async function startSlack(deps: SlackDeps): Promise<RunningSlack> {
  const { mode, slackApiUrl, router, metrics, log } = deps;
  const logger = boltLogger(log.child({ surface: 'slack' }));
  const ids = await whoAmI(mode.botToken, slackApiUrl);
  // Each client gets its own options object: the Socket Mode client writes its own retry policy into the one it is given.
  const clientOptions = () => ({ slackApiUrl, logger });
  const receiver =
    mode.kind === 'http'
      ? new HTTPReceiver({ signingSecret: mode.signingSecret, customRoutes: deps.routes, customPropertiesExtractor: receivedAt, logger })
      : new SocketModeReceiver({
          appToken: mode.appToken,
          customPropertiesExtractor: receivedAt,
          installerOptions: { clientOptions: clientOptions() },
          logger,
        });
  const app = new App({ token: mode.botToken, ...ids, receiver, clientOptions: clientOptions(), logger });
  app.error(async (err) => log.error({ err }, 'Slack listener failed'));

  const surface = createSurface(metrics, log);
  registerCommands(app, router, surface);
  registerActions(app, router, surface);
  registerViews(app, router, surface);
  registerHome(app, deps.status, deps.clock, log);

  let server: Server;
  if (receiver instanceof HTTPReceiver) {
    server = await receiver.start(mode.port);
  } else {
    // Socket Mode receives over a WebSocket; the health routes get a server of our own, so a busy port is one clear error.
    server = await serveRoutes(deps.routes, mode.port);
    await receiver.start().catch((err: Error) => {
      server.close();
      throw new Error(`Slack refused SLACK_APP_TOKEN (apps.connections.open: ${err.message})`);
    });
  }
  const port = (server.address() as AddressInfo).port;
  log.info({ mode: mode.kind, port }, `Slack ${mode.kind === 'http' ? 'HTTP' : 'Socket Mode'} surface up; /healthz /readyz /metrics on port ${port}`);
  return {
    port,
    async stop() {
      await app.stop();
      if (server.listening) await new Promise((resolve) => server.close(resolve));
    },
  };
}

function serveRoutes(routes: Route[], port: number): Promise<Server> {
  const server = createServer((req, res) => {
    const route = routes.find((r) => r.path === req.url?.split('?')[0] && r.method === req.method);
    if (route) return route.handler(req, res);
    res.writeHead(404).end();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
}
