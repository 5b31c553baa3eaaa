// 图层来源 layer sources: the built-in layers of the one map and the layers made from catalogued
// resources with coordinates. Each source loads its features through another module's public
// service and names the bus subjects after which its features are stale.
import type { Feature, Geometry } from 'geojson';
import type { Clock } from '../../kernel/index.ts';
import type { AggregationService } from '../aggregation/index.ts';
import type { CatalogService, DataItem, Resource } from '../catalog/index.ts';
import type { CityService } from '../city/index.ts';
import type { EventPlaceUnits, EventsService, EventSummary } from '../events/index.ts';
import type { AlarmService, Device, DeviceRegistry } from '../iot/index.ts';
import type { GeometryType, Layer, LayerGroup, LayerStyle } from './schemas.ts';

/** Feature properties are flat (vector tiles carry strings, numbers and booleans only). */
export type FlatFeature = Feature<Geometry, Record<string, string | number | boolean>>;

export interface LayerSource {
  layer: Omit<Layer, 'tiles' | 'geojson' | 'refreshSeconds'>;
  /** Bus subject patterns after which the features are reloaded (NATS wildcards). */
  subjects: readonly string[];
  /** Reload at the latest after this long, for data that changes without a bus event. */
  ttlMs: number;
  /**
   * Features are events, each carrying the units that scope it (`departmentCode`, `partnerCodes`,
   * `districtCode`, `townCode`): a caller sees only those of their units and region, like the event list.
   */
  scoped?: 'events';
  /** The layer's name inside its vector tiles when it is not `layer.id` (a scoped view keeps its layer's). */
  tileLayer?: string;
  load(): Promise<{ features: FlatFeature[]; skipped: number }>;
}

export interface MapSourceDeps {
  clock: Clock;
  city: Pick<CityService, 'districtsGeoJson' | 'listDivisions' | 'gridPoints'>;
  events: Pick<EventsService, 'list' | 'viewer' | 'unitScope'>;
  devices: Pick<DeviceRegistry, 'list'>;
  alarms: Pick<AlarmService, 'listAlarms' | 'countAlarms'>;
  catalog: Pick<CatalogService, 'search' | 'get'>;
  rows: AggregationService['rows'];
  /** A device counts as online when it sent a reading this recently (default 15 minutes). */
  onlineWindowMs?: number;
}

const PAGE = 500;
const MAX_EVENTS = 50_000;
const MAX_ROWS = 100_000;
const HEAT_DAYS = 30;
const MINUTE = 60_000;

const point = (lon: number, lat: number, properties: Record<string, string | number | boolean>, id?: number): FlatFeature => ({
  type: 'Feature',
  ...(id === undefined ? {} : { id }),
  properties,
  geometry: { type: 'Point', coordinates: [lon, lat] },
});

function style(kind: LayerStyle['kind'], color: string, extra: Partial<LayerStyle> = {}): LayerStyle {
  return { kind, color, cluster: false, minZoom: 0, ...extra };
}

function builtin(id: string, nameZh: string, nameEn: string, group: LayerGroup, geometry: GeometryType, layerStyle: LayerStyle, source: string, permission: string) {
  return { id, nameZh, nameEn, group, geometry, style: layerStyle, source, permission };
}

async function allEvents(events: MapSourceDeps['events'], state: 'open' | undefined, stop: (e: EventSummary) => boolean): Promise<EventSummary[]> {
  const out: EventSummary[] = [];
  for (let offset = 0; offset < MAX_EVENTS; offset += PAGE) {
    const page = await events.list({ ...(state ? { state } : {}), limit: PAGE, offset });
    for (const e of page.items) {
      if (stop(e)) return out;
      out.push(e);
    }
    if (page.items.length < PAGE) break;
  }
  return out;
}

async function allDevices(devices: MapSourceDeps['devices']): Promise<Device[]> {
  const out: Device[] = [];
  for (let offset = 0; ; offset += 5000) {
    const page = await devices.list({ limit: 5000, offset });
    out.push(...page.devices);
    if (page.devices.length < 5000) return out;
  }
}

