-- 1. Responsible departments become the identity module's org units (组织机构): the city's 委办局
--    (D01 …), districts (区县) and towns/streets (乡镇街道), so routing rules, inboxes and statistics
--    speak in the same unit ids as people's accounts. The module's own department list goes.
--    Old codes map as: the command center → the city unit 371500; 东昌府区's departments (the urban
--    core, handled by the city's 委办局) → 住建局 D06, 公安局 D02 (traffic police), 应急局 D12, the
--    rest → 城管局 D07; every other district's departments → the district unit itself.
CREATE FUNCTION events_legacy_unit(c text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN c IS NULL THEN NULL
    WHEN c = '371500-ZH' THEN '371500'
    WHEN c LIKE '371502-%' THEN CASE split_part(c, '-', 2) WHEN 'ZJ' THEN 'D06' WHEN 'JJ' THEN 'D02' WHEN 'YJ' THEN 'D12' ELSE 'D07' END
    WHEN c ~ '^[0-9]{6}-[A-Z]+$' THEN split_part(c, '-', 1)
    ELSE c
  END
$$;

ALTER TABLE events_routing_rules DROP CONSTRAINT IF EXISTS events_routing_rules_department_code_fkey;
ALTER TABLE events_events DROP CONSTRAINT IF EXISTS events_events_department_code_fkey;

UPDATE events_events SET department_code = events_legacy_unit(department_code),
  partner_codes = ARRAY(SELECT DISTINCT events_legacy_unit(p) FROM unnest(partner_codes) AS p WHERE events_legacy_unit(p) IS DISTINCT FROM events_legacy_unit(department_code));
UPDATE events_timeline SET department_code = events_legacy_unit(department_code) WHERE department_code IS NOT NULL;
UPDATE events_routing_rules SET department_code = events_legacy_unit(department_code);
-- A rule that sends a district's events to the district itself only repeats the fallback.
DELETE FROM events_routing_rules WHERE department_code = district_code AND grid_code IS NULL;
DELETE FROM events_routing_rules r USING events_routing_rules o
  WHERE o.id < r.id AND o.category_code = r.category_code AND o.district_code IS NOT DISTINCT FROM r.district_code
    AND o.grid_code IS NOT DISTINCT FROM r.grid_code AND o.department_code = r.department_code;

DROP FUNCTION events_legacy_unit(text);
DROP TABLE events_departments;
CREATE INDEX events_events_partner_idx ON events_events USING gin (partner_codes);
CREATE INDEX events_events_place_idx ON events_events (district_code, town_code);

-- 2. The catalogue is edited through the API: who changed a category and when.
ALTER TABLE events_categories ADD COLUMN updated_at timestamptz;
ALTER TABLE events_categories ADD COLUMN updated_by text;

-- 3. 工作日历 working calendar: statutory holidays (法定节假日) and make-up working days (调休上班)
--    that override the weekday pattern. Data, edited through /api/events/calendar.
CREATE TABLE events_calendar_days (
  day date PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('holiday', 'workday')),
  name text NOT NULL DEFAULT '',
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by text NOT NULL DEFAULT 'system'
);

-- 2026 as published by the General Office of the State Council (国务院办公厅关于2026年部分节假日安排的通知).
INSERT INTO events_calendar_days (day, kind, name)
SELECT d::date, 'holiday', n FROM (VALUES
  ('2026-01-01', '2026-01-03', '元旦'), ('2026-02-15', '2026-02-23', '春节'), ('2026-04-04', '2026-04-06', '清明节'),
  ('2026-05-01', '2026-05-05', '劳动节'), ('2026-06-19', '2026-06-21', '端午节'), ('2026-09-25', '2026-09-27', '中秋节'),
  ('2026-10-01', '2026-10-07', '国庆节')
) AS h (s, e, n), generate_series(s::date, e::date, interval '1 day') AS d;
INSERT INTO events_calendar_days (day, kind, name) VALUES
  ('2026-01-04', 'workday', '元旦调休上班'), ('2026-02-14', 'workday', '春节调休上班'), ('2026-02-28', 'workday', '春节调休上班'),
  ('2026-05-09', 'workday', '劳动节调休上班'), ('2026-09-20', 'workday', '国庆节调休上班'), ('2026-10-10', 'workday', '国庆节调休上班');
