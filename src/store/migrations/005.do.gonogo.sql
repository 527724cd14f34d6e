-- GO / NO-GO sessions (RITUAL §4): the pure session (src/domain/gonogo) stored as it is, one open per version.
CREATE TABLE gonogo_session (
  id          bigserial PRIMARY KEY,
  version     text NOT NULL,
  channel     text NOT NULL,
  status      text NOT NULL,
  state       jsonb NOT NULL,
  opened_at   timestamptz NOT NULL,
  decided_at  timestamptz
);
CREATE INDEX gonogo_session_version ON gonogo_session (version, id DESC);
CREATE UNIQUE INDEX gonogo_session_one_open ON gonogo_session (version) WHERE decided_at IS NULL;
