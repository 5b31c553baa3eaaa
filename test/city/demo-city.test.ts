// The demo city built into each supported database: deterministic, valid identifiers,
// consistent references, coordinates inside the districts, and counts that match the tables.
import { beforeAll, expect, it } from 'vitest';
import { createLogger, fixedClock } from '../../src/kernel/index.ts';
import { parseResidentId, parseUscc } from '../../src/kernel/ids/index.ts';
import { buildDemoCity, CITY_BUILT, cityMigrations, createCityModule, type CityBuiltEvent, type CityService, type CitySummary, type DemoBuildProgress, type DemoBuildResult } from '../../src/modules/city/index.ts';
import type { Database } from '../../src/platform/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { catalogOf, cityChecksum, pointInDistrict } from './support.ts';

const PEOPLE = 3_000;
const SEED = 7;
const clock = fixedClock('2026-03-01T08:00:00Z');
// The rows of the 3 000-people city with seed 7, on every engine and machine. Update it only
// when the generator or the division data change on purpose (then say so in the CHANGELOG).
const PINNED_CHECKSUM = [
  'city_divisions:2553:09728c1419e6ba0cd8bfb3b67040f82d',
  'city_grids:2408:19a006951424c872cc3ae37c40877897',
  'city_households:2229:1456b0452e6ea44659846adf89ebb0a2',
  'city_residents:3000:f7e247262894b1ede8b60a2f004022c0',
  'city_enterprises:100:14150429596b9ea246790e1647f247db',
  'city_district_stats:2553:03dae9025dcf8ff0f7cdaf6260e6dbc7',
  'city_licences:2237:5eec21479a34ac40321c84c30eded20d',
  'city_pois:646:be3a38f458483a8d486232f1cf23df4f',
  'city_credit_records:118:8dcddba127c57f10f3db3de7504ae364',
  'city_economy_indicators:2160:de7262fcca85086ad2e2ef064135b48e',
].join(' ');

