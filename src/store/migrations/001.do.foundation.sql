-- Every inbound Slack delivery (slash command, button press) once: retries and replays are dropped here.
CREATE TABLE inbound_delivery (
  id          text PRIMARY KEY,
  kind        text NOT NULL,
  received_at timestamptz NOT NULL
);
CREATE INDEX inbound_delivery_received_at ON inbound_delivery (received_at);
