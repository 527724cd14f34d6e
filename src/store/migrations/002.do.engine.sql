-- Durable timers: "do X at time T", claimed by one replica at a time through a lease.
CREATE TABLE timer (
  id           bigserial PRIMARY KEY,
  key          text NOT NULL UNIQUE,
  kind         text NOT NULL,
  due_at       timestamptz NOT NULL,
  payload      jsonb NOT NULL DEFAULT '{}',
  state        text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'cancelled', 'parked')),
  attempts     int NOT NULL DEFAULT 0,
  leased_by    text,
  lease_until  timestamptz,
  last_error   text,
  created_at   timestamptz NOT NULL,
  finished_at  timestamptz
);
CREATE INDEX timer_due ON timer (due_at) WHERE state = 'pending';

-- The transactional outbox: what to tell Slack or PagerDuty, written with the state change that caused it,
-- delivered in order within a stream (a channel, a PagerDuty dedup key).
CREATE TABLE outbox (
  id               bigserial PRIMARY KEY,
  stream           text NOT NULL,
  kind             text NOT NULL,
  payload          jsonb NOT NULL,
  ref              text UNIQUE,
  state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'parked')),
  attempts         int NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL,
  leased_by        text,
  lease_until      timestamptz,
  last_error       text,
  result           jsonb,
  created_at       timestamptz NOT NULL,
  delivered_at     timestamptz
);
CREATE INDEX outbox_pending ON outbox (stream, id) WHERE state = 'pending';

-- One row per run of a wall-clock job slot: the replica that inserts it runs the job.
CREATE TABLE cron_run (
  key          text PRIMARY KEY,
  started_at   timestamptz NOT NULL,
  finished_at  timestamptz
);
