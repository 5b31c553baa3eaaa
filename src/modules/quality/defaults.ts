// Default rules of the base libraries (基础库) whose rows the platform holds: population and legal
// entities are the demo city's city_residents / city_enterprises tables, divisions and grids its
// city_divisions / city_grids (catalog libraries.ts names them as the backing tables). They run on
// the daily schedule and on demand; the other base resources get rules when a department loads data.
import type { RuleKind, RuleParams } from './schemas.ts';

export interface DefaultRule {
  resourceCode: string;
  name: string;
  kind: RuleKind;
  field: string | null;
  params?: RuleParams;
}

const POPULATION = '371500-JC-RK-0001';
const LEGAL_ENTITIES = '371500-JC-FR-0001';
const DIVISIONS = '371500-JC-KJ-0001';
const GRIDS = '371500-JC-KJ-0002';

export const DEFAULT_RULES: readonly DefaultRule[] = [
  { resourceCode: POPULATION, name: '公民身份号码校验（GB 11643）', kind: 'resident_id', field: 'id_number' },
  { resourceCode: POPULATION, name: '公民身份号码唯一', kind: 'unique', field: 'id_number' },
  { resourceCode: POPULATION, name: '姓名不为空', kind: 'not_null', field: 'name' },
  { resourceCode: POPULATION, name: '性别取值', kind: 'in_set', field: 'sex', params: { values: ['male', 'female'] } },
  { resourceCode: POPULATION, name: '出生日期合理', kind: 'range', field: 'birth_date', params: { min: '1900-01-01', max: '2100-01-01' } },
  { resourceCode: POPULATION, name: '户号不为空', kind: 'not_null', field: 'household_id' },
  { resourceCode: POPULATION, name: '居住地代码有效（GB/T 2260）', kind: 'division_code', field: 'village_code' },
  { resourceCode: POPULATION, name: '联系电话格式', kind: 'phone', field: 'phone' },
  { resourceCode: POPULATION, name: '人口记录数', kind: 'row_count', field: null, params: { min: 1 } },
  { resourceCode: POPULATION, name: '按更新周期及时更新', kind: 'freshness', field: null },
  { resourceCode: LEGAL_ENTITIES, name: '统一社会信用代码校验（GB 32100）', kind: 'uscc', field: 'uscc' },
  { resourceCode: LEGAL_ENTITIES, name: '统一社会信用代码唯一', kind: 'unique', field: 'uscc' },
  { resourceCode: LEGAL_ENTITIES, name: '单位名称不为空', kind: 'not_null', field: 'name' },
  { resourceCode: LEGAL_ENTITIES, name: '法定代表人在人口库中存在', kind: 'consistency', field: 'legal_rep_id', params: { resource: POPULATION, target: 'id_number' } },
  { resourceCode: LEGAL_ENTITIES, name: '法定代表人身份号码校验', kind: 'resident_id', field: 'legal_rep_id' },
  { resourceCode: LEGAL_ENTITIES, name: '注册资本非负', kind: 'range', field: 'registered_capital', params: { min: 0 } },
  { resourceCode: LEGAL_ENTITIES, name: '所在区县代码有效', kind: 'division_code', field: 'district_code' },
  { resourceCode: LEGAL_ENTITIES, name: '法人记录数', kind: 'row_count', field: null, params: { min: 1 } },
  { resourceCode: DIVISIONS, name: '区划代码有效（GB/T 2260）', kind: 'division_code', field: 'code' },
  { resourceCode: DIVISIONS, name: '区划代码唯一', kind: 'unique', field: 'code' },
  { resourceCode: DIVISIONS, name: '层级取值', kind: 'in_set', field: 'level', params: { values: ['city', 'county', 'town', 'village'] } },
  { resourceCode: DIVISIONS, name: '经度在聊城范围', kind: 'range', field: 'lon', params: { min: 114.5, max: 117 } },
  { resourceCode: DIVISIONS, name: '纬度在聊城范围', kind: 'range', field: 'lat', params: { min: 35.3, max: 37.5 } },
  { resourceCode: GRIDS, name: '网格编码唯一', kind: 'unique', field: 'code' },
  { resourceCode: GRIDS, name: '所属村社区在区划库中存在', kind: 'consistency', field: 'village_code', params: { resource: DIVISIONS, target: 'code' } },
  { resourceCode: GRIDS, name: '户数非负', kind: 'range', field: 'households', params: { min: 0 } },
];