/** The units that scope an event feature (see `LayerSource.scoped`). */
const scopeProperties = (e: EventSummary) => ({
  departmentCode: e.departmentCode ?? '', partnerCodes: e.partnerCodes.join(','), districtCode: e.place.districtCode ?? '', townCode: e.place.townCode ?? '',
});

const eventProperties = (e: EventSummary) => ({
  id: e.id, title: e.title, category: e.categoryName, categoryCode: e.categoryCode, severity: e.severity, state: e.state, source: e.source,
  department: e.departmentName ?? '', overdue: e.overdue, createdAt: e.createdAt, ...scopeProperties(e),
});

/** The scoping facts back from a feature's flat properties. */
export function eventUnitsOf(p: Record<string, string | number | boolean>): EventPlaceUnits {
  const text = (k: string): string | null => {
    const v = p[k];
    return typeof v === 'string' && v !== '' ? v : null;
  };
  return { departmentCode: text('departmentCode'), partnerCodes: text('partnerCodes')?.split(',') ?? [], districtCode: text('districtCode'), townCode: text('townCode') };
}

/** The built-in layers: 区县边界, 乡镇街道, 网格, 物联设备, 活动告警, 在办事件, 事件热力. */
export function builtinSources(deps: MapSourceDeps): LayerSource[] {
  const onlineWindow = deps.onlineWindowMs ?? 15 * MINUTE;
  return [
    {
      layer: builtin('districts', '区县边界', 'District boundaries', 'basemap', 'polygon', style('fill', '#1668dc', { labelProperty: 'name' }), 'city', 'map.layer.read'),
      subjects: [],
      ttlMs: 10 * MINUTE,
      async load() {
        const fc = await deps.city.districtsGeoJson();
        return {
          skipped: 0,
          features: fc.features.map((f) => ({
            type: 'Feature' as const,
            properties: { code: f.properties.code, name: f.properties.name, population: f.properties.population, enterprises: f.properties.enterprises, grids: f.properties.grids },
            geometry: f.geometry as Geometry,
          })),
        };
      },
    },
    {
      layer: builtin('towns', '乡镇街道', 'Towns and streets', 'basemap', 'point', style('circle', '#722ed1', { labelProperty: 'name', minZoom: 8 }), 'city', 'map.layer.read'),
      subjects: [],
      ttlMs: 10 * MINUTE,
      async load() {
        const districts = (await deps.city.listDivisions({})).divisions;
        const towns = (await Promise.all(districts.map((d) => deps.city.listDivisions({ parent: d.code })))).flatMap((l) => l.divisions);
        return {
          skipped: 0,
          features: towns.map((t) => point(t.lon, t.lat, { code: t.code, name: t.name, districtCode: t.parentCode, population: t.population, grids: t.grids })),
        };
      },
    },
    {
      layer: builtin('grids', '网格', 'Grids', 'basemap', 'point', style('circle', '#13c2c2', { cluster: true, minZoom: 9 }), 'city', 'map.layer.read'),
      subjects: [],
      ttlMs: 10 * MINUTE,
      async load() {
        const grids = await deps.city.gridPoints();
        return { skipped: 0, features: grids.map((g) => point(g.lon, g.lat, { code: g.code, name: g.name, districtCode: g.districtCode, townCode: g.townCode, households: g.households })) };
      },
    },
    {
      layer: builtin('devices', '物联设备', 'IoT devices', 'iot', 'point',
        style('circle', '#52c41a', { cluster: true, colorBy: { property: 'online', values: { true: '#52c41a', false: '#8c8c8c' } } }), 'iot', 'iot.device.read'),
      subjects: ['iot.alarm.>', 'iot.device.>'],
      // Online state follows readings, which publish no bus event: refresh every minute.
      ttlMs: MINUTE,
      async load() {
        const now = deps.clock.now().getTime();
        const devices = await allDevices(deps.devices);
        return {
          skipped: 0,
          features: devices.map((d) =>
            point(d.lon, d.lat, {
              id: d.id, name: d.name, typeId: d.typeId, ownerDepartment: d.ownerDepartment, enabled: d.enabled,
              online: d.enabled && d.lastSeenAt !== null && now - new Date(d.lastSeenAt).getTime() <= onlineWindow, lastSeenAt: d.lastSeenAt ?? '',
            }),
          ),
        };
      },
    },
    {
      layer: builtin('alarms', '活动告警', 'Active alarms', 'iot', 'point', style('circle', '#f5222d'), 'iot', 'iot.alarm.read'),
      subjects: ['iot.alarm.>'],
      ttlMs: 10 * MINUTE,
      async load() {
        // Every open alarm, however many: count them in SQL, then ask for that many (and a margin for
        // alarms raised in between) — the HTTP route's page limit does not apply in process.
        const open = await deps.alarms.countAlarms({ status: 'open' });
        const [alarms, devices] = await Promise.all([deps.alarms.listAlarms({ status: 'open', limit: open + 1000 }), allDevices(deps.devices)]);
        const at = new Map(devices.map((d) => [d.id, d]));
        let skipped = 0;
        const features: FlatFeature[] = [];
        for (const a of alarms) {
          const d = at.get(a.deviceId);
          if (!d) {
            skipped++;
            continue;
          }
          features.push(point(d.lon, d.lat, { id: a.id, deviceId: a.deviceId, deviceName: a.deviceName, rule: a.ruleName, severity: a.severity, status: a.status, message: a.message, raisedAt: a.raisedAt }, a.id));
        }
        return { features, skipped };
      },
    },
    {
      layer: builtin('events-open', '在办事件', 'Open events', 'events', 'point',
        style('circle', '#fa8c16', { cluster: true, colorBy: { property: 'severity', values: { normal: '#fa8c16', major: '#fa541c', urgent: '#f5222d' } } }), 'events', 'events.event.read'),
      subjects: ['events.event.>'],
      ttlMs: 10 * MINUTE,
      scoped: 'events',
      async load() {
        const events = await allEvents(deps.events, 'open', () => false);
        const placed = events.filter((e) => e.place.lon !== null && e.place.lat !== null);
        return { skipped: events.length - placed.length, features: placed.map((e) => point(e.place.lon as number, e.place.lat as number, eventProperties(e), e.id)) };
      },
    },
    {
      layer: builtin('events-heat', `事件热力（近${HEAT_DAYS}天）`, `Event heat map (last ${HEAT_DAYS} days)`, 'events', 'point', style('heatmap', '#f5222d', { cluster: true }), 'events', 'events.event.read'),
      subjects: ['events.event.>'],
      ttlMs: 10 * MINUTE,
      scoped: 'events',
      async load() {
        const since = deps.clock.now().getTime() - HEAT_DAYS * 24 * 60 * MINUTE;
        const events = await allEvents(deps.events, undefined, (e) => new Date(e.createdAt).getTime() < since);
        const placed = events.filter((e) => e.place.lon !== null && e.place.lat !== null);
        return { skipped: events.length - placed.length, features: placed.map((e) => point(e.place.lon as number, e.place.lat as number, { id: e.id, categoryCode: e.categoryCode, severity: e.severity, ...scopeProperties(e) }, e.id)) };
      },
    },
  ];
}

