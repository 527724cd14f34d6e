-- The run of show (RITUAL §7): the T-minus countdown to T-0 for one version. Its steps are durable timers
-- (`run-of-show.<step>`, keyed run-of-show:<id>:<step>); each one checks the row before it acts, so a cancelled
-- run's timers do nothing. `state` holds the planned steps and what each one that ran said.
CREATE TABLE run_of_show (
  id              bigserial PRIMARY KEY,
  version         text NOT NULL,
  channel         text NOT NULL,
  t0              timestamptz NOT NULL,
  -- the change freeze holds from here (T-30) until the freeze lift after the first night, or a cancel
  freeze_from     timestamptz NOT NULL,
  freeze_lifted_at timestamptz,
  state           jsonb NOT NULL,
  -- counting (T-30 … T-0 to come), zero (T-0 reached: the freeze holds until lifted), lifted, cancelled
  status          text NOT NULL,
  scheduled_by    text NOT NULL,
  scheduled_at    timestamptz NOT NULL,
  ended_at        timestamptz
);
-- One run of show per version at a time: scheduling a second finds the first.
CREATE UNIQUE INDEX run_of_show_one_per_version ON run_of_show (version) WHERE status IN ('counting', 'zero');
CREATE INDEX run_of_show_active ON run_of_show (t0) WHERE status IN ('counting', 'zero');
