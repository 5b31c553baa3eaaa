// 视频智能识别 the video intake's records and configuration: the detections as they arrived (camera,
// scenario, confidence, snapshots and what became of each) and the scenarios — which category a
// scenario raises and the minimum confidence below which a detection raises no event.
import type { Clock } from '../../kernel/index.ts';
import { eventsError } from './errors.ts';
import type { Viewer } from './org.ts';
import type { Detection, DetectionList, DetectionListQuery, VideoScenario, VideoScenarioInput } from './schemas.ts';
import { type DetectionRow, type EventsStore, iso, type ScenarioRow } from './store.ts';

export interface DetectionService {
  /** Detections, newest first; a viewer gets those of the events they see and those without an event in their region. */
  detections(query: DetectionListQuery, caller?: Viewer): Promise<DetectionList>;
  scenarios(): Promise<VideoScenario[]>;
  /** Add or change a scenario (its category must be an active one in the catalogue). */
  putScenario(code: string, input: VideoScenarioInput, actor: string): Promise<VideoScenario>;
  deleteScenario(code: string): Promise<void>;
}

export function createDetectionService(deps: { store: EventsStore; clock: Clock; /** A scenario was added, changed or deleted (drops the intake's cached copy). */ scenariosChanged?: () => void }): DetectionService {
  const { store, clock } = deps;
  const changed = () => deps.scenariosChanged?.();
  const categoryNames = async () => new Map((await store.categories(true)).map((c) => [c.code, c] as const));
  const toScenario = (r: ScenarioRow, names: Map<string, { name: string }>): VideoScenario => ({
    code: r.code, nameZh: r.name_zh, nameEn: r.name_en, categoryCode: r.category_code, categoryName: names.get(r.category_code)?.name ?? null,
    minConfidence: Number(r.min_confidence), updatedAt: iso(r.updated_at), updatedBy: r.updated_by,
  });
  const toDetection = (r: DetectionRow, scenarioNames: Map<string, string>): Detection => ({
    id: Number(r.id), cameraId: r.camera_id, scenario: r.scenario, scenarioName: scenarioNames.get(r.scenario) ?? null, detectedAt: iso(r.detected_at), receivedAt: iso(r.received_at),
    confidence: Number(r.confidence), minConfidence: r.min_confidence === null ? null : Number(r.min_confidence), snapshotCount: Number(r.snapshot_count), snapshotUrls: r.snapshot_urls,
    lon: Number(r.lon), lat: Number(r.lat), districtCode: r.district_code, outcome: r.outcome, eventId: r.event_id === null ? null : Number(r.event_id),
    eventTitle: r.event_title, eventState: r.event_state, actor: r.actor,
  });

  return {
    async detections(query, caller) {
      const scope = caller ? { all: caller.read.all, units: [...caller.read.units], region: [...caller.read.region] } : undefined;
      const { total, rows } = await store.listDetections({ ...query, ...(scope ? { scope } : {}) });
      const names = new Map((await store.scenarios()).map((s) => [s.code, s.name_zh]));
      return { total, items: rows.map((r) => toDetection(r, names)) };
    },
    async scenarios() {
      const names = await categoryNames();
      return (await store.scenarios()).map((r) => toScenario(r, names));
    },
    async putScenario(code, input, actor) {
      const names = await categoryNames();
      const category = names.get(input.categoryCode);
      if (!category || !category.active) throw eventsError('category_unknown', `no active category ${input.categoryCode}`, { field: '/body/categoryCode' });
      await store.putScenario({ code, nameZh: input.nameZh.trim(), nameEn: input.nameEn.trim(), categoryCode: input.categoryCode, minConfidence: input.minConfidence, actor, at: clock.now() });
      changed();
      const row = (await store.scenarios()).find((s) => s.code === code);
      if (!row) throw eventsError('scenario_not_found', `scenario ${code} was not saved`, { field: '/params/code' });
      return toScenario(row, names);
    },
    async deleteScenario(code) {
      if (!(await store.deleteScenario(code))) throw eventsError('scenario_not_found', `no video scenario ${code}`, { field: '/params/code' });
      changed();
    },
  };
}
