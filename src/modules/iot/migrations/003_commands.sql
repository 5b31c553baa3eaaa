-- 下行指令 device commands: sent to devices/{id}/commands (QoS 1), acknowledged by the device on
-- devices/{id}/commands/ack. Lifecycle pending → sent → acked | failed, or expired when no answer
-- came before expires_at.
CREATE TABLE iot_commands (
  id bigserial PRIMARY KEY,
  device_id text NOT NULL REFERENCES iot_devices (id) ON DELETE CASCADE,
  name text NOT NULL,
  params jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'sent', 'acked', 'failed', 'expired')),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  sent_at timestamptz,
  answered_at timestamptz,
  expires_at timestamptz NOT NULL,
  result jsonb,
  error text
);
CREATE INDEX iot_commands_device ON iot_commands (device_id, id DESC);
CREATE INDEX iot_commands_open ON iot_commands (expires_at) WHERE status IN ('pending', 'sent');
