// 视频智能识别 records and configuration: every detection is listed with what became of it; the
// scenario → category mapping and each scenario's minimum confidence are data a dispatcher edits;
// a detection below the minimum is recorded but raises no event; each caller sees only the
// detections of the events (or, without an event, the region) they may see.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cityMigrations } from '../../src/modules/city/index.ts';
import { identityMigrations } from '../../src/modules/identity/index.ts';
import { eventsMigrations, type DetectionList, type DetectionResult, type EventDetail, type EventList, type VideoScenario } from '../../src/modules/events/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { PLACES, seedCity, startEvents, type Harness } from './support.ts';

const at = (minutes: number) => new Date(Date.parse('2026-03-02T02:00:00Z') + minutes * 60_000).toISOString();
const detection = (over: Record<string, unknown> = {}) => ({
  cameraId: 'CAM-DCF-0201', scenario: 'exposed_garbage', detectedAt: at(0), confidence: 0.91,
  lon: PLACES.dongchangfu.lon, lat: PLACES.dongchangfu.lat, ...over,
});

forEachDatabase('video detections and scenarios', { migrations: [cityMigrations, identityMigrations, eventsMigrations] }, (ctx) => {
  let h: Harness;
  beforeAll(async () => {
    await seedCity(ctx.db);
    h = await startEvents(ctx.db, { staff: ['dispatcher-1', 'vendor-hikvision', 'hw-officer', 'lq-officer', 'lq-dispatcher'] });
  });
  afterAll(() => h.close());

  const detect = (body: Record<string, unknown>) => h.call<DetectionResult & { code?: string }>('POST', '/api/events/detections', body, 'vendor-hikvision');
  const list = (query: string, who = 'dispatcher-1') => h.call<DetectionList>('GET', `/api/events/detections${query}`, undefined, who);

  it('lists each detection with camera, scenario, time, confidence, snapshot count and the event it became or was merged into', async () => {
    const first = await detect(detection({ snapshotUrl: 'https://vendor.example/a.jpg', snapshotUrls: ['https://vendor.example/b.jpg'] }));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ outcome: 'created', created: true, detectionCount: 1 });
    const second = await detect(detection({ cameraId: 'CAM-DCF-0202', detectedAt: at(3), confidence: 0.77 }));
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ outcome: 'merged', eventId: first.body.eventId, detectionCount: 2 });

    const { status, body } = await list(`?eventId=${first.body.eventId}`);
    expect(status).toBe(200);
    expect(body.total).toBe(2);
    expect(body.items[0]).toMatchObject({ cameraId: 'CAM-DCF-0202', scenario: 'exposed_garbage', scenarioName: '暴露垃圾', detectedAt: at(3), confidence: 0.77, snapshotCount: 0, outcome: 'merged', eventId: first.body.eventId, districtCode: '371502' });
    expect(body.items[1]).toMatchObject({ cameraId: 'CAM-DCF-0201', snapshotCount: 2, outcome: 'created', eventId: first.body.eventId, actor: 'vendor-hikvision' });
    expect(body.items[1]?.eventTitle).toContain('暴露垃圾');
    const event = (await h.call<EventDetail>('GET', `/api/events/${first.body.eventId}`)).body;
    expect(event.attachments.map((a) => a.url)).toEqual(['https://vendor.example/a.jpg', 'https://vendor.example/b.jpg']);
    expect((await list('?cameraId=CAM-DCF-0202')).body.items.map((d) => d.eventId)).toEqual([first.body.eventId]);
  });

  it('lists the seeded scenarios with their categories and minimum confidence', async () => {
    const { status, body } = await h.call<VideoScenario[]>('GET', '/api/events/scenarios', undefined, 'hw-officer');
    expect(status).toBe(200);
    expect(body.map((s) => s.code)).toEqual(expect.arrayContaining(['muck_truck_uncovered', 'exposed_garbage', 'non_motor_disorder', 'piled_materials', 'crowd_gathering']));
    expect(body.find((s) => s.code === 'exposed_garbage')).toMatchObject({ categoryCode: 'SR01', categoryName: '暴露垃圾', minConfidence: 0.6 });
  });

  it('records a detection below its scenario\'s minimum confidence without raising an event', async () => {
    const raised = await h.call<VideoScenario>('PUT', '/api/events/scenarios/crowd_gathering', { nameZh: '人群聚集', nameEn: 'Crowd gathering', categoryCode: 'TF03', minConfidence: 0.9 });
    expect(raised.status).toBe(200);
    expect(raised.body).toMatchObject({ minConfidence: 0.9, updatedBy: 'dispatcher-1' });
    const before = (await h.call<EventList>('GET', '/api/events?source=video_ai')).body.total;
    const low = await detect(detection({ cameraId: 'CAM-CROWD-1', scenario: 'crowd_gathering', detectedAt: at(50), confidence: 0.85 }));
    expect(low.status).toBe(202);
    expect(low.body).toMatchObject({ outcome: 'below_confidence', eventId: null, created: false, detectionCount: 0 });
    expect((await h.call<EventList>('GET', '/api/events?source=video_ai')).body.total).toBe(before);
    const listed = (await list('?cameraId=CAM-CROWD-1')).body.items;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ outcome: 'below_confidence', confidence: 0.85, minConfidence: 0.9, eventId: null });
    // At or above the minimum it raises one.
    expect((await detect(detection({ cameraId: 'CAM-CROWD-1', scenario: 'crowd_gathering', detectedAt: at(51), confidence: 0.93 }))).body.outcome).toBe('created');
    expect((await list('?outcome=below_confidence')).body.items.map((d) => d.cameraId)).toEqual(['CAM-CROWD-1']);
  });

  it('a new scenario maps detections to its category; an unknown scenario or category is named', async () => {
    const added = await h.call<VideoScenario>('PUT', '/api/events/scenarios/illegal_parking', { nameZh: '机动车违停', nameEn: 'Illegal parking', categoryCode: 'JM01', minConfidence: 0.5 });
    expect(added.status).toBe(200);
    const r = await detect(detection({ cameraId: 'CAM-PARK-1', scenario: 'illegal_parking', detectedAt: at(70), confidence: 0.55 }));
    expect(r.status).toBe(201);
    const e = (await h.call<EventDetail>('GET', `/api/events/${r.body.eventId}`)).body;
    expect(e).toMatchObject({ categoryCode: 'JM01', source: 'video_ai' });
    expect(e.title).toContain('机动车违停');

    const unknown = await detect(detection({ scenario: 'ufo_landing' }));
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 'scenario_unknown' });
    expect(JSON.stringify(unknown.body)).toContain('/body/scenario');
    const badCategory = await h.call('PUT', '/api/events/scenarios/illegal_parking', { nameZh: '机动车违停', nameEn: 'Illegal parking', categoryCode: 'ZZ99', minConfidence: 0.5 });
    expect(badCategory.status).toBe(400);
    expect(JSON.stringify(badCategory.body)).toContain('/body/categoryCode');
    const badConfidence = await h.call('PUT', '/api/events/scenarios/illegal_parking', { nameZh: '机动车违停', nameEn: 'Illegal parking', categoryCode: 'JM01', minConfidence: 1.2 });
    expect(badConfidence.status).toBe(400);
    expect(JSON.stringify(badConfidence.body)).toContain('minConfidence');

    expect((await h.call('DELETE', '/api/events/scenarios/illegal_parking')).status).toBe(204);
    expect((await detect(detection({ cameraId: 'CAM-PARK-1', scenario: 'illegal_parking', detectedAt: at(90) }))).status).toBe(400);
    // The category is in use by a scenario: not deletable.
    expect((await h.call<{ code: string }>('DELETE', '/api/events/categories/TF03')).body.code).toBe('category_in_use');
  });

  it('only a dispatcher edits scenarios; each caller sees the detections of the events and region they may see', async () => {
    const refused = await h.call<{ code: string }>('PUT', '/api/events/scenarios/exposed_garbage', { nameZh: '暴露垃圾', nameEn: 'Exposed garbage', categoryCode: 'SR01', minConfidence: 0 }, 'hw-officer');
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('permission_denied');
    // 暴露垃圾 in 东昌府区 goes to 城管局 D07: its handler sees those detections; 临清's handler does not.
    const mine = (await list('?scenario=exposed_garbage', 'hw-officer')).body;
    expect(mine.total).toBeGreaterThanOrEqual(2);
    expect((await list('?scenario=exposed_garbage', 'lq-officer')).body.total).toBe(0);
    // A detection below the minimum in 临清 (no event) is seen by 临清's district dispatcher, not by 城管局.
    await detect(detection({ cameraId: 'CAM-LQ-1', scenario: 'crowd_gathering', detectedAt: at(120), confidence: 0.5, lon: PLACES.linqing.lon, lat: PLACES.linqing.lat }));
    expect((await list('?cameraId=CAM-LQ-1', 'lq-dispatcher')).body.items.map((d) => d.outcome)).toEqual(['below_confidence']);
    expect((await list('?cameraId=CAM-LQ-1', 'hw-officer')).body.total).toBe(0);
    expect((await list('?cameraId=CAM-LQ-1')).body.total).toBe(1);
  });

  it('answers vendors as docs/video-intake.md and the OpenAPI document say: each code described with an example', async () => {
    interface Media { schema: { examples?: Array<Record<string, unknown>> }; example?: Record<string, unknown>; examples?: Record<string, { value: Record<string, unknown> }> }
    const doc = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, Record<string, { responses: Record<string, { description: string; content?: Record<string, Media> }> }>> }>();
    const responses = doc.paths['/api/events/detections']?.post?.responses ?? {};
    expect(Object.keys(responses).sort()).toEqual(['200', '201', '202', '400', '401', '403', '409', '429', '500']);
    const examples = (status: string): Array<Record<string, unknown>> => {
      const content = responses[status]?.content ?? {};
      return Object.values(content).flatMap((m) => [...(m.example ? [m.example] : []), ...Object.values(m.examples ?? {}).map((e) => e.value), ...(m.schema.examples ?? [])]);
    };
    for (const [status, r] of Object.entries(responses)) {
      expect(r.description, status).not.toBe('Default Response');
      expect(examples(status).length, status).toBeGreaterThan(0);
    }
    expect(Object.keys(responses['400']?.content ?? {})).toEqual(['application/problem+json']);
    const documented = (status: string, code?: string) => examples(status).find((e) => code === undefined || e.code === code) ?? {};

    // Success answers: the status and outcome of each documented example.
    const spot = { detectedAt: at(200), lon: PLACES.dongchangfu.lon + 0.02 };
    const created = await detect(detection({ cameraId: 'CAM-DOC-1', ...spot }));
    const merged = await detect(detection({ cameraId: 'CAM-DOC-2', ...spot }));
    const below = await detect(detection({ cameraId: 'CAM-DOC-3', ...spot, confidence: 0.1 }));
    for (const [status, r] of [['201', created], ['200', merged], ['202', below]] as const) {
      expect(String(r.status)).toBe(status);
      expect(Object.keys(r.body).sort()).toEqual(Object.keys(documented(status)).sort());
      expect(r.body.outcome).toBe(documented(status).outcome);
    }
    expect(merged.body.eventId).toBe(created.body.eventId);

    // Error answers: problem+json naming the code and the field at fault, as documented.
    const expectProblem = async (res: { statusCode: number; headers: Record<string, unknown>; json: () => Record<string, unknown> }, status: number, code: string, field?: string) => {
      expect(res.statusCode).toBe(status);
      expect(String(res.headers['content-type'])).toContain('application/problem+json');
      const body = res.json();
      const doc = documented(String(status), code);
      const at = field ?? doc.field;
      expect(body).toMatchObject({ status, code, type: doc.type, title: doc.title, ...(at ? { field: at } : {}) });
      expect(typeof body.requestId).toBe('string');
      return body;
    };
    const post = (body: unknown, who: string | undefined, headers: Record<string, string> = {}) =>
      h.app.inject({ method: 'POST', url: '/api/events/detections', payload: body as Record<string, unknown>, headers: { ...(who ? { authorization: `Bearer ${who}` } : {}), ...headers } });
    const keyOf = async (login: string) => {
      const p = await h.principal(login);
      return (await h.identity.service.apiKeys.create(p, { name: 'doc', permissions: p.grants.flatMap((g) => g.permissions), expiresInDays: 1 })).key;
    };
    const vendor = await keyOf('vendor-hikvision');
    const bad = await expectProblem(await post(detection({ confidence: 1.5 }), vendor), 400, 'validation_failed');
    expect(bad.errors).toEqual([{ field: '/body/confidence', message: 'must be <= 1' }]);
    await expectProblem(await post({ ...detection(), cameraId: undefined }, vendor), 400, 'validation_failed', '/body/cameraId');
    const unknown = await expectProblem(await post(detection({ scenario: 'ufo_landing' }), vendor), 400, 'scenario_unknown');
    expect(unknown.scenario).toBe('ufo_landing');
    await expectProblem(await post(detection(), undefined), 401, 'unauthenticated');
    await expectProblem(await post(detection(), 'not-a-key'), 401, 'unauthenticated');
    await expectProblem(await post(detection(), await keyOf('hw-officer')), 403, 'permission_denied');
    const once = await post(detection({ cameraId: 'CAM-DOC-4', detectedAt: at(300) }), vendor, { 'idempotency-key': 'cam-doc-4-1' });
    const again = await post(detection({ cameraId: 'CAM-DOC-4', detectedAt: at(300) }), vendor, { 'idempotency-key': 'cam-doc-4-1' });
    expect([once.statusCode, again.statusCode, again.headers['idempotent-replayed']]).toEqual([201, 201, 'true']);
    expect(again.json()).toEqual(once.json());
    await expectProblem(await post(detection({ cameraId: 'CAM-DOC-4', detectedAt: at(301) }), vendor, { 'idempotency-key': 'cam-doc-4-1' }), 409, 'idempotency_key_reused');
  });
});
