// /api/city over HTTP: shapes the console relies on, and bad input answered with 4xx naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, fixedClock } from '../../src/kernel/index.ts';
import { generateUscc, residentIdCheckDigit, usccCheckChar } from '../../src/kernel/ids/index.ts';
import { cityMigrations, createCityModule, type CitySummary, type DivisionList, type Enterprise, type Resident } from '../../src/modules/city/index.ts';
import { createHttpServer, createMemoryRateLimiter, createMetrics, type Database, type HttpApp } from '../../src/platform/index.ts';
import { openTestDatabase } from '../support/databases.ts';

interface ProblemBody {
  status: number;
  code: string;
  field?: string;
  reason?: string;
}

/** The same number with a wrong check character. */
const breakCheck = (value: string, right: string, alphabet: string): string =>
  value.slice(0, 17) + (alphabet.split('').find((c) => c !== right) ?? '0');

describe('city HTTP routes', () => {
  let app: HttpApp;
  let db: Database;
  let closeDb: () => Promise<void>;
  let residentId: string;
  let uscc: string;

  beforeAll(async () => {
    const opened = await openTestDatabase('pglite', [cityMigrations]);
    db = opened.db;
    closeDb = opened.close;
    const logger = createLogger({ level: 'silent' });
    const city = createCityModule({ db, logger, clock: fixedClock('2026-03-01T00:00:00Z') });
    app = await createHttpServer({ logger, db, metrics: createMetrics(), rateLimiter: createMemoryRateLimiter(), rateLimitPerMinute: 10_000, version: 'test' });
    await app.register(city.routes, { prefix: '/api/city' });
    await app.ready();
    await city.service.buildDemoCity({ people: 1_000, seed: 3 });
    const r = await db.query<{ id_number: string; uscc: string }>(
      'SELECT e.legal_rep_id AS id_number, e.uscc FROM city_enterprises e ORDER BY e.uscc LIMIT 1',
    );
    residentId = r.rows[0]?.id_number ?? '';
    uscc = r.rows[0]?.uscc ?? '';
  });

  afterAll(async () => {
    await app.close();
    await closeDb();
  });

  const get = (url: string) => app.inject({ method: 'GET', url });

  it('GET /summary answers the city and its 8 districts', async () => {
    const res = await get('/api/city/summary');
    expect(res.statusCode).toBe(200);
    const body = res.json<CitySummary>();
    expect(body.city).toEqual({ code: '371500', name: '聊城市' });
    expect(body.population).toBe(1_000);
    expect(body.districts).toHaveLength(8);
    expect(Object.keys(body.districts[0] ?? {}).sort()).toEqual(['code', 'enterprises', 'grids', 'households', 'name', 'population', 'towns', 'villages']);
    expect(typeof body.builtAt).toBe('string');
  });

  it('GET /districts.geojson answers a FeatureCollection as application/geo+json', async () => {
    const res = await get('/api/city/districts.geojson');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/geo+json');
    const body = res.json<{ type: string; features: { properties: Record<string, unknown>; geometry: { type: string; coordinates: unknown[] } }[] }>();
    expect(body.type).toBe('FeatureCollection');
    expect(body.features).toHaveLength(8);
    expect(Object.keys(body.features[0]?.properties ?? {}).sort()).toEqual(['code', 'enterprises', 'grids', 'name', 'population']);
    expect(body.features[0]?.geometry.coordinates.length).toBeGreaterThan(0);
  });

  it('GET /divisions lists the districts by default and the towns of a district', async () => {
    const districts = (await get('/api/city/divisions')).json<DivisionList>();
    expect(districts.parent).toEqual({ code: '371500', name: '聊城市', level: 'city' });
    expect(districts.divisions.map((d) => d.name)).toContain('临清市');
    const towns = await get('/api/city/divisions?parent=371581');
    expect(towns.statusCode).toBe(200);
    expect(towns.json<DivisionList>().divisions.every((d) => d.level === 'town' && d.parentCode === '371581')).toBe(true);
  });

  it('GET /divisions refuses a malformed code (400, field) and an unknown one (404)', async () => {
    const bad = await get('/api/city/divisions?parent=37x');
    expect(bad.statusCode).toBe(400);
    expect(bad.json<ProblemBody>().field).toContain('parent');
    const unknown = await get('/api/city/divisions?parent=110000');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json<ProblemBody>().code).toBe('division_not_found');
  });

  it('GET /residents/:idNumber finds a resident, with household and divisions', async () => {
    const res = await get(`/api/city/residents/${residentId}`);
    expect(res.statusCode).toBe(200);
    const body = res.json<Resident>();
    expect(body.idNumber).toBe(residentId);
    expect(body.district.code).toBe(residentId.slice(0, 6));
    expect(body.household.address).toContain(body.district.name);
    expect(body.birthDate.replace(/-/g, '')).toBe(residentId.slice(6, 14));
  });

  it('GET /residents/:idNumber: bad shape is a 400 naming the field, wrong check digit says why, unknown is 404', async () => {
    const shape = await get('/api/city/residents/12345');
    expect(shape.statusCode).toBe(400);
    expect(shape.json<ProblemBody>()).toMatchObject({ code: 'validation_failed' });
    expect(shape.json<ProblemBody>().field).toContain('idNumber');

    const wrong = breakCheck(residentId, residentIdCheckDigit(residentId.slice(0, 17)), '0123456789X');
    const check = await get(`/api/city/residents/${wrong}`);
    expect(check.statusCode).toBe(400);
    expect(check.json<ProblemBody>()).toMatchObject({ code: 'resident_id_invalid', field: 'idNumber', reason: 'checksum' });

    const first17 = '11010519491231002';
    const stranger = await get(`/api/city/residents/${first17}${residentIdCheckDigit(first17)}`);
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json<ProblemBody>().code).toBe('resident_not_found');
  });

  it('GET /enterprises/:uscc finds an enterprise with its legal representative', async () => {
    const res = await get(`/api/city/enterprises/${uscc.toLowerCase()}`);
    expect(res.statusCode).toBe(200);
    const body = res.json<Enterprise>();
    expect(body.uscc).toBe(uscc);
    expect(body.legalRep.idNumber).toBe(residentId);
    expect(body.industry.name.length).toBeGreaterThan(0);
  });

  it('GET /enterprises/:uscc: wrong check character says why, unknown is 404', async () => {
    const wrong = breakCheck(uscc, usccCheckChar(uscc.slice(0, 17)), '0123456789ABCDEFGHJKLMNPQRTUWXY');
    const check = await get(`/api/city/enterprises/${wrong}`);
    expect(check.statusCode).toBe(400);
    expect(check.json<ProblemBody>()).toMatchObject({ code: 'uscc_invalid', field: 'uscc', reason: 'checksum' });
    const shape = await get('/api/city/enterprises/91371500');
    expect(shape.statusCode).toBe(400);
    expect(shape.json<ProblemBody>().field).toContain('uscc');
    const unknown = await get(`/api/city/enterprises/${generateUscc({ divisionCode: '110105', orgBody: '00000000' })}`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json<ProblemBody>().code).toBe('enterprise_not_found');
  });
});
