import pg from 'pg';

/**
 * A platform database with the faults preflight must see: a failed Prisma migration, a sequence behind its
 * column (restored without setval), and a table 40 % dead tuples with autovacuum off.
 */
export async function seedTarget(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`CREATE TABLE "_prisma_migrations" (id varchar(36) PRIMARY KEY, checksum varchar(64) NOT NULL, finished_at timestamptz,
      migration_name varchar(255) NOT NULL, logs text, rolled_back_at timestamptz, started_at timestamptz NOT NULL DEFAULT now(), applied_steps_count int NOT NULL DEFAULT 0)`);
    await c.query(`INSERT INTO _prisma_migrations (id, checksum, migration_name, finished_at, logs) VALUES
      ('1', 'x', '20250912101500_init', now(), NULL),
      ('2', 'x', '20251020143000_orders', now(), NULL),
      ('3', 'x', '20261110103000_order_idempotency_v2', NULL, 'ERROR: column "idempotency_key" contains null values')`);
    await c.query('CREATE TABLE orders (id bigserial PRIMARY KEY, note text)');
    await c.query("INSERT INTO orders (note) SELECT 'o' || g FROM generate_series(1, 100) g");
    await c.query("SELECT setval('orders_id_seq', 40)");
    await c.query('CREATE TABLE order_events (id int, payload text) WITH (autovacuum_enabled = false)');
    await c.query("INSERT INTO order_events SELECT g, repeat('x', 40) FROM generate_series(1, 10000) g");
    await c.query('DELETE FROM order_events WHERE id % 10 < 4');
    await c.query('SELECT pg_stat_force_next_flush()');
  } finally {
    await c.end();
  }
}
