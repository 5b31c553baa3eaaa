/**
 * Catalog search latency (p50/p95) at 100 000 resources on PGlite and PostgreSQL, next to the
 * ceiling measured in the same run: a primary-key lookup of one resource on the same table.
 */
import { migrate, platformMigrations, type Database } from '../src/platform/index.ts';
import { catalogMigrations, createCatalogModule, indexTerms } from '../src/modules/catalog/index.ts';
import { createLogger, systemClock } from '../src/kernel/index.ts';
import { argValue, eachBenchDatabase, log, printTable, type BenchDatabase } from './support.ts';

const places = ['东昌府区', '临清市', '茌平区', '阳谷县', '莘县', '东阿县', '冠县', '高唐县', '全市'];
const subjects = ['河道水位', '雨量', '空气质量', '人口', '企业登记', '不动产', '公交', '医疗机构', '学校', '社保参保', '道路', '桥梁', '路灯', '垃圾清运', '供水管网', '燃气', '消防', '食品抽检', '市场主体', '税务'];
const kinds = ['监测数据', '基础信息', '统计数据', '台账', '实时数据', '年报', '名录', '许可信息'];
const departments = ['市水利局', '市生态环境局', '市公安局', '市市场监督管理局', '市自然资源和规划局', '市交通运输局', '市卫生健康委员会', '市教育局', '市人力资源和社会保障局', '市住房和城乡建设局'];
const classes = ['base', 'theme', 'topic', 'business'] as const;
const sharing = ['unconditional', 'conditional', 'none'] as const;

const pgArray = (terms: string[]) => `{${terms.map((t) => `"${t.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;

async function fill(db: Database, n: number): Promise<void> {
  const now = new Date().toISOString();
  async function* batches() {
    for (let start = 0; start < n; start += 5000) {
      const rows = [];
      for (let i = start; i < Math.min(n, start + 5000); i++) {
        const name = `${places[i % places.length]}${subjects[(i * 7) % subjects.length]}${kinds[(i * 13) % kinds.length]}`;
        const abstract = `${name}，由${departments[i % departments.length]}按${['日', '月', '年'][i % 3]}更新。`;
        const items = [{ name: 'id', title: '编号', type: 'string', sensitivity: 'public', key: true }, { name: 'value', title: subjects[(i * 7) % subjects.length], type: 'decimal', sensitivity: 'public' }];
        const code = `BENCH-${String(i).padStart(7, '0')}`;
        const share = sharing[i % 3] ?? 'none';
        rows.push([
          code, name, '部门信息资源类', departments[i % departments.length] ?? '', abstract, 'database', JSON.stringify(items), share, share === 'unconditional' ? null : '依申请',
          share === 'none' ? 'none' : 'unconditional', 'daily', classes[i % 4] ?? 'business', 1, now, now, 'bench', pgArray(indexTerms([name, abstract, code, ...items.map((x) => x.title)])),
        ]);
      }
      yield rows;
    }
  }
  await db.copyFrom(
    'catalog_resources',
    ['code', 'name', 'category', 'department', 'abstract', 'format', 'data_items', 'sharing_type', 'sharing_conditions', 'open_type', 'update_cycle', 'library_class', 'version', 'created_at', 'updated_at', 'updated_by', 'search_terms'],
    batches(),
  );
  await db.exec('ANALYZE catalog_resources');
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

async function measure(target: BenchDatabase, n: number) {
  const { db } = target;
  await migrate(db, [platformMigrations, catalogMigrations]);
  const catalog = createCatalogModule({ db, logger: createLogger({ level: 'silent' }), clock: systemClock });
  log(`${target.label}: cataloguing ${n.toLocaleString('en-US')} resources…`);
  await fill(db, n);
  const queries = [
    { q: '水位' }, { q: '河道水位监测' }, { q: '人口' }, { q: '企业 登记' }, { q: '临清 空气' }, { q: '数据' },
    { q: '水位', department: '市水利局' }, { q: '社保', sharingType: 'conditional' as const }, { libraryClass: 'theme' as const, openType: 'none' as const }, { q: 'bench-00123' },
  ];
  const rows: Array<Array<string | number>> = [];
  const all: number[] = [];
  for (const q of queries) await catalog.service.search({ ...q, limit: 20, offset: 0 }); // warm
  for (const q of queries) {
    const times: number[] = [];
    let total = 0;
    for (let i = 0; i < 30; i++) {
      const t = performance.now();
      total = (await catalog.service.search({ ...q, limit: 20, offset: 0 })).total;
      times.push(performance.now() - t);
    }
    all.push(...times);
    rows.push([target.label, JSON.stringify(q), total, pct(times, 50).toFixed(1), pct(times, 95).toFixed(1)]);
  }
  const pk: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t = performance.now();
    await db.query('SELECT code, name FROM catalog_resources WHERE code = $1', [`BENCH-${String((i * 331) % n).padStart(7, '0')}`]);
    pk.push(performance.now() - t);
  }
  rows.push([target.label, 'all searches', '', pct(all, 50).toFixed(1), pct(all, 95).toFixed(1)]);
  rows.push([target.label, 'ceiling: primary-key lookup', 1, pct(pk, 50).toFixed(2), pct(pk, 95).toFixed(2)]);
  return rows;
}

export async function benchCatalog(): Promise<void> {
  const n = argValue('resources', 100_000);
  const rows = (await eachBenchDatabase((target) => measure(target, n))).flat();
  printTable(`Catalog search at ${n.toLocaleString('en-US')} resources (20 per page, total counted; ms)`, ['engine', 'query', 'matches', 'p50 ms', 'p95 ms'], rows);
}
