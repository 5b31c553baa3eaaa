-- 大汇聚 aggregation: loads of files into catalogued resources. Each resource's rows live in a
-- data table created from its data items (agg_r_*, created by data-table.ts, not here).

CREATE TABLE aggregation_tables (
  resource_code text PRIMARY KEY,
  table_name text NOT NULL UNIQUE,
  key_columns text[] NOT NULL,
  created_at timestamptz NOT NULL
);

CREATE TABLE aggregation_loads (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  resource_code text NOT NULL,
  format text NOT NULL CHECK (format IN ('csv', 'xlsx', 'json')),
  file_name text NOT NULL,
  encoding text,
  status text NOT NULL CHECK (status IN ('receiving', 'loading', 'done', 'failed', 'rolled_back')),
  bytes_total bigint NOT NULL DEFAULT 0,
  bytes_read bigint NOT NULL DEFAULT 0,
  rows_read bigint NOT NULL DEFAULT 0,
  rows_inserted bigint NOT NULL DEFAULT 0,
  rows_updated bigint NOT NULL DEFAULT 0,
  rows_rejected bigint NOT NULL DEFAULT 0,
  -- per file column: header, inferred type, the data item it maps to
  columns jsonb NOT NULL DEFAULT '[]',
  error text,
  submitted_by text NOT NULL,
  created_at timestamptz NOT NULL,
  finished_at timestamptz,
  rolled_back_at timestamptz,
  rolled_back_by text
);
CREATE INDEX aggregation_loads_resource_idx ON aggregation_loads (resource_code, id DESC);

-- 隔离 quarantined rows: one per bad line, with why.
CREATE TABLE aggregation_rejects (
  load_id bigint NOT NULL REFERENCES aggregation_loads (id),
  line integer NOT NULL,
  reason text NOT NULL,
  field text,
  raw text NOT NULL
);
CREATE INDEX aggregation_rejects_load_idx ON aggregation_rejects (load_id, line);

-- The rows a load replaced, as they were, so the load can be rolled back.
CREATE TABLE aggregation_history (
  load_id bigint NOT NULL REFERENCES aggregation_loads (id),
  before jsonb NOT NULL
);
CREATE INDEX aggregation_history_load_idx ON aggregation_history (load_id);
