// 三张清单 the three lists generated from the catalog: the sharing list (共享清单), the open list
// (开放清单) and the e-licence list (电子证照清单). Liaocheng's 2021 work points ask to "iterate the
// sharing, open and e-licence lists" (迭代更新共享、开放、电子证照"三张清单"): each list is regenerated from
// the catalog and published as a numbered version, and versions are compared entry by entry.
import ExcelJS from 'exceljs';
import type { FieldChange, Resource } from './schemas.ts';

export const LIST_KINDS = ['sharing', 'open', 'licence'] as const;
export type ListKind = (typeof LIST_KINDS)[number];

export const LIST_TITLES: Record<ListKind, { title: string; titleEn: string }> = {
  sharing: { title: '政务数据共享清单', titleEn: 'Sharing list' },
  open: { title: '公共数据开放清单', titleEn: 'Open list' },
  licence: { title: '电子证照清单', titleEn: 'E-licence list' },
};

/** One line of a list: a resource with the attributes the list publishes and the data items it covers. */
export interface ListEntry {
  code: string;
  name: string;
  department: string;
  classification: string;
  libraryClass: string;
  library: string | null;
  sharingType: string;
  sharingConditions: string | null;
  sharingMethod: string | null;
  openType: string;
  openConditions: string | null;
  updateCycle: string;
  format: string;
  /** The data items the list covers, as `title (name)`. */
  items: string[];
  /** The catalog version the entry was generated from (not compared between list versions). */
  resourceVersion: number;
}

export interface ListDiff {
  kind: ListKind;
  from: number;
  to: number;
  added: ListEntry[];
  removed: ListEntry[];
  changed: Array<{ code: string; name: string; changes: FieldChange[] }>;
}

/** The base library whose resources are the e-licence types (电子证照库). */
export const LICENCE_LIBRARY = 'e_licence';

/**
 * Does the resource belong on the list, and with which data items?
 * - sharing: every resource that is shared, unconditionally or on conditions (不予共享 resources
 *   stay off: they are the negative list with their basis in the catalog); all its data items.
 * - open: every resource open unconditionally or on conditions, with only its `public` data items
 *   (internal, sensitive and confidential items are never opened); a resource without a public
 *   item has nothing to open and stays off.
 * - licence: every resource of the e-licence library (电子证照库), one per licence type; all items.
 */
export function listItems(kind: ListKind, r: Resource): Resource['dataItems'] | null {
  switch (kind) {
    case 'sharing':
      return r.sharing.type === 'none' ? null : r.dataItems;
    case 'open': {
      if (r.open.type === 'none' || r.sharing.type === 'none') return null;
      const open = r.dataItems.filter((i) => i.sensitivity === 'public');
      return open.length ? open : null;
    }
    case 'licence':
      return r.library === LICENCE_LIBRARY ? r.dataItems : null;
  }
}

export function listEntry(r: Resource, items: Resource['dataItems']): ListEntry {
  const c = r.classification;
  return {
    code: r.code,
    name: r.name,
    department: r.department,
    classification: [c.category, c.item, c.heading, c.subheading].filter(Boolean).join(' / '),
    libraryClass: r.libraryClass,
    library: r.library,
    sharingType: r.sharing.type,
    sharingConditions: r.sharing.conditions ?? null,
    sharingMethod: r.sharing.method ?? null,
    openType: r.open.type,
    openConditions: r.open.conditions ?? null,
    updateCycle: r.updateCycle,
    format: r.format,
    items: items.map((i) => `${i.title} (${i.name})`),
    resourceVersion: r.version,
  };
}

