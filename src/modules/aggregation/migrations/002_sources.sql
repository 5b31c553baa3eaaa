-- 定时抽取 scheduled pulls: a data source feeds one resource from an HTTP API or another PostgreSQL
-- database, on a cron schedule or on demand. Credentials (HTTP headers, the connection URL) are
-- sealed with SM4 field encryption (sm4f1 tokens), never stored in the clear.
CREATE TABLE aggregation_sources (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  resource_code text NOT NULL,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('http', 'postgres')),
  -- what is not secret: url, records path, paging; query, watermark column; shown in the console
  settings jsonb NOT NULL,
  secret text,
  schedule text,
  enabled boolean NOT NULL DEFAULT true,
  -- incremental pulls: the greatest watermark value loaded so far
  watermark text,
  -- one run at a time across API nodes: a node takes the lease, renews it while it runs
  lease_owner text,
  lease_until timestamptz,
  last_run_at timestamptz,
  last_status text CHECK (last_status IN ('done', 'failed')),
  last_error text,
  last_load_id bigint,
  created_at timestamptz NOT NULL,
  created_by text NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX aggregation_sources_resource_idx ON aggregation_sources (resource_code);

-- A load made by a source run or a push names its source; an upload may carry the client's
-- Idempotency-Key so that a retried upload is not loaded twice.
ALTER TABLE aggregation_loads ADD COLUMN source_id bigint;
ALTER TABLE aggregation_loads ADD COLUMN idempotency_key text;
CREATE UNIQUE INDEX aggregation_loads_idempotency_idx ON aggregation_loads (submitted_by, idempotency_key) WHERE idempotency_key IS NOT NULL;
