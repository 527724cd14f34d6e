-- Red-team runs (RITUAL §3): the pure run (src/domain/redteam.ts) stored as it is, one row per `/spark redteam <version>`.
-- The summary is sealed when the last of the fifteen items is decided.
CREATE TABLE redteam_run (
  id              bigserial PRIMARY KEY,
  version         text NOT NULL,
  actor           text NOT NULL,
  channel         text NOT NULL,
  state           jsonb NOT NULL,
  started_at      timestamptz NOT NULL,
  finished_at     timestamptz,
  summary_path    text,
  summary_sha256  text
);
CREATE INDEX redteam_run_version ON redteam_run (version, id DESC);
