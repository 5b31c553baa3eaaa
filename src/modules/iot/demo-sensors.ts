// 演示城市传感器 the demo city's sensors: water levels along Liaocheng's rivers (徒骇河, 马颊河,
// 京杭运河, 黄河), rain gauges per district, air-quality and water-quality stations, manholes and
// sewer / water-supply pipe monitoring points in the old town, smart poles carrying several
// sensors, parking, soil moisture and pollution sources —
// with default alarm rules. Registered idempotently when the demo city is built and by
// `citybrain simulate --register`; `citybrain simulate` drives them.
import { isAppError } from '../../kernel/index.ts';
import type { RuleInput } from './alarm-schemas.ts';
import type { AlarmService } from './alarms.ts';
import type { DeviceRegistry } from './registry.ts';
import type { AccessTier, DeviceInput } from './schemas.ts';

/** A demo sensor: a device and, for river gauges, its warning (警戒) and danger (保证) levels. */
export interface DemoSensor extends DeviceInput {
  /** District (GB/T 2260) the sensor stands in. */
  districtCode: string;
  /** Water level sensors: normal height, warning level and danger level (m). */
  levels?: { normal: number; warning: number; danger: number };
}

const DISTRICTS: Record<string, string> = {
  '371502': '东昌府区',
  '371503': '茌平区',
  '371521': '阳谷县',
  '371522': '莘县',
  '371524': '东阿县',
  '371525': '冠县',
  '371526': '高唐县',
  '371581': '临清市',
};

const WATER = '聊城市水利局';
const ENV = '聊城市生态环境局';
const URBAN = '聊城市城市管理局';

function sensor(id: string, typeId: string, name: string, ownerDepartment: string, lon: number, lat: number, districtCode: string, accessTier: AccessTier, extra: Partial<DemoSensor> = {}): DemoSensor {
  return { id, typeId, name, ownerDepartment, lon, lat, districtCode, accessTier, parentId: null, ...extra };
}

/** River gauges: [river, code, lon, lat, district, normal, warning, danger]. */
const GAUGES: Array<[string, string, number, number, string, number, number, number]> = [
  ['徒骇河', 'THH', 115.62, 36.12, '371522', 2.1, 3.6, 4.5],
  ['徒骇河', 'THH', 115.8, 36.27, '371521', 2.3, 3.8, 4.7],
  ['徒骇河', 'THH', 115.96, 36.4, '371502', 2.6, 4.0, 5.0],
  ['徒骇河', 'THH', 116.1, 36.52, '371503', 2.4, 3.9, 4.8],
  ['徒骇河', 'THH', 116.35, 36.85, '371526', 2.2, 3.7, 4.6],
  ['马颊河', 'MJH', 115.5, 36.1, '371522', 1.8, 3.2, 4.0],
  ['马颊河', 'MJH', 115.62, 36.33, '371522', 1.9, 3.3, 4.1],
  ['马颊河', 'MJH', 115.8, 36.55, '371502', 2.0, 3.4, 4.3],
  ['马颊河', 'MJH', 115.95, 36.75, '371581', 2.1, 3.5, 4.4],
  ['京杭运河', 'YH', 116.02, 36.15, '371521', 1.5, 2.8, 3.5],
  ['京杭运河', 'YH', 115.99, 36.32, '371502', 1.6, 2.9, 3.6],
  ['京杭运河', 'YH', 115.85, 36.66, '371502', 1.6, 2.9, 3.6],
  ['京杭运河', 'YH', 115.72, 36.85, '371581', 1.4, 2.7, 3.4],
  ['黄河', 'HH', 116.1, 36.12, '371521', 38.5, 41.0, 42.5],
  ['黄河', 'HH', 116.3, 36.28, '371524', 37.2, 39.8, 41.3],
];

