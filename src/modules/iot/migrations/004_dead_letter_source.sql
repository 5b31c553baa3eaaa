-- Where a refused message came from: the device's network address (HTTP client address or MQTT
-- connection), so a device claiming to be another can be traced. `device_id` is the device the
-- message claimed to be from.
ALTER TABLE iot_dead_letters ADD COLUMN source_address text;
