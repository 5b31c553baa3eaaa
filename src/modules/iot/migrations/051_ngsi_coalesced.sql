-- Notifications merged because a subscription's endpoint fell behind: its delivery queue is
-- bounded, and when full the waiting notifications are coalesced into one carrying the newest
-- state of each entity. Recorded in the subscription's notification status.
ALTER TABLE ngsi_subscriptions ADD COLUMN times_coalesced integer NOT NULL DEFAULT 0;
ALTER TABLE ngsi_subscriptions ADD COLUMN last_coalesced timestamptz;
