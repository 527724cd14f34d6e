-- Every evidence file the ritual wrote under EVIDENCE_DIR. The sha256 here feeds MANIFEST.sha256; the sealed
-- truth is the same hash in the file's `evidence.written` audit row.
CREATE TABLE evidence_file (
  id          bigserial PRIMARY KEY,
  version     text NOT NULL,
  path        text NOT NULL UNIQUE,
  kind        text NOT NULL,
  sha256      text NOT NULL,
  bytes       int NOT NULL,
  created_at  timestamptz NOT NULL
);
CREATE INDEX evidence_file_version ON evidence_file (version);
CREATE INDEX evidence_file_created_at ON evidence_file (created_at);

-- The audit log: one HMAC chain over all rows. `hmac` seals id, at, actor, action, version, body and
-- prev_hmac, so editing any column breaks the row and removing a row breaks the link of the next one.
CREATE TABLE audit_log (
  id         bigserial PRIMARY KEY,
  at         timestamptz NOT NULL,
  actor      text NOT NULL,
  action     text NOT NULL,
  version    text,
  body       text NOT NULL,
  prev_hmac  text NOT NULL,
  hmac       text NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_action_version ON audit_log (action, version);
