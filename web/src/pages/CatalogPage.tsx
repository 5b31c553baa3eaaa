import { Button, Card, Col, Input, Row, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorResult } from '../app/ErrorResult.tsx';
import type { Resource, ResourceFilters, ResourceSummary } from '../modules/catalog/api/catalog-api.ts';
import { ResourceForm } from '../modules/catalog/components/ResourceForm.tsx';
import { ResourceDrawer } from '../modules/catalog/components/ResourceDrawer.tsx';
import { TemplateForm } from '../modules/catalog/components/TemplateForm.tsx';
import { useLibraries, useResourceSearch } from '../modules/catalog/hooks/use-catalog.ts';

const PAGE = 20;

/** 资源目录 the catalog: libraries, Chinese search with filters, and each resource's fields, items and versions. */
export function CatalogPage() {
  const { t, i18n } = useTranslation();
  const [filters, setFilters] = useState<ResourceFilters>({ limit: PAGE, offset: 0 });
  const [open, setOpen] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ resource?: Resource } | null>(null);
  const [drawerNonce, setDrawerNonce] = useState(0);
  const [fromTemplate, setFromTemplate] = useState(false);
  const [librariesNonce, setLibrariesNonce] = useState(0);
  const { data, error, loading, reload } = useResourceSearch(filters);
  const { data: libraries } = useLibraries(librariesNonce);
  const libraryKey = filters.libraryClass && filters.library ? `${filters.libraryClass}/${filters.library}` : undefined;
  const libraryName = (l: { title: string; titleEn: string }): string => (i18n.language === 'en' ? l.titleEn : l.title);
  const saved = (r: Resource) => {
    setEditing(null);
    setFromTemplate(false);
    setOpen(r.code);
    setDrawerNonce((n) => n + 1);
    setLibrariesNonce((n) => n + 1);
    reload();
  };
  const set = (patch: Partial<ResourceFilters>) => setFilters((f) => ({ ...f, ...patch, offset: 0 }));
  const label = (key: string): string => t(key as 'catalog.title');
  const options = (group: 'classValue' | 'sharingValue' | 'openValue', values: readonly string[]) => values.map((v) => ({ value: v, label: label(`catalog.${group}.${v}`) }));

  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('catalog.title')}
      </Typography.Title>
      <Card size="small" title={t('catalog.libraries')} style={{ marginBottom: 16 }}>
        <Row gutter={[12, 12]}>
          {(libraries?.items ?? []).map((l) => {
            const key = `${l.libraryClass}/${l.library}`;
            return (
              <Col key={key} xs={12} md={6} xl={3}>
                <a
                  onClick={() => set(libraryKey === key ? { libraryClass: undefined, library: undefined } : { libraryClass: l.libraryClass, library: l.library })}
                  data-testid={`library-${l.library}`}
                  style={{ display: 'block', borderRadius: 6, padding: '2px 6px', background: libraryKey === key ? 'rgba(22, 119, 255, 0.08)' : undefined }}
                >
                  <Statistic title={libraryName(l)} value={l.resources} valueStyle={{ fontSize: 20 }} />
                </a>
              </Col>
            );
          })}
        </Row>
      </Card>
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search allowClear placeholder={t('catalog.search')} style={{ width: 360 }} onSearch={(q) => set({ q })} data-testid="catalog-search" />
        <Input allowClear placeholder={t('catalog.allDepartments')} style={{ width: 200 }} onPressEnter={(e) => set({ department: e.currentTarget.value })} onChange={(e) => e.target.value === '' && set({ department: '' })} />
        <Select allowClear placeholder={t('catalog.libraryClass')} style={{ width: 140 }} value={filters.libraryClass} onChange={(v?: string) => set({ libraryClass: v, library: undefined })} options={options('classValue', ['base', 'theme', 'topic', 'business'])} />
        <Select
          allowClear
          placeholder={t('catalog.library')}
          style={{ width: 180 }}
          data-testid="library-filter"
          value={libraryKey}
          onChange={(v?: string) => {
            const [libraryClass, library] = v ? v.split('/') : [undefined, undefined];
            set({ libraryClass, library });
          }}
          options={(['base', 'theme'] as const).map((c) => ({
            label: label(`catalog.classValue.${c}`),
            options: (libraries?.items ?? []).filter((l) => l.libraryClass === c).map((l) => ({ value: `${l.libraryClass}/${l.library}`, label: libraryName(l) })),
          }))}
        />
        <Select allowClear placeholder={t('catalog.sharingType')} style={{ width: 160 }} value={filters.sharingType} onChange={(v?: string) => set({ sharingType: v })} options={options('sharingValue', ['unconditional', 'conditional', 'none'])} />
        <Select allowClear placeholder={t('catalog.openType')} style={{ width: 160 }} value={filters.openType} onChange={(v?: string) => set({ openType: v })} options={options('openValue', ['unconditional', 'conditional', 'none'])} />
        <Button type="primary" onClick={() => setEditing({})} data-testid="resource-create">
          {t('catalog.form.create')}
        </Button>
        <Button onClick={() => setFromTemplate(true)} data-testid="resource-from-template">
          {t('catalog.template.action')}
        </Button>
      </Space>
      {error !== undefined && <ErrorResult error={error} onRetry={reload} compact />}
      <Table<ResourceSummary>
        rowKey="code"
        size="middle"
        loading={loading}
        dataSource={data?.items ?? []}
        onRow={(r) => ({ onClick: () => setOpen(r.code), style: { cursor: 'pointer' } })}
        pagination={{
          current: filters.offset / PAGE + 1,
          pageSize: PAGE,
          total: data?.total ?? 0,
          showSizeChanger: false,
          showTotal: (n) => t('catalog.total', { n: data?.totalCapped ? `${n.toLocaleString()}+` : n.toLocaleString() }),
          onChange: (p) => setFilters((f) => ({ ...f, offset: (p - 1) * PAGE })),
        }}
        columns={[
          { title: t('catalog.name'), dataIndex: 'name', render: (v: string, r) => <><Typography.Link>{v}</Typography.Link><div><Typography.Text type="secondary" style={{ fontSize: 12 }}>{r.abstract.slice(0, 60)}</Typography.Text></div></> },
          { title: t('catalog.code'), dataIndex: 'code', width: 180 },
          { title: t('catalog.department'), dataIndex: 'department', width: 160 },
          { title: t('catalog.libraryClass'), dataIndex: 'libraryClass', width: 110, render: (v: string, r) => <Tag>{t(`catalog.classValue.${v as 'base'}`)}{r.library ? ` · ${r.library}` : ''}</Tag> },
          { title: t('catalog.sharingType'), dataIndex: 'sharingType', width: 120, render: (v: string) => <Tag color={v === 'unconditional' ? 'green' : v === 'conditional' ? 'orange' : 'default'}>{t(`catalog.sharingValue.${v as 'none'}`)}</Tag> },
          { title: t('catalog.openType'), dataIndex: 'openType', width: 120, render: (v: string) => t(`catalog.openValue.${v as 'none'}`) },
          { title: t('catalog.version'), dataIndex: 'version', width: 70, render: (v: number) => `v${v}` },
        ]}
      />
      {open && <ResourceDrawer key={`${open}:${drawerNonce}`} code={open} onClose={() => setOpen(null)} onEdit={(resource) => setEditing({ resource })} />}
      {editing && (
        <ResourceForm
          {...(editing.resource ? { resource: editing.resource } : {})}
          onClose={() => setEditing(null)}
          onSaved={saved}
        />
      )}
      {fromTemplate && <TemplateForm libraries={libraries?.items ?? []} onClose={() => setFromTemplate(false)} onSaved={saved} />}
    </>
  );
}
