// 六大基础库 the six base libraries with their reference schemas, and the theme-library templates
// (主题库) a department starts from. The base resources are backed by the demo city's tables (and,
// for each licence type, by a view of its licences).
import type { DataItem, ResourceInput, ThemeTemplate } from './schemas.ts';

const item = (name: string, title: string, type: DataItem['type'], sensitivity: DataItem['sensitivity'], extra: Partial<DataItem> = {}): DataItem => ({
  name,
  title,
  type,
  sensitivity,
  ...extra,
});

export const BASE_LIBRARIES = [
  { library: 'population', title: '人口基础库', titleEn: 'Population' },
  { library: 'legal_entity', title: '法人基础库', titleEn: 'Legal entities' },
  { library: 'e_licence', title: '电子证照库', titleEn: 'E-licences' },
  { library: 'spatial', title: '空间地理库', titleEn: 'Spatial geography' },
  { library: 'credit', title: '公共信用库', titleEn: 'Public credit' },
  { library: 'macro_economy', title: '宏观经济库', titleEn: 'Macro economy' },
] as const;

export const THEME_LIBRARIES = [
  { library: 'ecology', title: '生态环境主题库', titleEn: 'Ecology' },
  { library: 'health', title: '医疗健康主题库', titleEn: 'Health' },
  { library: 'social_security', title: '社会保障主题库', titleEn: 'Social security' },
  { library: 'transport', title: '交通出行主题库', titleEn: 'Transport' },
  { library: 'water', title: '水利水务主题库', titleEn: 'Water' },
] as const;

type BaseResource = ResourceInput & { backingTable?: string };

const base = (r: Omit<BaseResource, 'classification' | 'libraryClass' | 'format' | 'publishDate'> & { heading: string }): BaseResource => {
  const { heading, ...rest } = r;
  return { ...rest, classification: { category: '基础信息资源类', item: BASE_LIBRARIES.find((l) => l.library === r.library)?.title ?? '', heading }, libraryClass: 'base', format: 'database', publishDate: '2026-01-01' };
};

const POPULATION = '371500-JC-RK-0001';
const LEGAL_ENTITIES = '371500-JC-FR-0001';
const DIVISIONS = '371500-JC-KJ-0001';
const LICENCES = '371500-JC-ZZ-0001';

const LICENCE_STATUS = '状态（valid 有效 / expired 过期 / revoked 注销）';

function licenceItems(holder?: 'person' | 'enterprise'): DataItem[] {
  // The holder's code is a data element of the population or the legal-entity library (一数一源).
  const holderElement = holder === 'person' ? { element: 'DE01001', source: POPULATION } : holder === 'enterprise' ? { element: 'DE02001', source: LEGAL_ENTITIES } : {};
  return [
    item('licence_no', '证照编号', 'string', 'internal', { key: true, ...(holder ? { element: 'DE03001', source: LICENCES } : { element: 'DE03001' }) }),
    item('licence_type', '证照类型', 'string', 'public', { required: true }),
    item('holder_type', '持证主体类型（person 自然人 / enterprise 法人）', 'string', 'public'),
    item('holder_id', holder === 'enterprise' ? '持证主体统一社会信用代码' : holder === 'person' ? '持证人公民身份号码' : '持证主体代码', holder === 'enterprise' ? 'uscc' : holder === 'person' ? 'resident_id' : 'string', holder === 'enterprise' ? 'public' : 'sensitive', { required: true, ...holderElement }),
    item('holder_name', '持证主体名称', 'string', holder === 'enterprise' ? 'public' : 'sensitive'),
    item('issuer', '发证机关', 'string', 'public'),
    item('issued_on', '签发日期', 'date', 'internal'),
    item('valid_until', '有效期至', 'date', 'internal'),
    item('status', LICENCE_STATUS, 'string', 'internal'),
    item('district_code', '所在区县代码', 'division_code', 'public'),
  ];
}

