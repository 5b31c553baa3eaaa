-- 规则与告警 rules and alarms. A rule applies to one device or to every device of a type.
CREATE TABLE iot_rules (
  id bigserial PRIMARY KEY,
  name text NOT NULL,
  device_id text REFERENCES iot_devices (id) ON DELETE CASCADE,
  type_id text REFERENCES iot_device_types (id),
  kind text NOT NULL CHECK (kind IN ('threshold', 'rate', 'offline')),
  -- threshold and rate rules: the attribute, the comparison and the limit (rate: change per minute)
  attribute text,
  operator text CHECK (operator IN ('>', '>=', '<', '<=')),
  threshold double precision,
  -- offline rules: silence longer than this raises the alarm
  offline_seconds integer CHECK (offline_seconds > 0),
  severity text NOT NULL CHECK (severity IN ('critical', 'major', 'minor', 'warning')),
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK ((device_id IS NULL) <> (type_id IS NULL)),
  CHECK (kind = 'offline' OR (attribute IS NOT NULL AND operator IS NOT NULL AND threshold IS NOT NULL)),
  CHECK (kind <> 'offline' OR offline_seconds IS NOT NULL)
);
CREATE INDEX iot_rules_device ON iot_rules (device_id);
CREATE INDEX iot_rules_type ON iot_rules (type_id);

-- Lifecycle active → acknowledged → cleared. At most one open (not cleared) alarm per
-- (device, rule): the partial unique index, with INSERT … ON CONFLICT DO NOTHING, makes a
-- thousand simultaneous triggers raise one alarm.
CREATE TABLE iot_alarms (
  id bigserial PRIMARY KEY,
  rule_id bigint NOT NULL REFERENCES iot_rules (id) ON DELETE CASCADE,
  device_id text NOT NULL REFERENCES iot_devices (id) ON DELETE CASCADE,
  severity text NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'acknowledged', 'cleared')),
  value double precision,
  message text NOT NULL,
  raised_at timestamptz NOT NULL,
  acknowledged_at timestamptz,
  acknowledged_by text,
  cleared_at timestamptz,
  updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX iot_alarms_open ON iot_alarms (device_id, rule_id) WHERE status <> 'cleared';
CREATE INDEX iot_alarms_status ON iot_alarms (status, raised_at DESC);
