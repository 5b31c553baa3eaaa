// 列映射 column mapping: which file column feeds which data item. An explicit mapping from the
// uploader comes first; other columns match an item by its name or its Chinese title; what still
// matches nothing is reported to the uploader as unmapped (never dropped in silence). The preview
// also suggests items for headers that are only similar (case, spacing, units in brackets).
import type { DataItem } from '../catalog/index.ts';
import { aggregationError } from './errors.ts';
import type { ColumnMapping, MappedBy } from './schemas.ts';

export interface MappedColumn {
  item: DataItem | null;
  mappedBy: MappedBy;
}

/**
 * Parse `列名=item` entries (query `map`, CLI `--map`) into a mapping of header → item name; the
 * item may be named by its name or title; `列名=` leaves the column out. Errors name the entry.
 */
export function parseMapping(entries: readonly string[], items: readonly DataItem[], field = '/query/map'): ColumnMapping {
  const mapping: ColumnMapping = {};
  const target = new Map<string, string>();
  entries.forEach((entry, i) => {
    const at = entry.indexOf('=');
    const header = (at < 0 ? entry : entry.slice(0, at)).trim();
    const wanted = at < 0 ? '' : entry.slice(at + 1).trim();
    if (header === '') throw aggregationError('mapping_invalid', `map entry "${entry}" has no column name; write 列名=data_item`, { field: `${field}/${i}` });
    if (header in mapping) throw aggregationError('mapping_invalid', `column "${header}" is mapped twice`, { field: `${field}/${i}` });
    if (wanted === '') {
      mapping[header] = null;
      return;
    }
    const item = items.find((x) => x.name === wanted) ?? items.find((x) => x.name.toLowerCase() === wanted.toLowerCase() || x.title.trim() === wanted);
    if (!item) throw aggregationError('mapping_invalid', `"${wanted}" is not a data item of the resource; items: ${items.map((x) => x.name).join(', ')}`, { field: `${field}/${i}` });
    const prior = target.get(item.name);
    if (prior !== undefined) throw aggregationError('mapping_invalid', `columns "${prior}" and "${header}" are both mapped to ${item.name}`, { field: `${field}/${i}` });
    target.set(item.name, header);
    mapping[header] = item.name;
  });
  return mapping;
}

/**
 * The data item of each header: the explicit mapping first, then the item's name or title. A
 * mapped header the file does not have is refused (the uploader meant a column that is not there).
 */
export function resolveColumns(header: readonly string[], items: readonly DataItem[], mapping: ColumnMapping | null): MappedColumn[] {
  const explicit = mapping ?? {};
  const present = new Set(header.map((h) => h.trim()));
  const absent = Object.keys(explicit).filter((h) => !present.has(h));
  if (absent.length) throw aggregationError('mapping_invalid', `the mapping names columns the file does not have: ${absent.join(', ')}; headers: ${header.join(', ')}`, { field: '/query/map' });
  const byName = new Map<string, DataItem>(items.map((i) => [i.name.toLowerCase(), i]));
  const byTitle = new Map<string, DataItem>(items.map((i) => [i.title.trim(), i]));
  const used = new Set<string>(Object.values(explicit).filter((v): v is string => v !== null));
  return header.map((raw): MappedColumn => {
    const h = raw.trim();
    if (h in explicit) {
      const name = explicit[h];
      return name === null || name === undefined ? { item: null, mappedBy: 'ignored' } : { item: items.find((i) => i.name === name) ?? null, mappedBy: 'map' };
    }
    const named = byName.get(h.toLowerCase());
    const titled = byTitle.get(h);
    const item = named ?? titled;
    if (!item || used.has(item.name)) return { item: null, mappedBy: 'unmapped' };
    used.add(item.name);
    return { item, mappedBy: named ? 'name' : 'title' };
  });
}

/** Lower case, no spaces, underscores, dashes or bracketed units: "水位 (米)" ~ "水位（米）" ~ "水位". */
function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[（(][^）)]*[）)]/g, '')
    .replace(/[\s_\-·.]/g, '');
}

/** Suggested items for a preview: exact matches, then similar names or titles, each item once. */
export function suggestColumns(header: readonly string[], items: readonly DataItem[]): Array<{ item: DataItem | null; mappedBy: 'name' | 'title' | 'similar' | 'unmapped' }> {
  const exact = resolveColumns(header, items, null);
  const used = new Set(exact.flatMap((c) => (c.item ? [c.item.name] : [])));
  return exact.map((c, i) => {
    if (c.item) return { item: c.item, mappedBy: c.mappedBy === 'name' ? 'name' : 'title' };
    const h = normalise(header[i] ?? '');
    if (h === '') return { item: null, mappedBy: 'unmapped' };
    const similar =
      items.find((it) => !used.has(it.name) && (normalise(it.name) === h || normalise(it.title) === h)) ??
      items.find((it) => !used.has(it.name) && normalise(it.title).length >= 2 && h.length >= 2 && (normalise(it.title).includes(h) || h.includes(normalise(it.title))));
    if (!similar) return { item: null, mappedBy: 'unmapped' };
    used.add(similar.name);
    return { item: similar, mappedBy: 'similar' };
  });
}

/**
 * The data item a field of a pushed or pulled record feeds, as an upload header would: its name
 * (in any case) or its Chinese title, spaces around either ignored; null when none.
 */
export function itemOfField(field: string, items: readonly DataItem[]): DataItem | null {
  const f = field.trim();
  const lower = f.toLowerCase();
  return items.find((i) => i.name === f) ?? items.find((i) => i.name.toLowerCase() === lower || i.title.trim() === f) ?? null;
}

/** Edits (insert, delete, substitute, swap two neighbours) between a and b, or `limit + 1` once past it. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (prev2[j - 2] ?? 0) + 1);
      cur.push(d);
      best = Math.min(best, d);
    }
    if (best > limit) return limit + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length] ?? limit + 1;
}

/**
 * The data item an unknown field was probably meant for: the same name or title once case, spaces
 * and bracketed units are set aside, or a name one or two typing slips away ("nmae" → name); null
 * when nothing is close.
 */
export function suggestItem(field: string, items: readonly DataItem[]): DataItem | null {
  const f = normalise(field);
  if (f === '') return null;
  const same = items.find((i) => normalise(i.name) === f || normalise(i.title) === f);
  if (same) return same;
  if (f.length < 3) return null;
  const limit = f.length <= 4 ? 1 : 2;
  let best: { item: DataItem; d: number } | null = null;
  for (const item of items) {
    const d = Math.min(editDistance(f, normalise(item.name), limit), editDistance(f, normalise(item.title), limit));
    if (d <= limit && (!best || d < best.d)) best = { item, d };
  }
  return best?.item ?? null;
}
