-- 审计日志 tamper-evident audit log: append-only, each entry hash-chained with SM3 to the one
-- before it (hash = SM3(prev_hash || canonical JSON of the entry)). `platform_audit_head` is the
-- single chain-head row every writer locks (SELECT … FOR UPDATE), so appends from several API
-- nodes are serialised and the chain never forks.
CREATE TABLE platform_audit_log (
  seq bigint PRIMARY KEY,
  at timestamptz NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  target text NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
  details jsonb NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL
);
CREATE INDEX platform_audit_log_at_idx ON platform_audit_log (at);
CREATE INDEX platform_audit_log_actor_idx ON platform_audit_log (actor, seq);
CREATE INDEX platform_audit_log_action_idx ON platform_audit_log (action, seq);

CREATE TABLE platform_audit_head (
  id smallint PRIMARY KEY CHECK (id = 1),
  seq bigint NOT NULL,
  hash text NOT NULL
);
INSERT INTO platform_audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Append-only: the platform never updates or deletes an entry. Whoever disables this trigger to
-- edit the log is caught by `citybrain audit verify`.
CREATE FUNCTION platform_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'platform_audit_log is append-only';
END;
$$;
CREATE TRIGGER platform_audit_log_append_only BEFORE UPDATE OR DELETE ON platform_audit_log
  FOR EACH ROW EXECUTE FUNCTION platform_audit_log_append_only();
