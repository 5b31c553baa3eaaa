-- Transactional outbox (发件箱): events written in the same transaction as the change that caused
-- them, published to the bus afterwards by the relay, at least once.
CREATE TABLE platform_outbox (
  id bigserial PRIMARY KEY,
  event_id uuid NOT NULL UNIQUE,
  subject text NOT NULL,
  payload jsonb NOT NULL,
  occurred_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  claimed_until timestamptz,
  published_at timestamptz
);

CREATE INDEX platform_outbox_pending ON platform_outbox (id) WHERE published_at IS NULL;

-- Idempotency keys for POSTs that create something: a retried request returns the first answer.
CREATE TABLE platform_idempotency (
  key text NOT NULL,
  scope text NOT NULL,
  request_hash text NOT NULL,
  status int NOT NULL,
  response jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, key)
);
