-- 事件中心 event center and 协同指挥调度 coordinated dispatch.

-- 事件分类 catalogue after 城市管理部件和事件分类 (GB/T 30428.2 style): classes (大类, parent_code NULL)
-- and sub-classes (小类). Time limits (处置时限) are per sub-class and severity, in minutes of
-- working time when working_hours is set, else of clock time.
CREATE TABLE events_categories (
  code text PRIMARY KEY,
  name text NOT NULL,
  name_en text NOT NULL,
  parent_code text REFERENCES events_categories (code),
  limit_normal_minutes integer NOT NULL DEFAULT 1440 CHECK (limit_normal_minutes > 0),
  limit_major_minutes integer NOT NULL DEFAULT 480 CHECK (limit_major_minutes > 0),
  limit_urgent_minutes integer NOT NULL DEFAULT 120 CHECK (limit_urgent_minutes > 0),
  working_hours boolean NOT NULL DEFAULT true,
  active boolean NOT NULL DEFAULT true
);

-- 责任部门 responsible departments (plain unit codes until the directory is wired in).
-- general: the district's 综合 department that takes what no rule routes elsewhere.
CREATE TABLE events_departments (
  code text PRIMARY KEY,
  name text NOT NULL,
  district_code text,
  general boolean NOT NULL DEFAULT false
);

-- 派遣规则 routing rules: category (a sub-class or a whole class) × district and/or grid → department.
CREATE TABLE events_routing_rules (
  id bigserial PRIMARY KEY,
  category_code text NOT NULL REFERENCES events_categories (code),
  district_code text,
  grid_code text,
  department_code text NOT NULL REFERENCES events_departments (code),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_routing_rules_category_idx ON events_routing_rules (category_code);

CREATE TABLE events_events (
  id bigserial PRIMARY KEY,
  title text NOT NULL,
  description text NOT NULL DEFAULT '',
  category_code text NOT NULL REFERENCES events_categories (code),
  severity text NOT NULL CHECK (severity IN ('normal', 'major', 'urgent')),
  state text NOT NULL CHECK (state IN ('created', 'dispatched', 'accepted', 'handling', 'reported', 'verified', 'closed', 'returned')),
  source text NOT NULL CHECK (source IN ('iot_alarm', 'video_ai', 'hotline', 'grid_worker', 'manual')),
  source_ref text,
  lon double precision,
  lat double precision,
  address text NOT NULL DEFAULT '',
  district_code text,
  town_code text,
  village_code text,
  grid_code text,
  department_code text REFERENCES events_departments (code),
  partner_codes text[] NOT NULL DEFAULT '{}',
  routed_by text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  dispatched_at timestamptz,
  reported_at timestamptz,
  closed_at timestamptz,
  warn_at timestamptz,
  deadline_at timestamptz,
  warned_at timestamptz,
  escalated_at timestamptz,
  escalation_level integer NOT NULL DEFAULT 0,
  detection_count integer NOT NULL DEFAULT 0,
  last_detected_at timestamptz
);
-- One event per IoT alarm / hotline ticket, so a redelivered bus message cannot create a second.
CREATE UNIQUE INDEX events_events_source_ref_key ON events_events (source, source_ref) WHERE source IN ('iot_alarm', 'hotline');
CREATE INDEX events_events_state_idx ON events_events (state, department_code);
CREATE INDEX events_events_department_idx ON events_events (department_code, created_at DESC);
CREATE INDEX events_events_deadline_idx ON events_events (deadline_at) WHERE state IN ('dispatched', 'accepted', 'handling');
CREATE INDEX events_events_detection_idx ON events_events (category_code, last_detected_at) WHERE source = 'video_ai';

-- 流转记录 the timeline: every transition with time, actor and note. bus_event_id makes
-- entries written by bus subscribers idempotent.
CREATE TABLE events_timeline (
  id bigserial PRIMARY KEY,
  event_id bigint NOT NULL REFERENCES events_events (id),
  at timestamptz NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  from_state text,
  to_state text,
  department_code text,
  note text NOT NULL DEFAULT '',
  bus_event_id text UNIQUE
);
CREATE INDEX events_timeline_event_idx ON events_timeline (event_id, id);

-- 视频智能识别 detections from video-analytics vendors, each attached to the event it became or joined.
CREATE TABLE events_detections (
  id bigserial PRIMARY KEY,
  event_id bigint NOT NULL REFERENCES events_events (id),
  camera_id text NOT NULL,
  scenario text NOT NULL,
  detected_at timestamptz NOT NULL,
  confidence double precision NOT NULL,
  snapshot_url text,
  lon double precision NOT NULL,
  lat double precision NOT NULL,
  received_at timestamptz NOT NULL
);
CREATE INDEX events_detections_event_idx ON events_detections (event_id);

-- 附件 attachments: a stored file under the data dir (path, sha256) or a URL (vendor snapshots).
CREATE TABLE events_attachments (
  id bigserial PRIMARY KEY,
  event_id bigint NOT NULL REFERENCES events_events (id),
  name text NOT NULL,
  media_type text NOT NULL,
  size_bytes bigint,
  sha256 text,
  path text,
  url text,
  actor text NOT NULL,
  created_at timestamptz NOT NULL,
  CHECK ((path IS NULL) <> (url IS NULL))
);
CREATE INDEX events_attachments_event_idx ON events_attachments (event_id);
