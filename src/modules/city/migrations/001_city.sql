-- 城市基础数据 city base data: the divisions, grids, households, residents and enterprises of the
-- demo city (聊城市 371500). Rows are written only by the demo-city build (generator/build.ts).
--
-- The build lifts the keys and indexes of the three big tables during its bulk load and puts
-- them back afterwards (DEFERRED_SCHEMA in store.ts lists them and must match this file; a test
-- compares the catalog after a build with the catalog after this migration).

-- 行政区划 divisions: the city, its 8 county-level districts, their towns/streets (镇/乡/街道)
-- and villages/communities (村/社区), with a representative point each.
CREATE TABLE city_divisions (
  code text PRIMARY KEY,
  name text NOT NULL,
  level text NOT NULL CHECK (level IN ('city', 'county', 'town', 'village')),
  parent_code text NOT NULL,
  lon double precision NOT NULL,
  lat double precision NOT NULL
);
CREATE INDEX city_divisions_parent_idx ON city_divisions (parent_code);

-- 网格 grids drawn on villages and communities, about 300 households each.
CREATE TABLE city_grids (
  code text PRIMARY KEY,
  name text NOT NULL,
  village_code text NOT NULL REFERENCES city_divisions (code),
  town_code text NOT NULL,
  district_code text NOT NULL,
  households integer NOT NULL,
  lon double precision NOT NULL,
  lat double precision NOT NULL
);
CREATE INDEX city_grids_village_idx ON city_grids (village_code);
CREATE INDEX city_grids_district_idx ON city_grids (district_code);

-- 户 households; head_id_number is the 户主.
CREATE TABLE city_households (
  id text NOT NULL,
  head_id_number text NOT NULL,
  size smallint NOT NULL,
  address text NOT NULL,
  village_code text NOT NULL,
  town_code text NOT NULL,
  district_code text NOT NULL,
  grid_code text NOT NULL,
  lon double precision NOT NULL,
  lat double precision NOT NULL,
  CONSTRAINT city_households_pkey PRIMARY KEY (id),
  CONSTRAINT city_households_grid_code_fkey FOREIGN KEY (grid_code) REFERENCES city_grids (code)
);
CREATE INDEX city_households_village_idx ON city_households (village_code);
CREATE INDEX city_households_grid_idx ON city_households (grid_code);

-- 居民 residents. relation: 与户主关系 (head, spouse, child, child_in_law, grandchild, parent).
-- Children under 12 have no phone.
CREATE TABLE city_residents (
  id_number text NOT NULL,
  name text NOT NULL,
  sex text NOT NULL CHECK (sex IN ('male', 'female')),
  birth_date date NOT NULL,
  relation text NOT NULL,
  household_id text NOT NULL,
  village_code text NOT NULL,
  district_code text NOT NULL,
  phone text,
  lon double precision NOT NULL,
  lat double precision NOT NULL,
  CONSTRAINT city_residents_pkey PRIMARY KEY (id_number),
  CONSTRAINT city_residents_phone_key UNIQUE (phone),
  CONSTRAINT city_residents_household_id_fkey FOREIGN KEY (household_id) REFERENCES city_households (id)
);
CREATE INDEX city_residents_district_idx ON city_residents (district_code);
CREATE INDEX city_residents_village_idx ON city_residents (village_code);
CREATE INDEX city_residents_household_idx ON city_residents (household_id);

-- 企业 enterprises. industry: GB/T 4754-2017 section letter; registered_capital in 万元
-- (ten thousand yuan), as registries state it.
CREATE TABLE city_enterprises (
  uscc text NOT NULL,
  name text NOT NULL,
  legal_rep_id text NOT NULL,
  district_code text NOT NULL,
  village_code text NOT NULL,
  industry text NOT NULL,
  registered_capital numeric(14, 2) NOT NULL,
  established_on date NOT NULL,
  lon double precision NOT NULL,
  lat double precision NOT NULL,
  CONSTRAINT city_enterprises_pkey PRIMARY KEY (uscc),
  CONSTRAINT city_enterprises_legal_rep_id_fkey FOREIGN KEY (legal_rep_id) REFERENCES city_residents (id_number)
);
CREATE INDEX city_enterprises_district_idx ON city_enterprises (district_code);
CREATE INDEX city_enterprises_legal_rep_idx ON city_enterprises (legal_rep_id);
CREATE INDEX city_enterprises_village_idx ON city_enterprises (village_code);

-- Counts per division (every level: city, districts, towns, villages), written at the end of a
-- build so the summary and the division lists never scan the big tables. towns and villages
-- count the divisions below.
CREATE TABLE city_district_stats (
  code text PRIMARY KEY,
  population integer NOT NULL,
  households integer NOT NULL,
  enterprises integer NOT NULL,
  grids integer NOT NULL,
  towns integer NOT NULL,
  villages integer NOT NULL
);

-- Demo-city builds; the newest row describes what the tables hold.
CREATE TABLE city_builds (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  seed bigint NOT NULL,
  people integer NOT NULL,
  reference_date date NOT NULL,
  status text NOT NULL CHECK (status IN ('building', 'done', 'failed')),
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  row_counts jsonb NOT NULL DEFAULT '{}',
  error text
);
