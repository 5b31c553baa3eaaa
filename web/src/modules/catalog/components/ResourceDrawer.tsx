import { Button, Descriptions, Drawer, Skeleton, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorResult } from '../../../app/ErrorResult.tsx';
import { fetchDiff, type FieldChange, type Resource } from '../api/catalog-api.ts';
import { useCatalogResource, useResourceVersions } from '../hooks/use-catalog.ts';

const show = (v: unknown): string => (v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

function VersionsTab({ code, version }: { code: string; version: number }) {
  const { t } = useTranslation();
  const { data, error, reload } = useResourceVersions(code, version);
  const [diff, setDiff] = useState<{ a: number; b: number; changes: FieldChange[] } | null>(null);
  if (error !== undefined) return <ErrorResult error={error} onRetry={reload} compact />;
  return (
    <>
      <Table
        size="small"
        rowKey="version"
        loading={!data}
        pagination={false}
        dataSource={data?.items ?? []}
        columns={[
          { title: t('catalog.version'), dataIndex: 'version', render: (v: number) => `v${v}` },
          { title: t('catalog.changedAt'), dataIndex: 'changedAt', render: (v: string) => new Date(v).toLocaleString() },
          { title: t('catalog.updatedBy'), dataIndex: 'changedBy' },
          { title: t('catalog.changes'), dataIndex: 'changes', render: (n: number, row) => (row.version === 1 ? t('catalog.noChanges') : n) },
          {
            key: 'compare',
            render: (_: unknown, row) =>
              row.version > 1 && (
                <Button size="small" onClick={() => void fetchDiff(code, row.version - 1, row.version).then((d) => setDiff({ a: row.version - 1, b: row.version, changes: d.changes }))}>
                  {t('catalog.compare')}
                </Button>
              ),
          },
        ]}
      />
      {diff && (
        <>
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('catalog.diffTitle', { a: diff.a, b: diff.b })}
          </Typography.Title>
          <Table
            size="small"
            rowKey="field"
            pagination={false}
            dataSource={diff.changes}
            data-testid="version-diff"
            columns={[
              { title: t('catalog.field'), dataIndex: 'field', render: (f: string) => <Typography.Text code>{f}</Typography.Text> },
              { dataIndex: 'change', render: (c: FieldChange['change']) => <Tag color={c === 'added' ? 'green' : c === 'removed' ? 'red' : 'blue'}>{t(`catalog.changeValue.${c}`)}</Tag> },
              { title: t('catalog.before'), dataIndex: 'before', render: show },
              { title: t('catalog.after'), dataIndex: 'after', render: show },
            ]}
          />
        </>
      )}
    </>
  );
}

/** 资源详情 a resource: its catalog fields, data items, and versions with the field-level diff. */
export function ResourceDrawer({ code, onClose, onEdit }: { code: string; onClose: () => void; onEdit?: (r: Resource) => void }) {
  const { t } = useTranslation();
  const { data: r, error, reload } = useCatalogResource(code);
  return (
    <Drawer
      open
      width={900}
      onClose={onClose}
      title={r ? `${r.name}（${r.code}）` : code}
      extra={
        r && (
          <Space>
            {/* 查看数据: the rows of the resource (a base library's demo-city table, or its aggregated table) */}
            <Button href={`/console/aggregation?resource=${encodeURIComponent(r.code)}`} data-testid="view-data">
              {t('catalog.form.viewData')}
            </Button>
            {onEdit && (
              <Button type="primary" onClick={() => onEdit(r)} data-testid="resource-edit">
                {t('catalog.form.edit')}
              </Button>
            )}
          </Space>
        )
      }
    >
      {error !== undefined && <ErrorResult error={error} onRetry={reload} compact />}
      {!r ? (
        <Skeleton active />
      ) : (
        <Tabs
          items={[
            {
              key: 'fields',
              label: t('catalog.tabFields'),
              children: (
                <Descriptions column={2} bordered size="small">
                  <Descriptions.Item label={t('catalog.code')}>{r.code}</Descriptions.Item>
                  <Descriptions.Item label={t('catalog.version')}>v{r.version}</Descriptions.Item>
                  <Descriptions.Item label={t('catalog.classification')} span={2}>
                    {[r.classification.category, r.classification.item, r.classification.heading, r.classification.subheading].filter(Boolean).join(' / ')}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('catalog.department')}>{r.department}</Descriptions.Item>
                  <Descriptions.Item label={t('catalog.libraryClass')}>
                    {t(`catalog.classValue.${r.libraryClass as 'base'}`)} {r.library && <Tag>{r.library}</Tag>}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('catalog.abstract')} span={2}>{r.abstract}</Descriptions.Item>
                  <Descriptions.Item label={t('catalog.sharingType')}>
                    {t(`catalog.sharingValue.${r.sharing.type as 'none'}`)}
                    {r.sharing.conditions && `：${r.sharing.conditions}`}
                    {r.sharing.method && ` · ${t('catalog.method')} ${r.sharing.method}`}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('catalog.openType')}>
                    {t(`catalog.openValue.${r.open.type as 'none'}`)}
                    {r.open.conditions && `：${r.open.conditions}`}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('catalog.format')}>{r.format}</Descriptions.Item>
                  <Descriptions.Item label={t('catalog.updateCycle')}>{r.updateCycle}</Descriptions.Item>
                  <Descriptions.Item label={t('catalog.publishDate')}>{r.publishDate ?? '—'}</Descriptions.Item>
                  <Descriptions.Item label={t('catalog.backingTable')}>{r.backingTable ?? '—'}</Descriptions.Item>
                  <Descriptions.Item label={t('catalog.related')} span={2}>{r.related.length ? r.related.map((c) => <Tag key={c}>{c}</Tag>) : '—'}</Descriptions.Item>
                  <Descriptions.Item label={t('catalog.updatedAt')}>{new Date(r.updatedAt).toLocaleString()}</Descriptions.Item>
                  <Descriptions.Item label={t('catalog.updatedBy')}>{r.updatedBy}</Descriptions.Item>
                </Descriptions>
              ),
            },
            {
              key: 'items',
              label: `${t('catalog.tabItems')} (${r.dataItems.length})`,
              children: (
                <Table
                  size="small"
                  rowKey="name"
                  pagination={false}
                  dataSource={r.dataItems}
                  columns={[
                    { title: t('catalog.itemTitle'), dataIndex: 'title' },
                    { title: t('catalog.itemName'), dataIndex: 'name', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
                    { title: t('catalog.itemType'), dataIndex: 'type' },
                    { title: t('catalog.sensitivity'), dataIndex: 'sensitivity' },
                    { title: t('catalog.key'), dataIndex: 'key', render: (v?: boolean) => (v ? <Tag color="gold">{t('catalog.key')}</Tag> : null) },
                    { title: t('catalog.required'), dataIndex: 'required', render: (v?: boolean) => (v ? '✓' : '') },
                    { title: t('catalog.element'), dataIndex: 'element' },
                    { title: t('catalog.source'), dataIndex: 'source' },
                  ]}
                />
              ),
            },
            { key: 'versions', label: t('catalog.tabVersions'), children: <VersionsTab code={r.code} version={r.version} /> },
          ]}
        />
      )}
    </Drawer>
  );
}