/** The demo sensors, in a fixed order (river gauges first). */
export function demoSensors(): DemoSensor[] {
  const list: DemoSensor[] = [];
  const perRiver = new Map<string, number>();
  for (const [river, code, lon, lat, district, normal, warning, danger] of GAUGES) {
    const n = (perRiver.get(code) ?? 0) + 1;
    perRiver.set(code, n);
    const id = `LC-WL-${code}-${String(n).padStart(2, '0')}`;
    list.push(sensor(id, 'WaterLevelSensor', `${river}${DISTRICTS[district] ?? ''}水位站 ${n} 号`, WATER, lon, lat, district, 'core', { levels: { normal, warning, danger } }));
  }
  // One rain gauge (雨量站) per district, near its seat.
  const seats: Array<[string, number, number]> = [
    ['371502', 115.99, 36.44], ['371503', 116.25, 36.58], ['371521', 115.78, 36.11], ['371522', 115.67, 36.24],
    ['371524', 116.25, 36.33], ['371525', 115.44, 36.48], ['371526', 116.23, 36.85], ['371581', 115.7, 36.84],
  ];
  for (const [district, lon, lat] of seats) {
    list.push(sensor(`LC-RG-${district}`, 'RainGauge', `${DISTRICTS[district] ?? ''}雨量站`, WATER, lon, lat, district, 'important'));
  }
  list.push(sensor('LC-FM-THH-01', 'FlowMeter', '徒骇河东昌府区流量站', WATER, 115.965, 36.405, '371502', 'important'));
  list.push(sensor('LC-FM-MJH-01', 'FlowMeter', '马颊河临清市流量站', WATER, 115.955, 36.745, '371581', 'important'));
  // 空气质量监测站 air-quality stations: two in the city centre, one per other district seat.
  list.push(sensor('LC-AQ-01', 'AirQualityStation', '东昌府区古楼空气站', ENV, 115.985, 36.455, '371502', 'important'));
  list.push(sensor('LC-AQ-02', 'AirQualityStation', '东昌府区开发区空气站', ENV, 116.03, 36.43, '371502', 'important'));
  for (const [i, [district, lon, lat]] of seats.slice(1).entries()) {
    list.push(sensor(`LC-AQ-${String(i + 3).padStart(2, '0')}`, 'AirQualityStation', `${DISTRICTS[district] ?? ''}空气站`, ENV, lon + 0.01, lat + 0.005, district, 'general'));
  }
  list.push(sensor('LC-WQ-01', 'WaterQualityStation', '徒骇河东昌府区水质站', ENV, 115.955, 36.395, '371502', 'important'));
  list.push(sensor('LC-WQ-02', 'WaterQualityStation', '马颊河莘县水质站', ENV, 115.61, 36.32, '371522', 'important'));
  list.push(sensor('LC-WQ-03', 'WaterQualityStation', '东昌湖水质站', ENV, 115.975, 36.44, '371502', 'important'));
  list.push(sensor('LC-PS-01', 'PollutionSourceMonitor', '茌平区工业园污染源在线监测', ENV, 116.27, 36.6, '371503', 'core'));
  list.push(sensor('LC-PS-02', 'PollutionSourceMonitor', '临清市污水处理厂排口监测', ENV, 115.72, 36.83, '371581', 'core'));
  // 井盖/管网 manholes and pipes of the old town, where waterlogging (内涝) shows first.
  const manholes: Array<[number, number]> = [[115.975, 36.452], [115.982, 36.447], [115.99, 36.458], [116.0, 36.45], [115.97, 36.462], [115.995, 36.44]];
  for (const [i, [lon, lat]] of manholes.entries()) {
    list.push(sensor(`LC-MH-${String(i + 1).padStart(2, '0')}`, 'ManholeSensor', `东昌府区排水井 ${i + 1} 号`, URBAN, lon, lat, '371502', 'important'));
  }
  // 管网 pipe networks of the old town: sewer monitoring points fill with the rain (满管 before the
  // streets flood), water-supply points follow the day's demand.
  const sewers: Array<[number, number]> = [[115.977, 36.45], [115.986, 36.455], [115.993, 36.445], [115.972, 36.458]];
  for (const [i, [lon, lat]] of sewers.entries()) {
    list.push(sensor(`LC-PN-SW-${String(i + 1).padStart(2, '0')}`, 'SewerPipeSensor', `东昌府区排水管网监测点 ${i + 1} 号`, URBAN, lon, lat, '371502', 'important'));
  }
  const mains: Array<[number, number]> = [[115.98, 36.448], [115.996, 36.452], [116.012, 36.44]];
  for (const [i, [lon, lat]] of mains.entries()) {
    list.push(sensor(`LC-PN-WS-${String(i + 1).padStart(2, '0')}`, 'WaterSupplyPipeSensor', `东昌府区供水管网监测点 ${i + 1} 号`, URBAN, lon, lat, '371502', 'important'));
  }
  // 智慧灯杆 smart poles, each carrying an air sensor and a rain sensor of its own.
  const poles: Array<[number, number]> = [[115.978, 36.456], [115.988, 36.451], [116.005, 36.446], [115.968, 36.448]];
  for (const [i, [lon, lat]] of poles.entries()) {
    const pole = `LC-POLE-${String(i + 1).padStart(2, '0')}`;
    list.push(sensor(pole, 'SmartPole', `东昌府区智慧灯杆 ${i + 1} 号`, URBAN, lon, lat, '371502', 'general'));
    list.push(sensor(`${pole}-AQ`, 'AirQualityStation', `智慧灯杆 ${i + 1} 号空气传感器`, URBAN, lon, lat, '371502', 'general', { parentId: pole }));
    list.push(sensor(`${pole}-RG`, 'RainGauge', `智慧灯杆 ${i + 1} 号雨量传感器`, URBAN, lon, lat, '371502', 'general', { parentId: pole }));
  }
  // 停车位 parking spots around the old town.
  for (let i = 0; i < 8; i++) {
    list.push(sensor(`LC-PK-${String(i + 1).padStart(2, '0')}`, 'ParkingSpotSensor', `古楼停车场车位 ${i + 1}`, '聊城市交通运输局', 115.983 + (i % 4) * 0.0004, 36.453 + Math.floor(i / 4) * 0.0004, '371502', 'general'));
  }
  list.push(sensor('LC-SM-01', 'SoilMoistureSensor', '莘县农田墒情站', '聊城市农业农村局', 115.55, 36.2, '371522', 'general'));
  list.push(sensor('LC-SM-02', 'SoilMoistureSensor', '冠县农田墒情站', '聊城市农业农村局', 115.47, 36.5, '371525', 'general'));
  return list;
}

