-- 视频智能识别 scenarios become data: each maps to an event category and sets the minimum confidence
-- below which a detection is recorded but raises no event. Seeded from the scenarios that were code.
CREATE TABLE events_scenarios (
  code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,39}$'),
  name_zh text NOT NULL,
  name_en text NOT NULL,
  category_code text NOT NULL REFERENCES events_categories (code),
  min_confidence double precision NOT NULL CHECK (min_confidence >= 0 AND min_confidence <= 1),
  updated_at timestamptz NOT NULL,
  updated_by text NOT NULL
);
INSERT INTO events_scenarios (code, name_zh, name_en, category_code, min_confidence, updated_at, updated_by) VALUES
  ('muck_truck_uncovered', '渣土车未覆盖', 'Uncovered muck truck', 'SG02', 0.6, now(), 'system'),
  ('exposed_garbage', '暴露垃圾', 'Exposed garbage', 'SR01', 0.6, now(), 'system'),
  ('non_motor_disorder', '非机动车乱停放', 'Disorderly non-motor vehicles', 'JM01', 0.6, now(), 'system'),
  ('piled_materials', '乱堆物料', 'Piled materials', 'JM03', 0.6, now(), 'system'),
  ('crowd_gathering', '人群聚集', 'Crowd gathering', 'TF03', 0.6, now(), 'system'),
  ('street_vending', '占道经营', 'Street vending', 'JM02', 0.6, now(), 'system'),
  ('overflowing_bin', '垃圾满溢', 'Overflowing bin', 'SR02', 0.6, now(), 'system'),
  ('waterlogging', '积水', 'Waterlogging', 'SZ05', 0.6, now(), 'system')
ON CONFLICT (code) DO NOTHING;

-- A detection now says what became of it: it created its event, was merged into an open one, or was
-- below its scenario's minimum confidence (no event). Where it was, for scoping those without an event.
ALTER TABLE events_detections ALTER COLUMN event_id DROP NOT NULL;
ALTER TABLE events_detections ADD COLUMN outcome text NOT NULL DEFAULT 'merged' CHECK (outcome IN ('created', 'merged', 'below_confidence'));
ALTER TABLE events_detections ADD COLUMN min_confidence double precision;
ALTER TABLE events_detections ADD COLUMN district_code text;
ALTER TABLE events_detections ADD COLUMN actor text NOT NULL DEFAULT '';
ALTER TABLE events_detections ADD COLUMN snapshot_urls text[] NOT NULL DEFAULT '{}';
UPDATE events_detections SET snapshot_urls = ARRAY[snapshot_url] WHERE snapshot_url IS NOT NULL;
ALTER TABLE events_detections DROP COLUMN snapshot_url;
UPDATE events_detections d SET outcome = 'created' WHERE d.id = (SELECT min(x.id) FROM events_detections x WHERE x.event_id = d.event_id);
UPDATE events_detections d SET district_code = e.district_code FROM events_events e WHERE e.id = d.event_id;
CREATE INDEX events_detections_detected_idx ON events_detections (detected_at DESC, id DESC);
CREATE INDEX events_detections_camera_idx ON events_detections (camera_id, detected_at DESC);
