-- Incidents (RITUAL §8). One row per incident; the domain state (src/domain/incident/state.ts) rides in
-- `state`, and the columns repeat what lists, the canary's gate and /metrics read without parsing it.
CREATE TABLE incident (
  -- INC-<n>: PagerDuty's dedup_key for every event of the incident
  id           text PRIMARY KEY,
  seq          bigserial NOT NULL UNIQUE,
  version      text,
  severity     text NOT NULL,
  -- open, acknowledged, mitigated, resolved
  status       text NOT NULL,
  -- the highest escalation level reached (L1, L2, L3)
  level        text NOT NULL,
  -- resolved, post-mortem done and every action item done
  closed       boolean NOT NULL DEFAULT false,
  -- the incidents channel; the card's outbox ref is incident:<id>, its thread holds the details
  channel      text NOT NULL,
  -- where it came from: person, auto-rollback (with the canary run), first-night-breach (with the night)
  origin       text NOT NULL,
  origin_key   text,
  state        jsonb NOT NULL,
  -- the @here fallback after paging kept failing was posted
  paging_fallback_at timestamptz,
  -- who PagerDuty said was on call when it opened (PAGERDUTY_API_TOKEN), as the REST API named them
  on_call      jsonb,
  opened_at    timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL
);
-- One automatic incident per canary rollback or first-night breach run: opening it again finds the first.
CREATE UNIQUE INDEX incident_origin ON incident (origin, origin_key) WHERE origin_key IS NOT NULL;
CREATE INDEX incident_unresolved ON incident (seq) WHERE status <> 'resolved';
CREATE INDEX incident_version ON incident (version, seq DESC);
