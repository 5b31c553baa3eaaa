-- 联合处置 joint handling: each partner unit accepts (签收) and reports (反馈) its own part; the lead
-- reports the whole event once every partner has reported (or a dispatcher overrides with a reason).
-- A partner without a row has its part assigned and not yet accepted.
CREATE TABLE events_partner_parts (
  event_id bigint NOT NULL REFERENCES events_events (id),
  unit_code text NOT NULL,
  state text NOT NULL CHECK (state IN ('accepted', 'reported')),
  accepted_at timestamptz NOT NULL,
  accepted_by text NOT NULL,
  reported_at timestamptz,
  reported_by text,
  note text NOT NULL DEFAULT '',
  PRIMARY KEY (event_id, unit_code)
);
