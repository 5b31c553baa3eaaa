-- NGSI-LD context data (ETSI GS CIM 009): entities and subscriptions. Attribute names and entity
-- types are stored expanded (full IRIs); the API compacts them with the caller's @context.

CREATE TABLE ngsi_entities (
  id text PRIMARY KEY,
  -- expanded type IRI
  type text NOT NULL,
  -- expanded attribute name → the attribute in normalized form (one instance per attribute)
  attrs jsonb NOT NULL,
  -- set when the entity mirrors a registered device (its Device entity or its observed entity)
  device_id text,
  created_at timestamptz NOT NULL,
  modified_at timestamptz NOT NULL,
  -- the `location` GeoProperty (no PostGIS): its vertices as a polygon (GiST-indexed, exact
  -- containment / overlap) and its bounding box (distance for `near`)
  shape polygon,
  min_lon double precision,
  min_lat double precision,
  max_lon double precision,
  max_lat double precision
);
CREATE INDEX ngsi_entities_type ON ngsi_entities (type, id);
CREATE INDEX ngsi_entities_device ON ngsi_entities (device_id) WHERE device_id IS NOT NULL;
CREATE INDEX ngsi_entities_shape ON ngsi_entities USING gist (shape);
-- equality filters of `q` are written as containment (attrs @> …) so this index answers them
CREATE INDEX ngsi_entities_attrs ON ngsi_entities USING gin (attrs jsonb_path_ops);

-- Subscriptions (订阅): the request as given, expanded; the @context to compact notifications with.
CREATE TABLE ngsi_subscriptions (
  id text PRIMARY KEY,
  body jsonb NOT NULL,
  context jsonb NOT NULL,
  is_active boolean NOT NULL DEFAULT true,
  expires_at timestamptz,
  throttling double precision NOT NULL DEFAULT 0,
  times_sent integer NOT NULL DEFAULT 0,
  times_failed integer NOT NULL DEFAULT 0,
  last_notification timestamptz,
  last_success timestamptz,
  last_failure timestamptz,
  last_failure_reason text,
  created_at timestamptz NOT NULL,
  modified_at timestamptz NOT NULL
);

-- Attribute history of entities written through the API (devices' history is iot_telemetry).
CREATE TABLE ngsi_attr_history (
  entity_id text NOT NULL,
  attr text NOT NULL,
  observed_at timestamptz NOT NULL,
  instance jsonb NOT NULL,
  PRIMARY KEY (entity_id, attr, observed_at)
);