// ---- Catalogued resources with coordinates (目录资源图层) ----

const LON_NAMES = new Set(['lon', 'lng', 'long', 'longitude', 'jd', 'x_lon']);
const LAT_NAMES = new Set(['lat', 'latitude', 'wd', 'y_lat']);
const GEOMETRY_NAMES = new Set(['geometry', 'geom', 'the_geom', 'wkt', 'shape', 'location_geojson']);

export type CoordinateColumns = { kind: 'lonlat'; lon: string; lat: string } | { kind: 'geometry'; column: string };

/** The columns that place a resource's rows on the map: lon/lat (经度/纬度) items, or a geometry item (GeoJSON or WKT). */
export function coordinateColumns(items: readonly DataItem[]): CoordinateColumns | null {
  const lon = items.find((i) => LON_NAMES.has(i.name) || i.title.includes('经度'));
  const lat = items.find((i) => LAT_NAMES.has(i.name) || i.title.includes('纬度'));
  if (lon && lat && lon !== lat) return { kind: 'lonlat', lon: lon.name, lat: lat.name };
  const geometry = items.find((i) => GEOMETRY_NAMES.has(i.name) || i.title.includes('几何') || i.title.includes('空间范围'));
  return geometry ? { kind: 'geometry', column: geometry.name } : null;
}

