-- 政务信息资源目录 government information resource catalog. One row per resource, its current
-- state; every change is also kept whole in catalog_resource_versions.

CREATE TABLE catalog_resources (
  code text PRIMARY KEY,
  name text NOT NULL,
  -- 分类 类/项/目/细目
  category text NOT NULL,
  item text,
  heading text,
  subheading text,
  -- 数源部门 source department
  department text NOT NULL,
  abstract text NOT NULL,
  format text NOT NULL,
  data_items jsonb NOT NULL,
  sharing_type text NOT NULL CHECK (sharing_type IN ('unconditional', 'conditional', 'none')),
  sharing_conditions text,
  sharing_method text,
  open_type text NOT NULL CHECK (open_type IN ('unconditional', 'conditional', 'none')),
  open_conditions text,
  update_cycle text NOT NULL,
  publish_date date,
  related text[] NOT NULL DEFAULT '{}',
  library_class text NOT NULL CHECK (library_class IN ('base', 'theme', 'topic', 'business')),
  library text,
  -- A table of another module that holds the data (base libraries backed by the demo city).
  backing_table text,
  version integer NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  updated_by text NOT NULL,
  -- CJK unigrams and bigrams and ASCII words with their prefixes (search-terms.ts); pg_trgm is not
  -- used because it drops CJK characters under the C locale.
  search_terms text[] NOT NULL
);
CREATE INDEX catalog_resources_terms_idx ON catalog_resources USING gin (search_terms);
CREATE INDEX catalog_resources_department_idx ON catalog_resources (department);
CREATE INDEX catalog_resources_library_idx ON catalog_resources (library_class, library);
CREATE INDEX catalog_resources_sharing_idx ON catalog_resources (sharing_type);
CREATE INDEX catalog_resources_open_idx ON catalog_resources (open_type);
CREATE INDEX catalog_resources_name_idx ON catalog_resources (length(name), code);

CREATE TABLE catalog_resource_versions (
  code text NOT NULL REFERENCES catalog_resources (code),
  version integer NOT NULL,
  snapshot jsonb NOT NULL,
  changed_at timestamptz NOT NULL,
  changed_by text NOT NULL,
  PRIMARY KEY (code, version)
);

-- 一数一源 one datum one source: a data element (数据元) is owned by exactly one resource; other
-- resources that carry it name that resource as its source.
CREATE TABLE catalog_element_sources (
  element text PRIMARY KEY,
  resource_code text NOT NULL REFERENCES catalog_resources (code),
  item_name text NOT NULL
);
CREATE INDEX catalog_element_sources_resource_idx ON catalog_element_sources (resource_code);
