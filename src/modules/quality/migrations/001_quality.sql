-- 数据治理 governance and data quality: rules on a resource's data items, their runs and results,
-- the quality score history, and the problem tickets (问题工单) sent to source departments.

CREATE TABLE quality_rules (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  resource_code text NOT NULL,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('not_null', 'unique', 'regex', 'range', 'in_set', 'resident_id', 'uscc', 'division_code', 'phone', 'consistency', 'freshness', 'row_count')),
  -- the data item checked; null for rules over the whole resource (row_count, freshness by load time)
  field text,
  params jsonb NOT NULL DEFAULT '{}',
  -- cron expression (Asia/Shanghai) of the scheduled run; rules also run after every load
  schedule text NOT NULL,
  enabled boolean NOT NULL DEFAULT true,
  -- seeded for a base library on first start (not re-seeded once edited or disabled)
  builtin boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  updated_by text NOT NULL
);
CREATE INDEX quality_rules_resource_idx ON quality_rules (resource_code, id);

-- One run of a resource's enabled rules: after a load, on schedule or on demand.
CREATE TABLE quality_runs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  resource_code text NOT NULL,
  department text NOT NULL,
  trigger text NOT NULL CHECK (trigger IN ('load', 'schedule', 'manual')),
  -- the load id for a run after a load (runs once per load, however often the event arrives)
  trigger_ref text,
  -- rule ids to run; null = every enabled rule of the resource
  rule_ids bigint[],
  status text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
  rules_total integer NOT NULL DEFAULT 0,
  rules_done integer NOT NULL DEFAULT 0,
  rules_failed integer NOT NULL DEFAULT 0,
  rows_total bigint,
  score numeric(5, 2),
  error text,
  requested_by text NOT NULL,
  created_at timestamptz NOT NULL,
  started_at timestamptz,
  finished_at timestamptz
);
CREATE INDEX quality_runs_resource_idx ON quality_runs (resource_code, id DESC);
CREATE INDEX quality_runs_status_idx ON quality_runs (status) WHERE status IN ('queued', 'running');
-- a load or a scheduled tick runs once, however many nodes or deliveries see it
CREATE UNIQUE INDEX quality_runs_ref_idx ON quality_runs (resource_code, trigger, trigger_ref) WHERE trigger_ref IS NOT NULL;

-- What one rule found in one run; samples are failing rows with their key and reason.
CREATE TABLE quality_results (
  run_id bigint NOT NULL REFERENCES quality_runs (id),
  rule_id bigint NOT NULL REFERENCES quality_rules (id),
  passed boolean NOT NULL,
  rows_checked bigint NOT NULL,
  failures bigint NOT NULL,
  samples jsonb NOT NULL DEFAULT '[]',
  error text,
  duration_ms integer NOT NULL,
  PRIMARY KEY (run_id, rule_id)
);
CREATE INDEX quality_results_rule_idx ON quality_results (rule_id, run_id DESC);

-- Score history: one point per finished run for the resource, and the department's score
-- (mean of its resources' latest scores) at the same moment.
CREATE TABLE quality_scores (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  scope text NOT NULL CHECK (scope IN ('resource', 'department')),
  subject text NOT NULL,
  department text NOT NULL,
  score numeric(5, 2) NOT NULL,
  run_id bigint NOT NULL REFERENCES quality_runs (id),
  at timestamptz NOT NULL
);
CREATE INDEX quality_scores_subject_idx ON quality_scores (scope, subject, at);

-- 问题工单 problem tickets: one per failing rule while it fails, to the resource's 数源部门.
CREATE TABLE quality_tickets (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  rule_id bigint NOT NULL REFERENCES quality_rules (id),
  resource_code text NOT NULL,
  department text NOT NULL,
  state text NOT NULL CHECK (state IN ('open', 'acknowledged', 'closed')),
  summary text NOT NULL,
  failures bigint NOT NULL,
  failing_runs integer NOT NULL DEFAULT 1,
  opened_run_id bigint NOT NULL REFERENCES quality_runs (id),
  last_run_id bigint NOT NULL REFERENCES quality_runs (id),
  opened_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  acknowledged_at timestamptz,
  acknowledged_by text,
  closed_at timestamptz,
  closed_reason text
);
-- one ticket per rule until it closes
CREATE UNIQUE INDEX quality_tickets_open_idx ON quality_tickets (rule_id) WHERE state <> 'closed';
CREATE INDEX quality_tickets_department_idx ON quality_tickets (department, state, id DESC);
CREATE INDEX quality_tickets_resource_idx ON quality_tickets (resource_code, id DESC);

-- A ticket's timeline: opened, failed again, acknowledged, comments, closed.
CREATE TABLE quality_ticket_notes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ticket_id bigint NOT NULL REFERENCES quality_tickets (id),
  kind text NOT NULL CHECK (kind IN ('opened', 'acknowledged', 'comment', 'closed')),
  body text NOT NULL,
  actor text NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX quality_ticket_notes_ticket_idx ON quality_ticket_notes (ticket_id, id);
