-- A build of the demo city (the tables behind the base libraries) queues a run of their rules,
-- once per build (trigger_ref city-build:<id>), as a load does for its resource.
ALTER TABLE quality_runs DROP CONSTRAINT IF EXISTS quality_runs_trigger_check;
ALTER TABLE quality_runs ADD CONSTRAINT quality_runs_trigger_check CHECK (trigger IN ('load', 'build', 'schedule', 'manual'));
