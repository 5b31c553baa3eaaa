-- The other four base libraries of the demo city (六大基础库): e-licences, points of interest,
-- public credit records and macro-economy indicator series. Written only by the demo-city build
-- (generator/base-libraries.ts). The keys of city_licences are deferred like those of the big
-- tables in 001 (DEFERRED_SCHEMA in store.ts).

-- 电子证照 e-licences. holder_id is the resident ID of a person or the credit code (USCC) of an
-- enterprise; valid_until is null for licences without an expiry (长期). status: valid, expired,
-- revoked (注销/吊销).
CREATE TABLE city_licences (
  licence_no text NOT NULL,
  licence_type text NOT NULL,
  holder_type text NOT NULL CHECK (holder_type IN ('person', 'enterprise')),
  holder_id text NOT NULL,
  holder_name text NOT NULL,
  issuer text NOT NULL,
  issued_on date NOT NULL,
  valid_until date,
  status text NOT NULL CHECK (status IN ('valid', 'expired', 'revoked')),
  district_code text NOT NULL,
  CONSTRAINT city_licences_pkey PRIMARY KEY (licence_no)
);
CREATE INDEX city_licences_holder_idx ON city_licences (holder_id);
CREATE INDEX city_licences_type_idx ON city_licences (licence_type);

-- One view per licence type: each is catalogued as its own resource of the e-licence library.
CREATE VIEW city_licence_business AS SELECT * FROM city_licences WHERE licence_type = '营业执照';
CREATE VIEW city_licence_food AS SELECT * FROM city_licences WHERE licence_type = '食品经营许可证';
CREATE VIEW city_licence_marriage AS SELECT * FROM city_licences WHERE licence_type = '结婚证';
CREATE VIEW city_licence_real_estate AS SELECT * FROM city_licences WHERE licence_type = '不动产权证书';
CREATE VIEW city_licence_driving AS SELECT * FROM city_licences WHERE licence_type = '机动车驾驶证';

-- 兴趣点 points of interest: schools, hospitals, stations, parks, government service halls.
CREATE TABLE city_pois (
  poi_id text PRIMARY KEY,
  name text NOT NULL,
  category text NOT NULL CHECK (category IN ('school', 'hospital', 'station', 'park', 'service_hall')),
  address text NOT NULL,
  district_code text NOT NULL,
  town_code text NOT NULL,
  lon double precision NOT NULL,
  lat double precision NOT NULL
);
CREATE INDEX city_pois_category_idx ON city_pois (category);

-- 公共信用 public credit records of enterprises: 双公示 permits (行政许可) and penalties
-- (行政处罚), red list (守信激励) and black list (失信惩戒) entries.
CREATE TABLE city_credit_records (
  record_id text NOT NULL,
  subject_type text NOT NULL CHECK (subject_type IN ('person', 'enterprise')),
  subject_code text NOT NULL,
  subject_name text NOT NULL,
  record_type text NOT NULL CHECK (record_type IN ('permit', 'penalty', 'red_list', 'black_list')),
  content text NOT NULL,
  decided_on date NOT NULL,
  valid_until date,
  authority text NOT NULL,
  district_code text NOT NULL,
  CONSTRAINT city_credit_records_pkey PRIMARY KEY (record_id)
);
CREATE INDEX city_credit_records_subject_idx ON city_credit_records (subject_code);

-- 宏观经济 monthly indicator series per district and for the city (period YYYY-MM).
CREATE TABLE city_economy_indicators (
  indicator text NOT NULL,
  name text NOT NULL,
  period text NOT NULL,
  division_code text NOT NULL,
  value numeric(16, 2) NOT NULL,
  unit text NOT NULL,
  PRIMARY KEY (indicator, period, division_code)
);
