-- Stored downsampling (降采样): per device and attribute, the count, sum, min and max of the readings
-- of each UTC hour and each UTC day. Maintained in the ingestion transaction from the rows the
-- telemetry insert really added (a redelivered reading adds nothing), so a rollup always equals
-- the aggregate of the raw readings it covers. Kept longer than the raw history (own retention).
CREATE TABLE iot_rollup_hour (
  device_id text NOT NULL,
  attribute text NOT NULL,
  bucket timestamptz NOT NULL,
  count bigint NOT NULL,
  sum double precision NOT NULL,
  min double precision NOT NULL,
  max double precision NOT NULL,
  PRIMARY KEY (device_id, attribute, bucket)
);
CREATE INDEX iot_rollup_hour_bucket ON iot_rollup_hour (bucket);

CREATE TABLE iot_rollup_day (
  device_id text NOT NULL,
  attribute text NOT NULL,
  bucket timestamptz NOT NULL,
  count bigint NOT NULL,
  sum double precision NOT NULL,
  min double precision NOT NULL,
  max double precision NOT NULL,
  PRIMARY KEY (device_id, attribute, bucket)
);
CREATE INDEX iot_rollup_day_bucket ON iot_rollup_day (bucket);

-- Catch up with the history stored before this migration (migrations run before ingestion starts).
INSERT INTO iot_rollup_hour (device_id, attribute, bucket, count, sum, min, max)
SELECT device_id, attribute, to_timestamp(floor(extract(epoch FROM observed_at) / 3600) * 3600), count(*), sum(value), min(value), max(value)
FROM iot_telemetry GROUP BY 1, 2, 3;

INSERT INTO iot_rollup_day (device_id, attribute, bucket, count, sum, min, max)
SELECT device_id, attribute, to_timestamp(floor(extract(epoch FROM observed_at) / 86400) * 86400), count(*), sum(value), min(value), max(value)
FROM iot_telemetry GROUP BY 1, 2, 3;