/** The list generated from these resources, ordered by resource code. */
export function generateList(kind: ListKind, resources: Iterable<Resource>): ListEntry[] {
  const out: ListEntry[] = [];
  for (const r of resources) {
    const items = listItems(kind, r);
    if (items) out.push(listEntry(r, items));
  }
  return out.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

const COMPARED: ReadonlyArray<keyof ListEntry> = [
  'name', 'department', 'classification', 'libraryClass', 'library', 'sharingType', 'sharingConditions', 'sharingMethod', 'openType', 'openConditions',
  'updateCycle', 'format', 'items',
];

/** Entries added, removed, and changed (with each changed field; items as added/removed lists). */
export function diffLists(kind: ListKind, from: number, to: number, before: readonly ListEntry[], after: readonly ListEntry[]): ListDiff {
  const was = new Map(before.map((e) => [e.code, e]));
  const now = new Map(after.map((e) => [e.code, e]));
  const diff: ListDiff = { kind, from, to, added: [], removed: [], changed: [] };
  for (const e of before) if (!now.has(e.code)) diff.removed.push(e);
  for (const e of after) {
    const prior = was.get(e.code);
    if (!prior) {
      diff.added.push(e);
      continue;
    }
    const changes: FieldChange[] = [];
    for (const f of COMPARED) {
      const a = prior[f];
      const b = e[f];
      if (JSON.stringify(a) === JSON.stringify(b)) continue;
      if (f === 'items') {
        const gone = (a as string[]).filter((x) => !(b as string[]).includes(x));
        const came = (b as string[]).filter((x) => !(a as string[]).includes(x));
        if (gone.length) changes.push({ field: 'items', change: 'removed', before: gone, after: null });
        if (came.length) changes.push({ field: 'items', change: 'added', before: null, after: came });
        continue;
      }
      changes.push({ field: f, change: a === null ? 'added' : b === null ? 'removed' : 'changed', before: a, after: b });
    }
    if (changes.length) diff.changed.push({ code: e.code, name: e.name, changes });
  }
  return diff;
}

// ---- downloads ------------------------------------------------------------------------------

const SHARING_ZH: Record<string, string> = { unconditional: '无条件共享', conditional: '有条件共享', none: '不予共享' };
const OPEN_ZH: Record<string, string> = { unconditional: '无条件开放', conditional: '有条件开放', none: '不予开放' };
const CLASS_ZH: Record<string, string> = { base: '基础库', theme: '主题库', topic: '专题库', business: '业务库' };
const CYCLE_ZH: Record<string, string> = { realtime: '实时', daily: '每日', weekly: '每周', monthly: '每月', quarterly: '每季度', yearly: '每年', irregular: '不定期' };

/** Column header (Chinese, as the lists are published) and the cell of an entry. */
const COLUMNS: ReadonlyArray<readonly [string, (e: ListEntry, n: number) => string | number]> = [
  ['序号', (_, n) => n],
  ['资源代码', (e) => e.code],
  ['资源名称', (e) => e.name],
  ['数源部门', (e) => e.department],
  ['资源分类', (e) => e.classification],
  ['库类别', (e) => `${CLASS_ZH[e.libraryClass] ?? e.libraryClass}${e.library ? `/${e.library}` : ''}`],
  ['共享类型', (e) => SHARING_ZH[e.sharingType] ?? e.sharingType],
  ['共享条件', (e) => e.sharingConditions ?? ''],
  ['共享方式', (e) => e.sharingMethod ?? ''],
  ['开放类型', (e) => OPEN_ZH[e.openType] ?? e.openType],
  ['开放条件', (e) => e.openConditions ?? ''],
  ['更新周期', (e) => CYCLE_ZH[e.updateCycle] ?? e.updateCycle],
  ['信息项', (e) => e.items.join('；')],
  ['资源版本', (e) => e.resourceVersion],
];
export const LIST_HEADER = COLUMNS.map(([h]) => h);

export interface ListSheetMeta {
  kind: ListKind;
  version: number;
  publishedAt: string;
  publishedBy: string;
  note: string | null;
}

const csvCell = (v: string | number): string => {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** CSV in UTF-8 with a byte-order mark, so Excel shows the Chinese text; CRLF line ends. */
export function listCsv(entries: readonly ListEntry[]): string {
  const lines = [LIST_HEADER.map(csvCell).join(',')];
  entries.forEach((e, i) => lines.push(COLUMNS.map(([, cell]) => csvCell(cell(e, i + 1))).join(',')));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** XLSX: the list on the first sheet (header row first), what was published on a second. */
export async function listXlsx(entries: readonly ListEntry[], meta: ListSheetMeta): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'OpenCityBrain';
  const title = LIST_TITLES[meta.kind].title;
  const ws = wb.addWorksheet(title, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.addRow(LIST_HEADER).font = { bold: true };
  entries.forEach((e, i) => ws.addRow(COLUMNS.map(([, cell]) => cell(e, i + 1))));
  ws.columns.forEach((c, i) => {
    c.width = [6, 22, 28, 18, 30, 14, 12, 30, 10, 12, 30, 10, 60, 8][i] ?? 14;
  });
  const about = wb.addWorksheet('版本信息');
  about.addRows([
    ['清单', title],
    ['版本', meta.version],
    ['发布时间', meta.publishedAt],
    ['发布人', meta.publishedBy],
    ['说明', meta.note ?? ''],
    ['条目数', entries.length],
  ]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
