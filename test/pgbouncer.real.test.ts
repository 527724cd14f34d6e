import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pgBouncerAdmin } from '../src/adapters/pgbouncer-admin.ts';
import { SourceError } from '../src/ports/errors.ts';
import type { PoolRow } from '../src/ports/pgbouncer.ts';
import { freePort } from './support/bot-process.ts';
import { scratchDatabase } from './support/db.ts';
import { startPgBouncer, type RunningPgBouncer } from './support/pgbouncer.ts';

const server = process.env.TEST_DATABASE_URL!;
const POLL = { timeout: 10_000, interval: 50 };

describe("pgBouncer's pools, read from a real admin console", () => {
  let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
  let bouncer: RunningPgBouncer;
  let dbName: string;
  const clients: pg.Client[] = [];

  beforeAll(async () => {
    scratch = await scratchDatabase(server);
    dbName = new URL(scratch.url).pathname.slice(1);
    bouncer = await startPgBouncer({ postgresUrl: server, poolSize: 2, poolMode: 'session' });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await bouncer?.stop();
    await scratch?.drop();
  });

  const poolOf = async (db: string): Promise<PoolRow> => {
    const rows = await pgBouncerAdmin(bouncer.adminUrl).pools();
    const row = rows.find((p) => p.database === db);
    if (!row) throw new Error(`no pool for ${db} in ${JSON.stringify(rows)}`);
    return row;
  };

  it('shows a full pool and the client waiting for it, then the queue drained', async () => {
    const client = () => {
      const c = new pg.Client({ connectionString: bouncer.url(dbName) });
      c.on('error', () => undefined);
      clients.push(c);
      return c;
    };
    // In session mode a client keeps its server connection until it disconnects: two clients fill the pool.
    const [first, second] = [client(), client()];
    for (const c of [first, second]) {
      await c.connect();
      await c.query('SELECT 1');
    }
    const third = client();
    const thirdServed = third.connect().then(() => third.query('SELECT 1'));

    const full = await vi.waitFor(async () => {
      const p = await poolOf(dbName);
      if (p.cl_waiting < 1) throw new Error(`no client waiting yet: ${JSON.stringify(p)}`);
      return p;
    }, POLL);
    expect(full).toMatchObject({ database: dbName, user: 'postgres', pool_mode: 'session', pool_size: 2, sv_active: 2, cl_active: 2, cl_waiting: 1 });
    expect(full.maxwait).toBeGreaterThanOrEqual(0);

    await first.end();
    await thirdServed;
    await Promise.all([second.end(), third.end()]);
    const drained = await vi.waitFor(async () => {
      const p = await poolOf(dbName);
      if (p.cl_active + p.cl_waiting > 0) throw new Error(`clients still counted: ${JSON.stringify(p)}`);
      return p;
    }, POLL);
    expect(drained).toMatchObject({ cl_waiting: 0, sv_active: 0, pool_size: 2 });
  });

  it("lists the pooled databases and leaves out the admin console's own pseudo-database", async () => {
    const c = new pg.Client({ connectionString: bouncer.url(dbName) });
    await c.connect();
    await c.query('SELECT 1');
    await c.end();
    const rows = await pgBouncerAdmin(bouncer.adminUrl).pools();
    expect(rows.map((p) => p.database)).toEqual([dbName]);
    const stats = await pgBouncerAdmin(bouncer.adminUrl).stats();
    expect(stats.map((r) => r.database)).toEqual([dbName]);
    expect(stats[0]).toEqual({ database: dbName, xactsPerSecond: expect.any(Number), avgQueryMs: expect.any(Number), avgWaitMs: expect.any(Number) });
    expect(stats[0]!.avgQueryMs).toBeGreaterThanOrEqual(0);
  });

  it('fails an unreachable console with a SourceError that keeps the password out of its message', async () => {
    const closed = await freePort();
    const err = await pgBouncerAdmin(`postgres://stats:hunter2-secret@127.0.0.1:${closed}/pgbouncer`, { timeoutMs: 2_000 })
      .pools()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect((err as Error).message).not.toContain('hunter2-secret');
    expect((err as Error).message).toContain(`stats:***@127.0.0.1:${closed}/pgbouncer`);
  });
});
