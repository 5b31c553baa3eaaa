-- 三张清单 the sharing, open and e-licence lists: each published version frozen whole, with who
-- published it and when. The current (unpublished) generation is computed from catalog_resources.
CREATE TABLE catalog_list_versions (
  kind text NOT NULL CHECK (kind IN ('sharing', 'open', 'licence')),
  version integer NOT NULL,
  published_at timestamptz NOT NULL,
  published_by text NOT NULL,
  note text,
  entry_count integer NOT NULL,
  entries jsonb NOT NULL,
  PRIMARY KEY (kind, version)
);
