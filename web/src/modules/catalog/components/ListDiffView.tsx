import { Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ListDiff } from '../api/lists-api.ts';

const show = (v: unknown): string => (v === null || v === undefined ? '—' : Array.isArray(v) ? v.join('；') : typeof v === 'string' ? v : JSON.stringify(v));

type Row = { key: string; code: string; name: string; kind: 'added' | 'removed' | 'changed'; field: string; before: unknown; after: unknown };

/** Entries added, removed and changed between two versions of a list, one row per changed field. */
export function ListDiffView({ diff, title }: { diff: ListDiff; title: string }) {
  const { t } = useTranslation();
  const rows: Row[] = [
    ...diff.added.map((e) => ({ key: `+${e.code}`, code: e.code, name: e.name, kind: 'added' as const, field: '', before: null, after: e.items })),
    ...diff.removed.map((e) => ({ key: `-${e.code}`, code: e.code, name: e.name, kind: 'removed' as const, field: '', before: e.items, after: null })),
    ...diff.changed.flatMap((c) => c.changes.map((f, i) => ({ key: `~${c.code}:${i}`, code: c.code, name: c.name, kind: 'changed' as const, field: `${f.field} (${t(`catalog.changeValue.${f.change}`)})`, before: f.before, after: f.after }))),
  ];
  const color = { added: 'green', removed: 'red', changed: 'blue' } as const;
  return (
    <div data-testid="list-diff">
      <Typography.Title level={5}>{title}</Typography.Title>
      <Table<Row>
        size="small"
        rowKey="key"
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        dataSource={rows}
        columns={[
          { title: t('catalog.code'), dataIndex: 'code', width: 180 },
          { title: t('catalog.name'), dataIndex: 'name', width: 200 },
          { dataIndex: 'kind', width: 80, render: (k: Row['kind']) => <Tag color={color[k]}>{t(`catalog.lists.${k}`)}</Tag> },
          { title: t('catalog.field'), dataIndex: 'field', render: (f: string) => (f ? <Typography.Text code>{f}</Typography.Text> : <Space />) },
          { title: t('catalog.before'), dataIndex: 'before', render: show },
          { title: t('catalog.after'), dataIndex: 'after', render: show },
        ]}
      />
    </div>
  );
}
