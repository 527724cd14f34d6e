-- Preflight runs (RITUAL §2): one row per `/spark preflight <version>`, one row per check as it finishes.
CREATE TABLE preflight_run (
  id              bigserial PRIMARY KEY,
  version         text NOT NULL,
  actor           text NOT NULL,
  channel         text NOT NULL,
  started_at      timestamptz NOT NULL,
  finished_at     timestamptz,
  -- ready | ready-with-warnings | incomplete | not-ready | interrupted
  verdict         text,
  commit          text,
  summary_path    text,
  summary_sha256  text
);
CREATE INDEX preflight_run_version ON preflight_run (version, id DESC);

CREATE TABLE preflight_check (
  run_id         bigint NOT NULL REFERENCES preflight_run (id) ON DELETE CASCADE,
  check_id       text NOT NULL,
  position       int NOT NULL,
  outcome        text NOT NULL CHECK (outcome IN ('pass', 'warn', 'fail', 'skipped')),
  summary        text NOT NULL,
  data           jsonb,
  ms             int NOT NULL,
  evidence_path  text NOT NULL,
  finished_at    timestamptz NOT NULL,
  PRIMARY KEY (run_id, check_id)
);
