import { execFileSync, spawn } from 'node:child_process';
import { accessSync, chownSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './bot-process.ts';

const PGBOUNCER = '/usr/sbin/pgbouncer';
const READY_WITHIN_MS = 10_000;
const STOP_WITHIN_MS = 5_000;

export interface RunningPgBouncer {
  port: number;
  /** the admin console (database `pgbouncer`) */
  adminUrl: string;
  /** a pooled database behind it */
  url(db: string): string;
  stop(): Promise<void>;
}

/** pgBouncer refuses to run as root: as root it runs as `postgres`, which must own its files. */
function runAs(dir: string): string[] {
  if (process.getuid?.() !== 0) return [];
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
  chownSync(dir, id('-u'), id('-g'));
  return ['-u', 'postgres'];
}

/**
 * Debian's pgbouncer on a free loopback port, in front of the PostgreSQL at `postgresUrl` (trust auth, as
 * that server's user). Every database is pooled with `poolSize` server connections.
 */
export async function startPgBouncer(opts: { postgresUrl: string; poolSize?: number; poolMode?: 'session' | 'transaction' }): Promise<RunningPgBouncer> {
  try {
    accessSync(PGBOUNCER, constants.X_OK);
  } catch {
    throw new Error('pgbouncer is not installed (apt-get install pgbouncer)');
  }
  const server = new URL(opts.postgresUrl);
  const user = decodeURIComponent(server.username) || 'postgres';
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'spark-pgbouncer-'));
  const ini = join(dir, 'pgbouncer.ini');
  writeFileSync(join(dir, 'users.txt'), `"${user}" ""\n`);
  writeFileSync(
    ini,
    [
      '[databases]',
      `* = host=${server.hostname} port=${server.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      // trust still wants the user in auth_file
      'auth_type = trust',
      `auth_file = ${join(dir, 'users.txt')}`,
      `admin_users = ${user}`,
      `pool_mode = ${opts.poolMode ?? 'session'}`,
      `default_pool_size = ${opts.poolSize ?? 2}`,
      `pidfile = ${join(dir, 'pgbouncer.pid')}`,
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      '',
    ].join('\n'),
  );
  const args = runAs(dir);

  // In the foreground (no -d), so the test owns the process and reaps it.
  const proc = spawn(PGBOUNCER, [...args, ini], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const log = () => {
    try {
      return readFileSync(join(dir, 'pgbouncer.log'), 'utf8');
    } catch {
      return '';
    }
  };
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM'); // pgBouncer's immediate shutdown
      const killer = setTimeout(() => proc.kill('SIGKILL'), STOP_WITHIN_MS);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const at = (db: string) => `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/${db}`;
  const adminUrl = at('pgbouncer');
  const deadline = Date.now() + READY_WITHIN_MS;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      const out = log();
      await stop();
      throw new Error(`pgbouncer exited before accepting connections:\n${out}`);
    }
    const probe = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 1_000 });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.query('SHOW VERSION');
      await probe.end();
      break;
    } catch (err) {
      await probe.end().catch(() => undefined);
      if (Date.now() > deadline) {
        const out = log();
        await stop();
        throw new Error(`pgbouncer did not accept connections within ${READY_WITHIN_MS} ms: ${(err as Error).message}\n${out}`);
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  return { port, adminUrl, url: at, stop };
}