/** One licence type (证照类型) of the e-licence library, backed by its view of city_licences. */
function licenceType(code: string, name: string, department: string, view: string, holder: 'person' | 'enterprise', abstract: string): BaseResource {
  return base({
    code, name, heading: name, library: 'e_licence', department, backingTable: view, abstract,
    dataItems: licenceItems(holder),
    sharing: { type: 'conditional', conditions: '用于政务服务办理中的证照核验', method: '接口' },
    open: { type: 'none', conditions: '涉及个人及企业信息' },
    updateCycle: 'realtime',
    related: [LICENCES, holder === 'person' ? POPULATION : LEGAL_ENTITIES],
  });
}

/** The base-library resources catalogued on first start, each after the resources it relates to. */
export const BASE_RESOURCES: readonly BaseResource[] = [
  base({
    code: '371500-JC-RK-0001', name: '人口基础信息', heading: '户籍人口', library: 'population', department: '市公安局', backingTable: 'city_residents',
    abstract: '全市常住人口的身份、户籍、住址与联系方式，来自人口普查口径的基础数据。',
    dataItems: [
      item('id_number', '公民身份号码', 'resident_id', 'confidential', { key: true, element: 'DE01001' }),
      item('name', '姓名', 'string', 'sensitive', { required: true, element: 'DE01002' }),
      item('sex', '性别', 'string', 'internal', { element: 'DE01003' }),
      item('birth_date', '出生日期', 'date', 'sensitive', { element: 'DE01004' }),
      item('household_id', '户号', 'string', 'sensitive'),
      item('village_code', '居住地村（社区）代码', 'division_code', 'internal'),
      item('phone', '联系电话', 'string', 'confidential', { element: 'DE01005' }),
    ],
    sharing: { type: 'conditional', conditions: '仅限依法履职需要，按最小必要原则申请', method: '接口' }, open: { type: 'none', conditions: '涉及个人信息' }, updateCycle: 'daily',
  }),
  base({
    code: '371500-JC-FR-0001', name: '法人单位基础信息', heading: '企业法人', library: 'legal_entity', department: '市市场监督管理局', backingTable: 'city_enterprises',
    abstract: '全市企业法人的统一社会信用代码、名称、法定代表人、行业与注册资本。',
    dataItems: [
      item('uscc', '统一社会信用代码', 'uscc', 'public', { key: true, element: 'DE02001' }),
      item('name', '单位名称', 'string', 'public', { required: true, element: 'DE02002' }),
      item('legal_rep_id', '法定代表人身份号码', 'resident_id', 'confidential', { element: 'DE01001', source: '371500-JC-RK-0001' }),
      item('industry', '行业门类', 'string', 'public'),
      item('registered_capital', '注册资本（万元）', 'decimal', 'public'),
      item('established_on', '成立日期', 'date', 'public'),
      item('district_code', '所在区县代码', 'division_code', 'public'),
    ],
    sharing: { type: 'unconditional', method: '接口' }, open: { type: 'unconditional' }, updateCycle: 'daily',
    related: [POPULATION],
  }),
  base({
    code: '371500-JC-ZZ-0001', name: '电子证照目录信息', heading: '证照目录', library: 'e_licence', department: '市行政审批服务局', backingTable: 'city_licences',
    abstract: '全市签发的各类电子证照的目录：证照类型、编号、持证主体、发证机关、有效期与状态。',
    dataItems: licenceItems(),
    sharing: { type: 'conditional', conditions: '用于政务服务办理中的证照核验', method: '接口' }, open: { type: 'none', conditions: '涉及个人及企业信息' }, updateCycle: 'realtime',
    related: [POPULATION, LEGAL_ENTITIES],
  }),
  licenceType('371500-JC-ZZ-0002', '营业执照', '市市场监督管理局', 'city_licence_business', 'enterprise', '企业法人营业执照，编号为统一社会信用代码（三证合一）。'),
  licenceType('371500-JC-ZZ-0003', '食品经营许可证', '市市场监督管理局', 'city_licence_food', 'enterprise', '食品销售与餐饮服务经营者的食品经营许可证，有效期五年。'),
  licenceType('371500-JC-ZZ-0004', '结婚证', '市民政局', 'city_licence_marriage', 'person', '婚姻登记机关颁发的结婚证，夫妻双方各持一本。'),
  licenceType('371500-JC-ZZ-0005', '不动产权证书', '市自然资源和规划局', 'city_licence_real_estate', 'person', '不动产统一登记后颁发的不动产权证书。'),
  licenceType('371500-JC-ZZ-0006', '机动车驾驶证', '市公安局交通警察支队', 'city_licence_driving', 'person', '机动车驾驶证，证号为持证人公民身份号码，有效期六年或十年。'),
  base({
    code: '371500-JC-KJ-0001', name: '行政区划信息', heading: '行政区划', library: 'spatial', department: '市民政局', backingTable: 'city_divisions',
    abstract: '市、区县、乡镇街道、村社区四级行政区划代码（GB/T 2260）与代表点坐标。',
    dataItems: [
      item('code', '区划代码', 'division_code', 'public', { key: true, element: 'DE04001' }),
      item('name', '区划名称', 'string', 'public', { required: true }),
      item('level', '层级', 'string', 'public'),
      item('parent_code', '上级区划代码', 'division_code', 'public'),
      item('lon', '经度', 'decimal', 'public'),
      item('lat', '纬度', 'decimal', 'public'),
    ],
    sharing: { type: 'unconditional', method: '接口' }, open: { type: 'unconditional' }, updateCycle: 'yearly',
  }),
  base({
    code: '371500-JC-KJ-0002', name: '网格划分信息', heading: '网格', library: 'spatial', department: '市委政法委', backingTable: 'city_grids',
    abstract: '基层社会治理网格：网格编码、所属村社区、户数与中心点坐标。',
    dataItems: [
      item('code', '网格编码', 'string', 'public', { key: true, element: 'DE04002' }),
      item('name', '网格名称', 'string', 'public'),
      item('village_code', '所属村（社区）代码', 'division_code', 'public'),
      item('households', '户数', 'integer', 'internal'),
      item('lon', '经度', 'decimal', 'public'),
      item('lat', '纬度', 'decimal', 'public'),
    ],
    sharing: { type: 'unconditional', method: '接口' }, open: { type: 'conditional', conditions: '仅开放网格边界与编码' }, updateCycle: 'monthly',
    related: [DIVISIONS],
  }),
  base({
    code: '371500-JC-KJ-0003', name: '兴趣点（POI）信息', heading: '兴趣点', library: 'spatial', department: '市自然资源和规划局', backingTable: 'city_pois',
    abstract: '学校、医院、车站、公园、政务服务中心等兴趣点的名称、类别、地址与坐标。',
    dataItems: [
      item('poi_id', '兴趣点编号', 'string', 'public', { key: true }),
      item('name', '名称', 'string', 'public', { required: true }),
      item('category', '类别（school 学校 / hospital 医院 / station 车站 / park 公园 / service_hall 政务服务中心）', 'string', 'public'),
      item('address', '地址', 'string', 'public'),
      item('district_code', '所在区县代码', 'division_code', 'public'),
      item('town_code', '所在乡镇街道代码', 'string', 'public'),
      item('lon', '经度', 'decimal', 'public'),
      item('lat', '纬度', 'decimal', 'public'),
    ],
    sharing: { type: 'unconditional', method: '接口' }, open: { type: 'unconditional' }, updateCycle: 'monthly',
    related: [DIVISIONS],
  }),
  base({
    code: '371500-JC-XY-0001', name: '公共信用信息', heading: '信用记录', library: 'credit', department: '市发展和改革委员会', backingTable: 'city_credit_records',
    abstract: '法人的行政许可与行政处罚（双公示）、守信激励（红名单）与失信惩戒（黑名单）记录。',
    dataItems: [
      item('record_id', '记录编号', 'string', 'internal', { key: true }),
      item('subject_type', '主体类型（person 自然人 / enterprise 法人）', 'string', 'public'),
      item('subject_code', '主体代码', 'uscc', 'public', { required: true, element: 'DE02001', source: LEGAL_ENTITIES }),
      item('subject_name', '主体名称', 'string', 'public'),
      item('record_type', '记录类型（permit 行政许可 / penalty 行政处罚 / red_list 红名单 / black_list 黑名单）', 'string', 'public', { required: true }),
      item('content', '内容', 'string', 'public'),
      item('decided_on', '决定日期', 'date', 'public'),
      item('valid_until', '公示截止日期', 'date', 'public'),
      item('authority', '决定机关', 'string', 'public'),
      item('district_code', '所在区县代码', 'division_code', 'public'),
    ],
    sharing: { type: 'unconditional', method: '接口' }, open: { type: 'conditional', conditions: '按信用信息公示规定开放' }, updateCycle: 'daily',
    related: [LEGAL_ENTITIES, LICENCES],
  }),
  base({
    code: '371500-JC-JJ-0001', name: '宏观经济指标', heading: '经济指标时序', library: 'macro_economy', department: '市统计局', backingTable: 'city_economy_indicators',
    abstract: '全市及各区县地区生产总值、社会消费品零售总额、固定资产投资、户籍人口等指标的月度时间序列（2021年起）。',
    dataItems: [
      item('indicator', '指标代码', 'string', 'public', { key: true }),
      item('name', '指标名称', 'string', 'public'),
      item('period', '统计期', 'string', 'public', { key: true }),
      item('division_code', '区划代码', 'division_code', 'public', { key: true }),
      item('value', '指标值', 'decimal', 'public', { required: true }),
      item('unit', '计量单位', 'string', 'public'),
    ],
    sharing: { type: 'unconditional', method: '库表' }, open: { type: 'unconditional' }, updateCycle: 'monthly',
    related: [DIVISIONS, POPULATION],
  }),
];

