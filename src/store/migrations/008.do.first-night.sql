-- The first night (RITUAL §6): 24 h of scheduled snapshots after a canary released its version at 100 %.
-- One row per released canary; the state (the schedule's three numbers, the night folded so far, the rules it
-- started with) rides in `state`, and the durable timers (`first-night.snapshot`, `first-night.close`) drive it.
CREATE TABLE first_night (
  id             bigserial PRIMARY KEY,
  version        text NOT NULL,
  canary_run_id  bigint NOT NULL,
  channel        text NOT NULL,
  -- T+0: the moment stage 5 passed
  released_at    timestamptz NOT NULL,
  state          jsonb NOT NULL,
  -- running, ended
  status         text NOT NULL,
  started_at     timestamptz NOT NULL,
  ended_at       timestamptz
);
-- One night per released canary: starting it again finds the first.
CREATE UNIQUE INDEX first_night_canary_run ON first_night (canary_run_id);
CREATE INDEX first_night_version ON first_night (version, id DESC);
CREATE INDEX first_night_running ON first_night (id) WHERE status = 'running';
