// 图层目录 the side panel of the one map: the layers shown (switch off any of them), then search, group
// filter and a page of the catalogue with switches — searched and paged by the server, so a
// catalogue of thousands of layers stays light.
import { Badge, Collapse, Input, List, Segmented, Switch, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLanguage } from '../../../app/i18n.ts';
import type { LayerGroup, MapLayer } from '../api/map-api.ts';
import { useLayers } from '../hooks/use-layers.ts';

const PAGE = 50;
const GROUPS: readonly LayerGroup[] = ['basemap', 'iot', 'events', 'catalog'];

export function LayerCatalogue({ enabled, shown, onToggle }: { enabled: ReadonlySet<string>; shown: readonly MapLayer[]; onToggle: (layer: MapLayer, on: boolean) => void }) {
  const { t } = useTranslation();
  const [language] = useLanguage();
  const [q, setQ] = useState('');
  const [group, setGroup] = useState<LayerGroup | 'all'>('all');
  const [page, setPage] = useState(1);
  const { data, loading } = useLayers({ q: q || undefined, group: group === 'all' ? undefined : group, limit: PAGE, offset: (page - 1) * PAGE });
  return (
    <div data-testid="layer-catalogue" style={{ display: 'flex', flexDirection: 'column', gap: 8, height: '100%' }}>
      <Typography.Text strong>{t('oneMap.catalogue')}</Typography.Text>
      <Collapse
        size="small"
        data-testid="layer-shown"
        defaultActiveKey={['shown']}
        items={[{
          key: 'shown',
          label: t('oneMap.shown', { count: shown.length }),
          children: shown.length === 0 ? <Typography.Text type="secondary">{t('oneMap.noneShown')}</Typography.Text> : (
            <div style={{ display: 'flex', flexWrap: 'wrap', gap: 4, maxHeight: 120, overflow: 'auto' }}>
              {shown.map((layer) => (
                <Tag key={layer.id} closable color={layer.style.color} data-testid={`layer-shown-${layer.id}`} onClose={(e) => { e.preventDefault(); onToggle(layer, false); }}>
                  {language === 'en' ? layer.nameEn : layer.nameZh}
                </Tag>
              ))}
            </div>
          ),
        }]}
      />
      <Input.Search allowClear placeholder={t('oneMap.search')} data-testid="layer-search" onSearch={(v) => { setQ(v.trim()); setPage(1); }} />
      <Segmented
        size="small"
        block
        value={group}
        onChange={(v) => { setGroup(v as LayerGroup | 'all'); setPage(1); }}
        options={[{ value: 'all', label: t('oneMap.allGroups') }, ...GROUPS.map((g) => ({ value: g, label: <span>{t(`oneMap.group.${g}`)} <Badge count={data?.groups[g] ?? 0} size="small" color="#8c8c8c" showZero /></span> }))]}
      />
      <List
        data-testid="layer-list"
        size="small"
        loading={loading}
        style={{ overflow: 'auto', flex: 1 }}
        dataSource={data?.items ?? []}
        pagination={data && data.total > PAGE ? { current: page, pageSize: PAGE, total: data.total, size: 'small', simple: true, onChange: setPage } : false}
        footer={<Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('oneMap.layers', { total: data?.total ?? 0 })}</Typography.Text>}
        renderItem={(layer) => (
          <List.Item
            key={layer.id}
            actions={[<Switch key="on" size="small" checked={enabled.has(layer.id)} data-testid={`layer-toggle-${layer.id}`} onChange={(on) => onToggle(layer, on)} />]}
          >
            <List.Item.Meta
              avatar={<span style={{ display: 'inline-block', width: 10, height: 10, marginTop: 6, borderRadius: layer.geometry === 'point' ? 5 : 2, background: layer.style.color }} />}
              title={language === 'en' ? layer.nameEn : layer.nameZh}
              description={<Typography.Text type="secondary" style={{ fontSize: 12 }}>{t(`oneMap.group.${layer.group}`)} · {layer.id}</Typography.Text>}
            />
          </List.Item>
        )}
      />
    </div>
  );
}