/** Default rules (默认规则): warning and danger levels per river gauge, type-wide limits for the rest. */
export function demoRules(sensors: readonly DemoSensor[] = demoSensors()): RuleInput[] {
  const rules: RuleInput[] = [];
  for (const s of sensors) {
    if (!s.levels) continue;
    rules.push({ name: `${s.name} 超警戒水位 ${s.levels.warning} m`, deviceId: s.id, kind: 'threshold', attribute: 'height', operator: '>', threshold: s.levels.warning, severity: 'major', enabled: true });
    rules.push({ name: `${s.name} 超保证水位 ${s.levels.danger} m`, deviceId: s.id, kind: 'threshold', attribute: 'height', operator: '>', threshold: s.levels.danger, severity: 'critical', enabled: true });
  }
  const typeRule = (name: string, typeId: string, attribute: string, operator: RuleInput['operator'], threshold: number, severity: RuleInput['severity']): RuleInput => ({
    name, typeId, kind: 'threshold', attribute, operator, threshold, severity, enabled: true,
  });
  rules.push(typeRule('短时强降水 ≥ 20 mm/h', 'RainGauge', 'precipitation', '>=', 20, 'major'));
  rules.push(typeRule('特大暴雨 ≥ 50 mm/h', 'RainGauge', 'precipitation', '>=', 50, 'critical'));
  rules.push(typeRule('PM2.5 中度污染 > 115 µg/m³', 'AirQualityStation', 'pm25', '>', 115, 'major'));
  rules.push(typeRule('井内积水 > 1.5 m（内涝）', 'ManholeSensor', 'waterLevel', '>', 1.5, 'major'));
  rules.push(typeRule('井盖倾斜 > 15°', 'ManholeSensor', 'tilt', '>', 15, 'major'));
  rules.push(typeRule('可燃气体 > 50 ppm', 'ManholeSensor', 'gasConcentration', '>', 50, 'critical'));
  rules.push(typeRule('排水管道充满度 > 90%（满管）', 'SewerPipeSensor', 'fillLevel', '>', 90, 'major'));
  rules.push(typeRule('供水管网低压 < 150 kPa', 'WaterSupplyPipeSensor', 'pressure', '<', 150, 'minor'));
  rules.push(typeRule('COD 超标 > 100 mg/L', 'PollutionSourceMonitor', 'cod', '>', 100, 'major'));
  rules.push(typeRule('溶解氧过低 < 3 mg/L', 'WaterQualityStation', 'o2', '<', 3, 'minor'));
  return rules;
}

export interface DemoRegistration {
  created: number;
  existing: number;
  rulesCreated: number;
}

/** Register the demo sensors and their default rules; what exists already is left as it is. */
export async function registerDemoSensors(deps: { registry: DeviceRegistry; alarms: AlarmService }): Promise<DemoRegistration> {
  const sensors = demoSensors();
  const result: DemoRegistration = { created: 0, existing: 0, rulesCreated: 0 };
  for (const { districtCode: _district, levels: _levels, ...device } of sensors) {
    try {
      await deps.registry.register(device);
      result.created++;
    } catch (err) {
      if (!isAppError(err) || err.code !== 'device_exists') throw err;
      result.existing++;
    }
  }
  const existing = new Set((await deps.alarms.listRules()).map((r) => `${r.deviceId ?? ''}\u0000${r.typeId ?? ''}\u0000${r.name}`));
  for (const rule of demoRules(sensors)) {
    if (existing.has(`${rule.deviceId ?? ''}\u0000${rule.typeId ?? ''}\u0000${rule.name}`)) continue;
    await deps.alarms.createRule(rule);
    result.rulesCreated++;
  }
  return result;
}
