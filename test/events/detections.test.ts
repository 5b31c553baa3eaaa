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
});