const num = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
};

const inRange = (lon: number, lat: number) => lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90;

/** A GeoJSON geometry object or text, or WKT POINT / POLYGON / LINESTRING text; null when unusable. */
export function parseGeometry(v: unknown): Geometry | null {
  if (v && typeof v === 'object' && 'type' in v && 'coordinates' in v) return v as Geometry;
  if (typeof v !== 'string') return null;
  const s = v.trim();
  if (s.startsWith('{')) {
    try {
      const g = JSON.parse(s) as unknown;
      return g && typeof g === 'object' && 'type' in g && 'coordinates' in g ? (g as Geometry) : null;
    } catch {
      return null;
    }
  }
  const m = /^(POINT|LINESTRING|POLYGON)\s*\((.*)\)$/i.exec(s);
  if (!m?.[1] || m[2] === undefined) return null;
  const pair = (t: string): [number, number] | null => {
    const [a, b] = t.trim().split(/\s+/).map(Number);
    return a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b) && inRange(a, b) ? [a, b] : null;
  };
  const list = (t: string) => t.replace(/[()]/g, '').split(',').map(pair);
  const kind = m[1].toUpperCase();
  if (kind === 'POINT') {
    const p = pair(m[2]);
    return p ? { type: 'Point', coordinates: p } : null;
  }
  const coords = list(m[2]);
  if (coords.some((c) => c === null) || coords.length < 2) return null;
  const cs = coords as Array<[number, number]>;
  return kind === 'LINESTRING' ? { type: 'LineString', coordinates: cs } : { type: 'Polygon', coordinates: [cs] };
}

const PALETTE = ['#2f54eb', '#eb2f96', '#faad14', '#13c2c2', '#a0d911', '#722ed1', '#fa541c', '#1890ff'];

/** The layer of a catalogued resource, or null when its data items carry no coordinates. */
export function catalogSource(resource: Resource, rows: MapSourceDeps['rows']): LayerSource | null {
  const columns = coordinateColumns(resource.dataItems);
  if (!columns) return null;
  let hash = 0;
  for (const ch of resource.code) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const color = PALETTE[hash % PALETTE.length] ?? '#2f54eb';
  const shown = resource.dataItems.filter((i) => i.sensitivity === 'public' || i.sensitivity === 'internal').map((i) => i.name).slice(0, 12);
  const geometry: GeometryType = columns.kind === 'lonlat' ? 'point' : 'polygon';
  return {
    layer: {
      id: `res:${resource.code}`,
      nameZh: resource.name,
      nameEn: resource.name,
      group: 'catalog',
      geometry,
      style: columns.kind === 'lonlat' ? style('circle', color, { cluster: true }) : style('fill', color),
      source: `catalog:${resource.code}`,
      permission: 'aggregation.load.read',
    },
    subjects: [],
    ttlMs: 10 * MINUTE,
    async load() {
      const features: FlatFeature[] = [];
      let skipped = 0;
      for (let offset = 0; offset < MAX_ROWS; offset += 5000) {
        const page = await rows(resource.code, 5000, offset);
        for (const row of page.rows) {
          const properties: Record<string, string | number | boolean> = {};
          for (const name of shown) {
            const v = row[name];
            if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') properties[name] = v;
            else if (v instanceof Date) properties[name] = v.toISOString();
          }
          let g: Geometry | null = null;
          if (columns.kind === 'lonlat') {
            const lon = num(row[columns.lon]);
            const lat = num(row[columns.lat]);
            if (lon !== null && lat !== null && inRange(lon, lat)) g = { type: 'Point', coordinates: [lon, lat] };
          } else g = parseGeometry(row[columns.column]);
          if (g) features.push({ type: 'Feature', properties, geometry: g });
          else skipped++;
        }
        if (page.rows.length < 5000) break;
      }
      return { features, skipped };
    },
  };
}