forEachDatabase('demo city', { migrations: [cityMigrations] }, (ctx) => {
  let service: CityService;
  let first: DemoBuildResult;
  let checksum: string;
  let migratedCatalog: string[];
  let before: CitySummary;
  const progress: DemoBuildProgress[] = [];
  const db = (): Database => ctx.db;
  const rows = async <T>(sql: string): Promise<T[]> => (await db().query<T>(sql)).rows;
  const count = async (table: string): Promise<number> => (await rows<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]?.n ?? -1;
  /** The city.build.completed events in the outbox, oldest first. */
  const builtEvents = async (): Promise<CityBuiltEvent[]> =>
    (await db().query<{ payload: unknown }>('SELECT payload FROM platform_outbox WHERE subject = $1 ORDER BY id', [CITY_BUILT])).rows.map((r) => (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as CityBuiltEvent);

  beforeAll(async () => {
    service = createCityModule({ db: db(), logger: createLogger({ level: 'silent' }), clock }).service;
    migratedCatalog = await catalogOf(db());
    before = await service.summary();
    first = await buildDemoCity(db(), { people: PEOPLE, seed: SEED, clock }, (p) => progress.push(p));
    checksum = await cityChecksum(db());
  });

  it('answers zeros before a build and reports every phase while building', () => {
    expect(before).toMatchObject({ population: 0, households: 0, enterprises: 0, grids: 0, builtAt: null });
    expect(before.districts.map((d) => [d.name, d.population])).toEqual([
      ['东昌府区', 0], ['茌平区', 0], ['阳谷县', 0], ['莘县', 0], ['东阿县', 0], ['冠县', 0], ['高唐县', 0], ['临清市', 0],
    ]);
    expect(first).toMatchObject({ people: PEOPLE, seed: SEED, reused: false, referenceDate: '2026-01-01' });
    expect(first.tables.residents).toBe(PEOPLE);
    expect(new Set(progress.map((p) => p.phase))).toEqual(new Set(['divisions', 'residents', 'enterprises', 'grids', 'libraries', 'indexes', 'stats']));
    expect(progress.at(-1)).toEqual({ phase: 'stats', done: progress.at(-1)?.total, total: progress.at(-1)?.total });
  });

  it('announces the finished build on the outbox with the tables and views behind the base libraries', async () => {
    const events = await builtEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ buildId: first.id, seed: SEED, people: PEOPLE, finishedAt: first.finishedAt });
    expect(events[0]?.tables).toEqual(expect.arrayContaining(['city_residents', 'city_enterprises', 'city_divisions', 'city_grids', 'city_pois', 'city_licences', 'city_licence_driving', 'city_credit_records', 'city_economy_indicators']));
  });

  it('builds byte-identical rows for the same seed and size on every engine', () => {
    expect(checksum).toBe(PINNED_CHECKSUM);
  });

  it('holds the real divisions of 聊城市: 8 districts, their towns and villages', async () => {
    const levels = await rows<{ level: string; n: number }>('SELECT level, count(*)::int AS n FROM city_divisions GROUP BY level ORDER BY level');
    expect(Object.fromEntries(levels.map((l) => [l.level, l.n]))).toMatchObject({ city: 1, county: 8 });
    expect(levels.find((l) => l.level === 'town')?.n).toBeGreaterThan(100);
    expect(levels.find((l) => l.level === 'village')?.n).toBeGreaterThan(2000);
    const orphans = await rows('SELECT d.code FROM city_divisions d LEFT JOIN city_divisions p ON p.code = d.parent_code WHERE d.level <> \'city\' AND p.code IS NULL');
    expect(orphans).toEqual([]);
  });

  it('gives every resident a valid ID whose division is the district and whose birth date is the birth_date', async () => {
    const residents = await rows<{ id_number: string; sex: string; birth_date: string; district_code: string }>(
      'SELECT id_number, sex, birth_date::text AS birth_date, district_code FROM city_residents',
    );
    expect(residents).toHaveLength(PEOPLE);
    const wrong = residents.filter((r) => {
      const p = parseResidentId(r.id_number);
      return !p.ok || p.value.divisionCode !== r.district_code || p.value.birthDate !== r.birth_date || p.value.sex !== r.sex;
    });
    expect(wrong).toEqual([]);
    const phones = await rows<{ phone: string }>('SELECT phone FROM city_residents WHERE phone IS NOT NULL');
    expect(new Set(phones.map((p) => p.phone)).size).toBe(phones.length);
    expect(phones.filter((p) => !/^1[3-9]\d{9}$/.test(p.phone))).toEqual([]);
  });

  it('keeps households whole: sizes match members, one head each, members in the household village', async () => {
    const bad = await rows(`
      SELECT h.id FROM city_households h JOIN city_residents r ON r.household_id = h.id
      GROUP BY h.id, h.size, h.head_id_number, h.village_code
      HAVING count(*) <> h.size OR count(*) FILTER (WHERE r.relation = 'head') <> 1
        OR bool_or(r.relation = 'head' AND r.id_number <> h.head_id_number) OR bool_or(r.village_code <> h.village_code)
        OR h.size NOT BETWEEN 1 AND 6`);
    expect(bad).toEqual([]);
  });

  it('gives every enterprise a valid credit code and an adult legal representative of its district', async () => {
    const enterprises = await rows<{ uscc: string; district_code: string; rep_district: string | null; rep_age: number | null; name: string }>(`
      SELECT e.uscc, e.name, e.district_code, r.district_code AS rep_district,
        extract(year FROM age(date '2026-01-01', r.birth_date))::int AS rep_age
      FROM city_enterprises e LEFT JOIN city_residents r ON r.id_number = e.legal_rep_id`);
    expect(Math.abs(enterprises.length - PEOPLE / 30)).toBeLessThanOrEqual(3);
    const wrong = enterprises.filter((e) => {
      const p = parseUscc(e.uscc);
      return !p.ok || p.value.divisionCode !== e.district_code || e.rep_district !== e.district_code || e.rep_age === null || e.rep_age < 18 || e.rep_age > 75;
    });
    expect(wrong).toEqual([]);
    expect(enterprises.filter((e) => !/^聊城市.+(区|县|市).+有限公司$/.test(e.name))).toEqual([]);
  });

  it('draws grids on villages and communities: at least one each, at most 300 households', async () => {
    const notOnVillage = await rows(
      "SELECT g.code FROM city_grids g LEFT JOIN city_divisions v ON v.code = g.village_code AND v.level = 'village' WHERE v.code IS NULL",
    );
    expect(notOnVillage).toEqual([]);
    const villagesWithout = await rows("SELECT v.code FROM city_divisions v WHERE v.level = 'village' AND NOT EXISTS (SELECT 1 FROM city_grids g WHERE g.village_code = v.code)");
    expect(villagesWithout).toEqual([]);
    const mismatched = await rows(`
      SELECT g.code FROM city_grids g LEFT JOIN (SELECT grid_code, count(*)::int AS n FROM city_households GROUP BY grid_code) h ON h.grid_code = g.code
      WHERE coalesce(h.n, 0) <> g.households OR g.households > 300 OR g.name NOT LIKE '%第_%网格'`);
    expect(mismatched).toEqual([]);
  });

  it('issues a business licence to every enterprise and marriage, real-estate and driving licences to residents', async () => {
    const byType = await rows<{ licence_type: string; holder_type: string; n: number }>(
      'SELECT licence_type, holder_type, count(*)::int AS n FROM city_licences GROUP BY 1, 2 ORDER BY 1',
    );
    const n = (type: string): number => byType.find((t) => t.licence_type === type)?.n ?? 0;
    expect(n('营业执照')).toBe(await count('city_enterprises'));
    for (const type of ['结婚证', '不动产权证书', '机动车驾驶证']) expect(n(type)).toBeGreaterThan(PEOPLE / 20);
    expect(byType.filter((t) => (t.holder_type === 'enterprise') !== ['营业执照', '食品经营许可证'].includes(t.licence_type))).toEqual([]);
    // Every holder exists in the population or legal-entity library, under the same name.
    const orphans = await rows(`
      SELECT l.licence_no FROM city_licences l
      LEFT JOIN city_residents r ON l.holder_type = 'person' AND r.id_number = l.holder_id
      LEFT JOIN city_enterprises e ON l.holder_type = 'enterprise' AND e.uscc = l.holder_id
      WHERE coalesce(r.name, e.name) IS DISTINCT FROM l.holder_name`);
    expect(orphans).toEqual([]);
    const badDates = await rows("SELECT licence_no FROM city_licences WHERE issued_on >= date '2026-01-01' OR valid_until <= issued_on OR (status = 'expired') <> coalesce(valid_until <= date '2026-01-01', false)");
    expect(badDates).toEqual([]);
    // The driving licence number is the holder's resident ID; a licence type is one view each.
    expect(await rows("SELECT licence_no FROM city_licences WHERE licence_type = '机动车驾驶证' AND licence_no <> holder_id")).toEqual([]);
    expect(await count('city_licence_marriage')).toBe(n('结婚证'));
    expect(await count('city_licence_driving')).toBe(n('机动车驾驶证'));
    expect(first.tables.licences).toBe(await count('city_licences'));
  });

  it('keeps 双公示 credit records for enterprises: a permit each, some penalties and list entries', async () => {
    const types = await rows<{ record_type: string; n: number }>('SELECT record_type, count(*)::int AS n FROM city_credit_records GROUP BY 1');
    const enterprises = await count('city_enterprises');
    expect(types.find((t) => t.record_type === 'permit')?.n).toBeGreaterThanOrEqual(enterprises);
    expect(await rows('SELECT c.record_id FROM city_credit_records c LEFT JOIN city_enterprises e ON e.uscc = c.subject_code AND e.name = c.subject_name WHERE e.uscc IS NULL')).toEqual([]);
    const revoked = await rows("SELECT l.holder_id FROM city_licences l WHERE l.status = 'revoked' AND l.licence_type = '营业执照' AND NOT EXISTS (SELECT 1 FROM city_credit_records c WHERE c.subject_code = l.holder_id AND c.record_type = 'black_list')");
    expect(revoked).toEqual([]);
    expect(first.tables.creditRecords).toBe(await count('city_credit_records'));
  });

  it('places points of interest of every category inside their districts', async () => {
    const geo = await service.districtsGeoJson();
    const pois = await rows<{ poi_id: string; name: string; category: string; district_code: string; lon: number; lat: number }>('SELECT * FROM city_pois');
    expect(new Set(pois.map((p) => p.category))).toEqual(new Set(['school', 'hospital', 'station', 'park', 'service_hall']));
    expect(pois.map((p) => p.name)).toEqual(expect.arrayContaining(['聊城站', '聊城市政务服务中心', '东阿县人民医院']));
    expect(pois.filter((p) => !pointInDistrict(geo, p.district_code, p.lon, p.lat))).toEqual([]);
    const towns = await count("city_divisions WHERE level = 'town'");
    expect(pois.length).toBeGreaterThan(towns * 4);
  });

  it('keeps monthly indicator series per district from 2021, and the city as the sum of its districts', async () => {
    const series = await rows<{ indicator: string; months: number; first: string; last: string }>(
      "SELECT indicator, count(DISTINCT period)::int AS months, min(period) AS first, max(period) AS last FROM city_economy_indicators GROUP BY 1 ORDER BY 1",
    );
    expect(series).toEqual(['fixed_asset_investment', 'gdp', 'registered_population', 'retail_sales'].map((indicator) => ({ indicator, months: 60, first: '2021-01', last: '2025-12' })));
    expect(await count('city_economy_indicators')).toBe(4 * 60 * 9);
    const mismatched = await rows(`
      SELECT c.indicator, c.period FROM city_economy_indicators c
      JOIN (SELECT indicator, period, sum(value) AS total FROM city_economy_indicators WHERE division_code <> '371500' GROUP BY 1, 2) d USING (indicator, period)
      WHERE c.division_code = '371500' AND abs(c.value - d.total) > 0.011`);
    expect(mismatched).toEqual([]);
    // The latest registered population is the demo district's residents.
    const latest = await rows<{ code: string; value: number; n: number }>(`
      SELECT i.division_code AS code, i.value::float8 AS value, (SELECT count(*)::int FROM city_residents r WHERE r.district_code = i.division_code) AS n
      FROM city_economy_indicators i WHERE i.indicator = 'registered_population' AND i.period = '2025-12' AND i.division_code <> '371500'`);
    expect(latest.filter((l) => l.value !== l.n)).toEqual([]);
  });

  it('puts every coordinate inside its district', async () => {
    const geo = await service.districtsGeoJson();
    const points = await rows<{ what: string; district: string; lon: number; lat: number }>(`
      SELECT 'resident:' || id_number AS what, district_code AS district, lon, lat FROM city_residents
      UNION ALL SELECT 'household:' || id, district_code, lon, lat FROM city_households
      UNION ALL SELECT 'enterprise:' || uscc, district_code, lon, lat FROM city_enterprises
      UNION ALL SELECT 'grid:' || code, district_code, lon, lat FROM city_grids
      UNION ALL SELECT 'village:' || v.code, t.parent_code, v.lon, v.lat FROM city_divisions v JOIN city_divisions t ON t.code = v.parent_code WHERE v.level = 'village'
      UNION ALL SELECT 'town:' || code, parent_code, lon, lat FROM city_divisions WHERE level = 'town'
      UNION ALL SELECT 'district:' || code, code, lon, lat FROM city_divisions WHERE level = 'county'`);
    expect(points.length).toBeGreaterThan(PEOPLE * 2);
    expect(points.filter((p) => !pointInDistrict(geo, p.district, p.lon, p.lat))).toEqual([]);
  });

  it('reports summary figures equal to the table counts', async () => {
    const summary = await service.summary();
    expect(summary.city).toEqual({ code: '371500', name: '聊城市' });
    expect(summary.population).toBe(await count('city_residents'));
    expect(summary.households).toBe(await count('city_households'));
    expect(summary.enterprises).toBe(await count('city_enterprises'));
    expect(summary.grids).toBe(await count('city_grids'));
    expect(summary.builtAt).toBe(first.finishedAt);
    expect(summary.districts).toHaveLength(8);
    const perDistrict = await rows<{ code: string; n: number }>('SELECT district_code AS code, count(*)::int AS n FROM city_residents GROUP BY 1');
    for (const d of summary.districts) expect(d.population).toBe(perDistrict.find((p) => p.code === d.code)?.n ?? 0);
    const towns = await rows<{ code: string; n: number }>("SELECT parent_code AS code, count(*)::int AS n FROM city_divisions WHERE level = 'town' GROUP BY 1");
    for (const d of summary.districts) expect(d.towns).toBe(towns.find((t) => t.code === d.code)?.n);
  });

  it('lists divisions with counts that match the tables', async () => {
    const towns = await service.listDivisions({ parent: '371502' });
    expect(towns.parent).toEqual({ code: '371502', name: '东昌府区', level: 'county' });
    const populations = await rows<{ code: string; n: number }>(
      "SELECT v.parent_code AS code, count(*)::int AS n FROM city_residents r JOIN city_divisions v ON v.code = r.village_code WHERE r.district_code = '371502' GROUP BY 1",
    );
    for (const t of towns.divisions) {
      expect(t.level).toBe('town');
      expect(t.population).toBe(populations.find((p) => p.code === t.code)?.n ?? 0);
      expect(t.children).toBe(t.villages);
    }
  });

  it('restores the keys and indexes of the migration after the bulk load', async () => {
    expect(await catalogOf(db())).toEqual(migratedCatalog);
  });

  it('does no work when the same city is asked for again', async () => {
    const calls: DemoBuildProgress[] = [];
    const builds = await count('city_builds');
    const again = await buildDemoCity(db(), { people: PEOPLE, seed: SEED }, (p) => calls.push(p));
    expect(again).toMatchObject({ id: first.id, reused: true, rows: first.rows });
    expect(calls).toEqual([]);
    expect(await count('city_builds')).toBe(builds);
    expect((await builtEvents()).map((e) => e.buildId)).toEqual([first.id]);
  });

  it('rebuilds identical rows with force, and different rows for another seed', async () => {
    const forced = await buildDemoCity(db(), { people: PEOPLE, seed: SEED, force: true });
    expect(forced.reused).toBe(false);
    expect((await builtEvents()).at(-1)?.buildId).toBe(forced.id);
    expect(forced.id).toBeGreaterThan(first.id);
    expect(await cityChecksum(db())).toBe(checksum);
    const other = await buildDemoCity(db(), { people: PEOPLE, seed: SEED + 1 });
    expect(other.reused).toBe(false);
    expect(await cityChecksum(db())).not.toBe(checksum);
  });

  it('cleans up a build that was interrupted and builds again', async () => {
    const before = await buildDemoCity(db(), { people: PEOPLE, seed: SEED });
    // A crash midway: the build row says 'building' and the tables are half full.
    await db().query("UPDATE city_builds SET status = 'building', finished_at = NULL WHERE id = $1", [before.id]);
    await db().query('DELETE FROM city_enterprises');
    expect((await service.summary()).builtAt).toBeNull();
    const after = await buildDemoCity(db(), { people: PEOPLE, seed: SEED });
    expect(after.reused).toBe(false);
    expect(await cityChecksum(db())).toBe(checksum);
    const old = await rows<{ status: string }>(`SELECT status FROM city_builds WHERE id = ${before.id}`);
    expect(old[0]?.status).toBe('failed');
  });

  it('refuses sizes and seeds out of range', async () => {
    await expect(buildDemoCity(db(), { people: 0, seed: 1 })).rejects.toMatchObject({ kind: 'invalid', code: 'build_options_invalid', details: { field: 'people' } });
    await expect(buildDemoCity(db(), { people: 10, seed: -1 })).rejects.toMatchObject({ kind: 'invalid', code: 'build_options_invalid', details: { field: 'seed' } });
  });
});
