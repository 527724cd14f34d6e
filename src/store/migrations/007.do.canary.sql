-- Canaries (RITUAL §5): the pure canary (src/domain/canary) stored as it is, one row per `/spark canary <version>`.
-- One at a time, whatever the version: the index below is the lock, and it survives restarts.
CREATE TABLE canary_run (
  id           bigserial PRIMARY KEY,
  version      text NOT NULL,
  channel      text NOT NULL,
  state        jsonb NOT NULL,
  status       text NOT NULL,
  -- where a rollback takes the traffic: the stable version when the canary started
  rollback_to  text NOT NULL,
  started_at   timestamptz NOT NULL,
  started_by   text NOT NULL,
  finished_at  timestamptz
);
CREATE INDEX canary_run_version ON canary_run (version, id DESC);
CREATE UNIQUE INDEX canary_run_one_unfinished ON canary_run ((true)) WHERE finished_at IS NULL;
