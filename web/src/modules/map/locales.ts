// Texts of the one-map page; spread into the app's locales (zh-cn first, en with the same keys).
export const oneMapZhCN = {
  catalogue: '图层目录',
  search: '搜索图层',
  allGroups: '全部',
  group: { basemap: '底图', iot: '物联感知', events: '事件', catalog: '目录资源' },
  layers: '共 {{total}} 个图层',
  shown: '已显示图层（{{count}}）',
  noneShown: '未显示任何图层，在下方目录中打开',
  properties: '要素属性',
  clickHint: '点击地图上的要素查看属性',
  cluster: '聚合 {{count}} 个',
  offline: '底图为平台自有行政区划边界，无需互联网',
};

export const oneMapEn: typeof oneMapZhCN = {
  catalogue: 'Layer catalogue',
  search: 'Search layers',
  allGroups: 'All',
  group: { basemap: 'Basemap', iot: 'IoT', events: 'Events', catalog: 'Catalogued resources' },
  layers: '{{total}} layers',
  shown: 'Shown layers ({{count}})',
  noneShown: 'No layer shown; switch one on in the catalogue below',
  properties: 'Feature properties',
  clickHint: 'Click a feature on the map to see its properties',
  cluster: 'Cluster of {{count}}',
  offline: "The basemap is the platform's own division boundaries; no internet needed",
};
