import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Db } from '../store/db.ts';
import { schemaState } from '../store/migrate.ts';
import type { BotMetrics } from './metrics.ts';

export interface Route {
  path: string;
  method: string;
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/** /healthz: the process answers. /readyz: the database answers and its schema is current. /metrics: prom-client. */
export function healthRoutes(db: Db, metrics: BotMetrics): Route[] {
  return [
    { path: '/healthz', method: 'GET', handler: (_req, res) => json(res, 200, { ok: true }) },
    {
      path: '/readyz',
      method: 'GET',
      handler: (_req, res) => {
        schemaState(db).then(
          ({ version, latest }) =>
            version === latest
              ? json(res, 200, { ok: true, schemaVersion: version })
              : json(res, 503, { ok: false, reason: `database schema is v${version}, this build needs v${latest}` }),
          (err: Error) => json(res, 503, { ok: false, reason: `database unreachable: ${err.message}` }),
        );
      },
    },
    {
      path: '/metrics',
      method: 'GET',
      handler: (_req, res) => {
        metrics.registry.metrics().then((text) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(text);
        }, (err: Error) => json(res, 500, { ok: false, reason: err.message }));
      },
    },
  ];
}
