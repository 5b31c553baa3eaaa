-- The numeric-index trigger (053) deleted and re-inserted every numeric attribute of an entity on
-- each update. Device readings update a few attributes of an entity many times a second, so an
-- update now writes only what changed: attributes whose JSON differs from the old row are
-- re-derived (upserted when still numeric, deleted when gone or no longer numeric); an unchanged
-- number is not written at all.
CREATE OR REPLACE FUNCTION ngsi_numeric_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed jsonb;
BEGIN
  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.id <> NEW.id) THEN
    DELETE FROM ngsi_numeric WHERE entity_id = OLD.id;
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND OLD.id <> NEW.id) THEN
    INSERT INTO ngsi_numeric (entity_id, attr, value) SELECT NEW.id, r.attr, r.value FROM ngsi_numeric_rows(NEW.attrs) r;
  END IF;
  IF TG_OP <> 'UPDATE' OR OLD.id <> NEW.id THEN
    RETURN NULL;
  END IF;
  SELECT coalesce(jsonb_object_agg(n.key, n.value), '{}'::jsonb) INTO changed
  FROM jsonb_each(NEW.attrs) n WHERE OLD.attrs -> n.key IS DISTINCT FROM n.value;
  DELETE FROM ngsi_numeric x WHERE x.entity_id = NEW.id
    AND (NOT NEW.attrs ? x.attr OR changed ? x.attr)
    AND NOT EXISTS (SELECT 1 FROM ngsi_numeric_rows(changed) r WHERE r.attr = x.attr);
  INSERT INTO ngsi_numeric (entity_id, attr, value) SELECT NEW.id, r.attr, r.value FROM ngsi_numeric_rows(changed) r
  ON CONFLICT (entity_id, attr) DO UPDATE SET value = excluded.value WHERE ngsi_numeric.value IS DISTINCT FROM excluded.value;
  RETURN NULL;
END
$$;
