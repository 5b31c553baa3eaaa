// Default rules of the six base libraries (基础库), whose rows are the demo city's tables (catalog
// libraries.ts names them as the backing tables): population and legal entities, divisions, grids
// and points of interest, e-licences (and each licence type's view), public credit records and
// the macro-economy series. They run on the daily schedule and on demand.
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
const POIS = '371500-JC-KJ-0003';
const LICENCES = '371500-JC-ZZ-0001';
const CREDIT = '371500-JC-XY-0001';
const ECONOMY = '371500-JC-JJ-0001';
const LICENCE_STATUSES = { values: ['valid', 'expired', 'revoked'] };

/** Each licence type's resource: its holders are in the population or the legal-entity library. */
const LICENCE_TYPES: ReadonlyArray<{ code: string; holder: 'person' | 'enterprise' }> = [
  { code: '371500-JC-ZZ-0002', holder: 'enterprise' },
  { code: '371500-JC-ZZ-0003', holder: 'enterprise' },
  { code: '371500-JC-ZZ-0004', holder: 'person' },
  { code: '371500-JC-ZZ-0005', holder: 'person' },
  { code: '371500-JC-ZZ-0006', holder: 'person' },
];

const licenceTypeRules = LICENCE_TYPES.flatMap(({ code, holder }): DefaultRule[] => [
  { resourceCode: code, name: '证照编号唯一', kind: 'unique', field: 'licence_no' },
  holder === 'person'
    ? { resourceCode: code, name: '持证人身份号码校验（GB 11643）', kind: 'resident_id', field: 'holder_id' }
    : { resourceCode: code, name: '持证主体信用代码校验（GB 32100）', kind: 'uscc', field: 'holder_id' },
  holder === 'person'
    ? { resourceCode: code, name: '持证人在人口库中存在', kind: 'consistency', field: 'holder_id', params: { resource: POPULATION, target: 'id_number' } }
    : { resourceCode: code, name: '持证主体在法人库中存在', kind: 'consistency', field: 'holder_id', params: { resource: LEGAL_ENTITIES, target: 'uscc' } },
  { resourceCode: code, name: '证照状态取值', kind: 'in_set', field: 'status', params: LICENCE_STATUSES },
  { resourceCode: code, name: '签发日期不为空', kind: 'not_null', field: 'issued_on' },
]);

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
  { resourceCode: POIS, name: '兴趣点编号唯一', kind: 'unique', field: 'poi_id' },
  { resourceCode: POIS, name: '兴趣点名称不为空', kind: 'not_null', field: 'name' },
  { resourceCode: POIS, name: '兴趣点类别取值', kind: 'in_set', field: 'category', params: { values: ['school', 'hospital', 'station', 'park', 'service_hall'] } },
  { resourceCode: POIS, name: '所在区县在区划库中存在', kind: 'consistency', field: 'district_code', params: { resource: DIVISIONS, target: 'code' } },
  { resourceCode: POIS, name: '经度在聊城范围', kind: 'range', field: 'lon', params: { min: 114.5, max: 117 } },
  { resourceCode: POIS, name: '纬度在聊城范围', kind: 'range', field: 'lat', params: { min: 35.3, max: 37.5 } },
  { resourceCode: LICENCES, name: '证照编号唯一', kind: 'unique', field: 'licence_no' },
  { resourceCode: LICENCES, name: '持证主体代码不为空', kind: 'not_null', field: 'holder_id' },
  { resourceCode: LICENCES, name: '证照类型取值', kind: 'in_set', field: 'licence_type', params: { values: ['营业执照', '食品经营许可证', '结婚证', '不动产权证书', '机动车驾驶证'] } },
  { resourceCode: LICENCES, name: '证照状态取值', kind: 'in_set', field: 'status', params: LICENCE_STATUSES },
  { resourceCode: LICENCES, name: '证照记录数', kind: 'row_count', field: null, params: { min: 1 } },
  ...licenceTypeRules,
  { resourceCode: CREDIT, name: '信用记录编号唯一', kind: 'unique', field: 'record_id' },
  { resourceCode: CREDIT, name: '主体信用代码校验（GB 32100）', kind: 'uscc', field: 'subject_code' },
  { resourceCode: CREDIT, name: '信用主体在法人库中存在', kind: 'consistency', field: 'subject_code', params: { resource: LEGAL_ENTITIES, target: 'uscc' } },
  { resourceCode: CREDIT, name: '记录类型取值', kind: 'in_set', field: 'record_type', params: { values: ['permit', 'penalty', 'red_list', 'black_list'] } },
  { resourceCode: CREDIT, name: '决定机关不为空', kind: 'not_null', field: 'authority' },
  { resourceCode: ECONOMY, name: '指标代码取值', kind: 'in_set', field: 'indicator', params: { values: ['gdp', 'retail_sales', 'fixed_asset_investment', 'registered_population'] } },
  { resourceCode: ECONOMY, name: '指标值不为空', kind: 'not_null', field: 'value' },
  { resourceCode: ECONOMY, name: '指标值非负', kind: 'range', field: 'value', params: { min: 0 } },
  { resourceCode: ECONOMY, name: '统计期格式（YYYY-MM）', kind: 'regex', field: 'period', params: { pattern: '^\\d{4}-(0[1-9]|1[0-2])$' } },
  { resourceCode: ECONOMY, name: '区划在区划库中存在', kind: 'consistency', field: 'division_code', params: { resource: DIVISIONS, target: 'code' } },
  { resourceCode: ECONOMY, name: '按更新周期及时更新', kind: 'freshness', field: null },
];
