// A catalogued resource the catalog tests share.
import type { ResourceInput } from '../../src/modules/catalog/index.ts';

/** 河道水位监测数据: the resource a search for 水位 must find. */
export const waterLevel: ResourceInput = {
  code: '371500-ST-SW-0001',
  name: '河道水位监测数据',
  classification: { category: '主题信息资源类', item: '水利水务主题库', heading: '水文监测' },
  department: '市水利局',
  abstract: '徒骇河、马颊河沿线水位站的实时水位。',
  format: 'database',
  dataItems: [
    { name: 'station_id', title: '水位站编号', type: 'string', sensitivity: 'public', key: true },
    { name: 'observed_at', title: '监测时间', type: 'datetime', sensitivity: 'public', key: true },
    { name: 'water_level', title: '水位（米）', type: 'decimal', sensitivity: 'public', required: true },
  ],
  sharing: { type: 'unconditional', method: '接口' },
  open: { type: 'unconditional' },
  updateCycle: 'realtime',
  publishDate: '2026-02-01',
  libraryClass: 'theme',
  library: 'water',
};