/** 主题库模板 theme-library templates. */
export const THEME_TEMPLATES: readonly ThemeTemplate[] = [
  {
    id: 'ecology-air', library: 'ecology', title: '空气质量监测数据', titleEn: 'Air quality monitoring',
    dataItems: [
      item('station_id', '监测站点编号', 'string', 'public', { key: true }),
      item('observed_at', '监测时间', 'datetime', 'public', { key: true }),
      item('aqi', '空气质量指数', 'integer', 'public'),
      item('pm25', 'PM2.5浓度（μg/m³）', 'decimal', 'public'),
      item('pm10', 'PM10浓度（μg/m³）', 'decimal', 'public'),
    ],
  },
  {
    id: 'water-level', library: 'water', title: '河道水位监测数据', titleEn: 'River water level monitoring',
    dataItems: [
      item('station_id', '水位站编号', 'string', 'public', { key: true }),
      item('observed_at', '监测时间', 'datetime', 'public', { key: true }),
      item('water_level', '水位（米）', 'decimal', 'public', { required: true }),
      item('warning_level', '警戒水位（米）', 'decimal', 'public'),
    ],
  },
  {
    id: 'health-visits', library: 'health', title: '门急诊就诊记录', titleEn: 'Outpatient visits',
    dataItems: [
      item('visit_id', '就诊流水号', 'string', 'internal', { key: true }),
      item('patient_id', '患者身份号码', 'resident_id', 'confidential', { element: 'DE01001', source: '371500-JC-RK-0001' }),
      item('hospital', '医疗机构', 'string', 'public'),
      item('department', '就诊科室', 'string', 'internal'),
      item('visited_on', '就诊日期', 'date', 'internal'),
    ],
  },
  {
    id: 'social-security-pension', library: 'social_security', title: '养老保险参保信息', titleEn: 'Pension insurance enrolment',
    dataItems: [
      item('id_number', '参保人身份号码', 'resident_id', 'confidential', { key: true, element: 'DE01001', source: '371500-JC-RK-0001' }),
      item('insured_since', '参保日期', 'date', 'sensitive'),
      item('status', '参保状态', 'string', 'internal'),
      item('employer_uscc', '参保单位信用代码', 'uscc', 'internal'),
    ],
  },
  {
    id: 'transport-bus', library: 'transport', title: '公交车辆运行数据', titleEn: 'Bus operations',
    dataItems: [
      item('vehicle_no', '车辆编号', 'string', 'public', { key: true }),
      item('reported_at', '上报时间', 'datetime', 'public', { key: true }),
      item('route', '线路', 'string', 'public'),
      item('lon', '经度', 'decimal', 'public'),
      item('lat', '纬度', 'decimal', 'public'),
      item('passengers', '载客人数', 'integer', 'public'),
    ],
  },
];
