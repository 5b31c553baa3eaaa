-- Index for numeric comparisons of `q` (height>3;height<5): every numeric attribute value of every
-- entity in a side table with a btree on (attr, value). A trigger keeps it in step with
-- ngsi_entities in the same transaction, whatever writes the entity (API, batch, device readings).
-- Values are float8: numbers arrive through JSON as doubles, so comparing them here answers what
-- comparing the jsonb values would.
CREATE TABLE ngsi_numeric (
  entity_id text NOT NULL,
  attr text NOT NULL,
  value double precision NOT NULL,
  PRIMARY KEY (entity_id, attr)
);
CREATE INDEX ngsi_numeric_attr_value ON ngsi_numeric (attr, value, entity_id);

CREATE FUNCTION ngsi_numeric_rows(attrs jsonb) RETURNS TABLE (attr text, value double precision)
LANGUAGE sql IMMUTABLE AS $$
  -- numbers from JSON are doubles; the limits only keep a hand-written out-of-range number from failing the write
  SELECT a.key, CASE WHEN abs(n) > 1.7976931348623157e308 THEN sign(n)::float8 * 'Infinity'::float8 WHEN abs(n) < 4.9e-324 THEN 0 ELSE n::float8 END
  FROM jsonb_each(attrs) a, LATERAL (SELECT (coalesce(a.value->'value', a.value->'object') #>> '{}')::numeric AS n) v
  WHERE jsonb_typeof(coalesce(a.value->'value', a.value->'object')) = 'number'
$$;

CREATE FUNCTION ngsi_numeric_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM ngsi_numeric WHERE entity_id = OLD.id;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO ngsi_numeric (entity_id, attr, value) SELECT NEW.id, r.attr, r.value FROM ngsi_numeric_rows(NEW.attrs) r;
  END IF;
  RETURN NULL;
END
$$;

-- (no foreign key: the trigger removes the rows with the entity, without a key check per value)
CREATE TRIGGER ngsi_numeric_write AFTER INSERT OR DELETE ON ngsi_entities FOR EACH ROW EXECUTE FUNCTION ngsi_numeric_sync();
CREATE TRIGGER ngsi_numeric_update AFTER UPDATE OF attrs ON ngsi_entities FOR EACH ROW
  WHEN (OLD.attrs IS DISTINCT FROM NEW.attrs) EXECUTE FUNCTION ngsi_numeric_sync();

INSERT INTO ngsi_numeric (entity_id, attr, value) SELECT e.id, r.attr, r.value FROM ngsi_entities e, LATERAL ngsi_numeric_rows(e.attrs) r;
