-- 列映射 column mapping: the uploader's explicit file column → data item choices for a load
-- (header → item name, or null to leave the column out on purpose), kept for replay.
ALTER TABLE aggregation_loads ADD COLUMN mapping jsonb;
