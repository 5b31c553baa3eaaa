-- IoT perception platform (物联感知平台): device types, devices with their credentials,
-- telemetry history partitioned by day, latest state, and the dead-letter store.

-- 设备类型 device types, modelled on FIWARE Smart Data Models; `attributes` lists the numeric
-- properties a device of this type may report: [{"name","unit","min","max"}].
CREATE TABLE iot_device_types (
  id text PRIMARY KEY,
  name_zh text NOT NULL,
  name_en text NOT NULL,
  data_model text NOT NULL,
  attributes jsonb NOT NULL
);

INSERT INTO iot_device_types (id, name_zh, name_en, data_model, attributes) VALUES
  ('RainGauge', '雨量计', 'Rain gauge', 'dataModel.Weather/WeatherObserved',
   '[{"name":"precipitation","unit":"mm","min":0,"max":500}]'),
  ('WaterLevelSensor', '水位计', 'Water level sensor', 'dataModel.Environment/WaterObserved',
   '[{"name":"height","unit":"m","min":-50,"max":200},{"name":"temperature","unit":"°C","min":-40,"max":80}]'),
  ('FlowMeter', '流量计', 'Flow meter', 'dataModel.Environment/WaterObserved',
   '[{"name":"flow","unit":"m3/s","min":0,"max":100000},{"name":"velocity","unit":"m/s","min":0,"max":50}]'),
  ('SoilMoistureSensor', '土壤墒情仪', 'Soil moisture sensor', 'dataModel.Agrifood/AgriParcelRecord',
   '[{"name":"soilMoistureVwc","unit":"%","min":0,"max":100},{"name":"soilTemperature","unit":"°C","min":-40,"max":80}]'),
  ('AirQualityStation', '空气质量监测站', 'Air quality station', 'dataModel.Environment/AirQualityObserved',
   '[{"name":"pm25","unit":"µg/m3","min":0,"max":2000},{"name":"pm10","unit":"µg/m3","min":0,"max":3000},{"name":"no2","unit":"µg/m3","min":0,"max":2000},{"name":"o3","unit":"µg/m3","min":0,"max":2000},{"name":"aqi","unit":"","min":0,"max":500}]'),
  ('WaterQualityStation', '水质监测站', 'Water quality station', 'dataModel.WaterQuality/WaterQualityObserved',
   '[{"name":"pH","unit":"","min":0,"max":14},{"name":"o2","unit":"mg/L","min":0,"max":30},{"name":"turbidity","unit":"NTU","min":0,"max":4000},{"name":"conductivity","unit":"µS/cm","min":0,"max":100000}]'),
  ('PollutionSourceMonitor', '污染源在线监测', 'Pollution source monitor', 'dataModel.Environment/EnvironmentObserved',
   '[{"name":"cod","unit":"mg/L","min":0,"max":10000},{"name":"nh3n","unit":"mg/L","min":0,"max":1000},{"name":"so2","unit":"mg/m3","min":0,"max":10000},{"name":"dischargeFlow","unit":"m3/h","min":0,"max":100000}]'),
  ('ManholeSensor', '井盖/管网监测', 'Manhole and pipe sensor', 'dataModel.WasteWater/Manhole',
   '[{"name":"waterLevel","unit":"m","min":0,"max":20},{"name":"tilt","unit":"°","min":0,"max":180},{"name":"gasConcentration","unit":"ppm","min":0,"max":10000}]'),
  ('SmartPole', '智慧灯杆', 'Smart pole', 'dataModel.Streetlighting/Streetlight',
   '[{"name":"powerState","unit":"","min":0,"max":1},{"name":"illuminanceLevel","unit":"%","min":0,"max":100},{"name":"powerConsumption","unit":"W","min":0,"max":10000}]'),
  ('ParkingSpotSensor', '停车位检测器', 'Parking spot sensor', 'dataModel.Parking/ParkingSpot',
   '[{"name":"occupied","unit":"","min":0,"max":1}]'),
  ('Device', '通用设备', 'Generic device', 'dataModel.Device/Device',
   '[{"name":"batteryLevel","unit":"%","min":0,"max":100},{"name":"rssi","unit":"dBm","min":-150,"max":0}]');

-- 设备 devices. access_tier is the 分级分类接入 tier: core (核心) / important (重要) / general (一般).
-- The credential is a random token stored as its SHA-256; the token itself is shown once.
CREATE TABLE iot_devices (
  id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{3,64}$'),
  type_id text NOT NULL REFERENCES iot_device_types (id),
  name text NOT NULL,
  owner_department text NOT NULL,
  lon double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
  lat double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
  access_tier text NOT NULL CHECK (access_tier IN ('core', 'important', 'general')),
  -- a smart pole (智慧灯杆) carries several sensors: they name it as their parent
  parent_id text REFERENCES iot_devices (id) ON DELETE SET NULL,
  enabled boolean NOT NULL DEFAULT true,
  token_hash bytea NOT NULL,
  token_rotated_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX iot_devices_type ON iot_devices (type_id);
CREATE INDEX iot_devices_department ON iot_devices (owner_department);
CREATE INDEX iot_devices_parent ON iot_devices (parent_id);

-- Telemetry history, one row per reading, partitioned by day (partitions are created ahead by
-- the module and dropped by retention). The key makes a redelivered QoS 1 message a no-op.
CREATE TABLE iot_telemetry (
  device_id text NOT NULL,
  attribute text NOT NULL,
  observed_at timestamptz NOT NULL,
  value double precision NOT NULL,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (device_id, attribute, observed_at)
) PARTITION BY RANGE (observed_at);

-- The latest value of every attribute of every device.
CREATE TABLE iot_latest (
  device_id text NOT NULL,
  attribute text NOT NULL,
  value double precision NOT NULL,
  observed_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (device_id, attribute)
);

-- Messages refused by ingestion, kept for inspection (死信).
CREATE TABLE iot_dead_letters (
  id bigserial PRIMARY KEY,
  received_at timestamptz NOT NULL,
  source text NOT NULL CHECK (source IN ('mqtt', 'http')),
  topic text,
  device_id text,
  reason text NOT NULL,
  detail text NOT NULL,
  payload text NOT NULL
);
CREATE INDEX iot_dead_letters_received ON iot_dead_letters (received_at DESC);
