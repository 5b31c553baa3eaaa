-- 消息中心 notifications: what an org unit (委办局, district, town …) must act on, written by the
-- module's bus consumers. Addressed to a unit and optionally to one account of it.
CREATE TABLE notifications_messages (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- identity org unit code (D07, 371502 …), as in events' department_code and grants' scope
  unit_code text NOT NULL,
  -- one account of the unit; null = every member of the unit
  account_id text,
  kind text NOT NULL,
  severity text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  title_zh text NOT NULL,
  title_en text NOT NULL,
  body text NOT NULL DEFAULT '',
  -- console path that opens what the notification is about (/console/events?id=12)
  link text NOT NULL,
  -- what it is about (event:12, quality-ticket:3, iot-alarm:5)
  subject_ref text NOT NULL,
  -- the bus event it came from; delivery is at least once, so (event, unit, account) is stored once
  source_event_id text NOT NULL,
  source_subject text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX notifications_messages_source_idx ON notifications_messages (source_event_id, unit_code, coalesce(account_id, ''));
CREATE INDEX notifications_messages_unit_idx ON notifications_messages (unit_code, id DESC);

-- Read state per account: a row once the account has read the notification.
CREATE TABLE notifications_reads (
  account_id text NOT NULL,
  notification_id bigint NOT NULL REFERENCES notifications_messages (id) ON DELETE CASCADE,
  read_at timestamptz NOT NULL,
  PRIMARY KEY (account_id, notification_id)
);
