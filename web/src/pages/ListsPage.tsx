import { App, Badge, Button, Card, Input, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorResult } from '../app/ErrorResult.tsx';
import { fetchListDiff, LIST_KINDS, listExportUrl, publishList, type ListDiff, type ListEntry, type ListKind, type ListVersionMeta } from '../modules/catalog/api/lists-api.ts';
import { ListDiffView } from '../modules/catalog/components/ListDiffView.tsx';
import { useCurrentList, useListSummary, useListVersions } from '../modules/catalog/hooks/use-lists.ts';

function ListPanel({ kind, nonce, onPublished }: { kind: ListKind; nonce: number; onPublished: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(undefined);
  const [diff, setDiff] = useState<ListDiff | null>(null);
  const current = useCurrentList(kind, nonce);
  const versions = useListVersions(kind, nonce);
  const pending = current.data?.changes;
  const pendingCount = pending ? pending.added.length + pending.removed.length + pending.changed.length : 0;
  const changedCodes = new Set([...(pending?.added ?? []).map((e) => e.code), ...(pending?.changed ?? []).map((e) => e.code)]);

  const publish = () => {
    setBusy(true);
    setFailure(undefined);
    publishList(kind, note).then(
      (v) => {
        setBusy(false);
        setNote('');
        setDiff(null);
        void message.success(t('catalog.lists.published', { v: v.version }));
        onPublished();
      },
      (e: unknown) => {
        setBusy(false);
        setFailure(e);
      },
    );
  };
  const compare = (v: number) => void fetchListDiff(kind, v - 1, v).then(setDiff, setFailure);

  return (
    <>
      <Card size="small" style={{ marginBottom: 16 }}>
        <Space wrap size="large">
          <span data-testid="list-current">{t('catalog.lists.current', { n: current.data?.entries.length ?? 0 })}</span>
          <span>{pending && pending.from > 0 ? t('catalog.lists.latest', { v: pending.from }) : t('catalog.lists.noVersion')}</span>
          <Badge count={pendingCount} showZero color={pendingCount ? 'orange' : 'green'} overflowCount={9999}>
            <span style={{ paddingRight: 12 }} data-testid="list-pending">{t('catalog.lists.pending', { n: pendingCount })}</span>
          </Badge>
          <Input style={{ width: 320 }} placeholder={t('catalog.lists.note')} value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} data-testid="publish-note" />
          <Button type="primary" loading={busy} disabled={pendingCount === 0} onClick={publish} data-testid="publish-list">
            {t('catalog.lists.publish')}
          </Button>
        </Space>
      </Card>
      {failure !== undefined && <ErrorResult error={failure} compact />}
      {current.error !== undefined && <ErrorResult error={current.error} onRetry={current.reload} compact />}
      <Card size="small" title={t('catalog.lists.versions')} style={{ marginBottom: 16 }}>
        <Table<ListVersionMeta>
          size="small"
          rowKey="version"
          loading={versions.loading}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          dataSource={versions.data?.items ?? []}
          data-testid="list-versions"
          columns={[
            { title: t('catalog.version'), dataIndex: 'version', width: 70, render: (v: number) => `v${v}` },
            { title: t('catalog.lists.publishedAt'), dataIndex: 'publishedAt', render: (v: string) => new Date(v).toLocaleString() },
            { title: t('catalog.lists.publishedBy'), dataIndex: 'publishedBy', ellipsis: true },
            { title: t('catalog.lists.note'), dataIndex: 'note', render: (v: string | null) => v ?? '—' },
            { title: t('catalog.lists.entries'), dataIndex: 'entries', width: 80 },
            {
              key: 'actions',
              render: (_: unknown, v) => (
                <Space>
                  <a href={listExportUrl(kind, v.version, 'xlsx')} download>XLSX</a>
                  <a href={listExportUrl(kind, v.version, 'csv')} download>CSV</a>
                  {v.version > 1 && (
                    <Button size="small" onClick={() => compare(v.version)}>
                      {t('catalog.lists.compare')}
                    </Button>
                  )}
                </Space>
              ),
            },
          ]}
        />
        {diff && (
          <ListDiffView diff={diff} title={t('catalog.lists.diffTitle', { a: diff.from, b: diff.to, added: diff.added.length, removed: diff.removed.length, changed: diff.changed.length })} />
        )}
      </Card>
      {pending && pending.from > 0 && pendingCount > 0 && (
        <Card size="small" style={{ marginBottom: 16 }}>
          <ListDiffView diff={pending} title={t('catalog.lists.pendingTitle', { v: pending.from })} />
        </Card>
      )}
      <Card size="small" title={t('catalog.lists.draft')}>
        <Table<ListEntry>
          size="small"
          rowKey="code"
          loading={current.loading}
          dataSource={current.data?.entries ?? []}
          pagination={{ pageSize: 20, showSizeChanger: false }}
          data-testid="list-entries"
          columns={[
            { title: t('catalog.code'), dataIndex: 'code', width: 190, render: (c: string) => <>{c} {changedCodes.has(c) && pending && pending.from > 0 && <Tag color="orange">●</Tag>}</> },
            { title: t('catalog.name'), dataIndex: 'name' },
            { title: t('catalog.department'), dataIndex: 'department', width: 160 },
            { title: t('catalog.sharingType'), dataIndex: 'sharingType', width: 110, render: (v: string) => t(`catalog.sharingValue.${v as 'none'}`) },
            { title: t('catalog.openType'), dataIndex: 'openType', width: 110, render: (v: string) => t(`catalog.openValue.${v as 'none'}`) },
            { title: t('catalog.lists.items'), dataIndex: 'items', render: (items: string[]) => <Typography.Text style={{ fontSize: 12 }}>{items.join('；')}</Typography.Text> },
          ]}
        />
      </Card>
    </>
  );
}

/** 三张清单 the sharing, open and e-licence lists: generated from the catalog, published as versions, compared and downloaded. */
export function ListsPage() {
  const { t } = useTranslation();
  const [kind, setKind] = useState<ListKind>(() => {
    const k = new URLSearchParams(window.location.search).get('kind');
    return LIST_KINDS.includes(k as ListKind) ? (k as ListKind) : 'sharing';
  });
  const [nonce, setNonce] = useState(0);
  const summary = useListSummary(nonce);
  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('catalog.lists.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('catalog.lists.intro')}</Typography.Paragraph>
      {summary.error !== undefined && <ErrorResult error={summary.error} onRetry={summary.reload} compact />}
      <Tabs
        activeKey={kind}
        onChange={(k) => {
          setKind(k as ListKind);
          window.history.replaceState(null, '', `?kind=${k}`);
        }}
        items={LIST_KINDS.map((k) => {
          const s = summary.data?.items.find((x) => x.kind === k);
          return {
            key: k,
            label: (
              <span data-testid={`list-tab-${k}`}>
                {t(`catalog.lists.kind.${k}`)} {s?.latest ? <Tag>v{s.latest.version}</Tag> : null}
              </span>
            ),
            children: k === kind ? <ListPanel kind={k} nonce={nonce} onPublished={() => setNonce((n) => n + 1)} /> : null,
          };
        })}
      />
    </>
  );
}
