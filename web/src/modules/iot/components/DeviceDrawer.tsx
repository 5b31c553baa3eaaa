import { Descriptions, Drawer, Empty, Segmented, Select, Skeleton, Space, Statistic, Tag, Typography } from 'antd';
import { Suspense, lazy, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorResult } from '../../../app/ErrorResult.tsx';
import { formatDateTime } from '../../../app/format.ts';
import { useLanguage } from '../../../app/i18n.ts';
import { isOnline, type DeviceType } from '../api/iot-api.ts';
import { useDevice, useHistory } from '../hooks/use-iot.ts';

const HistoryChart = lazy(() => import('./HistoryChart.tsx').then((m) => ({ default: m.HistoryChart })));
const RANGES = [6, 24, 168, 720] as const;
type Range = (typeof RANGES)[number];

function HistoryPanel({ id, attribute, unit }: { id: string; attribute: string; unit: string }) {
  const { t } = useTranslation();
  const [hours, setHours] = useState<Range>(24);
  const { data, error, reload } = useHistory(id, attribute, hours);
  let body;
  if (error !== undefined) body = <ErrorResult error={error} onRetry={reload} compact />;
  else if (!data) body = <Skeleton active />;
  else if (data.points.length === 0) body = <Empty description={t('iot.noHistory')} />;
  else
    body = (
      <Suspense fallback={<Skeleton active />}>
        <HistoryChart history={data} unit={unit} />
      </Suspense>
    );
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Segmented<Range> value={hours} onChange={setHours} options={RANGES.map((h) => ({ value: h, label: t(`iot.range.h${h}`) }))} />
      {body}
      {data?.bucketSeconds ? <Typography.Text type="secondary">{t('iot.bucket', { minutes: Math.round(data.bucketSeconds / 60) })}</Typography.Text> : null}
    </Space>
  );
}

/** 设备详情 a device: its registration, live latest values and history chart. */
export function DeviceDrawer({ id, types, onClose }: { id: string; types: readonly DeviceType[]; onClose: () => void }) {
  const { t } = useTranslation();
  const [language] = useLanguage();
  const { data, error, reload } = useDevice(id);
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const type = types.find((x) => x.id === data?.typeId);
  const attribute = chosen ?? data?.latest[0]?.attribute ?? type?.attributes[0]?.name;
  const unitOf = (name: string) => type?.attributes.find((a) => a.name === name)?.unit ?? '';
  let body;
  if (error !== undefined) body = <ErrorResult error={error} onRetry={reload} compact />;
  else if (!data || data.id !== id) body = <Skeleton active />;
  else
    body = (
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        <Descriptions size="small" column={2} bordered>
          <Descriptions.Item label={t('iot.col.type')}>{type ? (language === 'en' ? type.nameEn : type.nameZh) : data.typeId}</Descriptions.Item>
          <Descriptions.Item label={t('iot.col.state')}>
            {isOnline(data) ? <Tag color="green">{t('iot.online')}</Tag> : <Tag>{t('iot.offline')}</Tag>}
          </Descriptions.Item>
          <Descriptions.Item label={t('iot.col.department')}>{data.ownerDepartment}</Descriptions.Item>
          <Descriptions.Item label={t('iot.col.tier')}>{t(`iot.tier.${data.accessTier}`)}</Descriptions.Item>
          <Descriptions.Item label={t('iot.col.location')}>{`${data.lon.toFixed(5)}, ${data.lat.toFixed(5)}`}</Descriptions.Item>
          <Descriptions.Item label={t('iot.col.parent')}>{data.parentId ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('iot.col.model')} span={2}>{type?.dataModel ?? '—'}</Descriptions.Item>
        </Descriptions>
        <Typography.Title level={5}>{t('iot.latest')}</Typography.Title>
        {data.latest.length === 0 ? (
          <Empty description={t('iot.noReadings')} />
        ) : (
          <Space wrap size={24} data-testid="latest-values">
            {data.latest.map((v) => (
              <Statistic key={v.attribute} title={`${v.attribute} · ${formatDateTime(v.observedAt, language)}`} value={v.value} suffix={unitOf(v.attribute)} />
            ))}
          </Space>
        )}
        <Typography.Title level={5}>{t('iot.history')}</Typography.Title>
        <Select
          style={{ minWidth: 200 }}
          value={attribute}
          onChange={setChosen}
          options={(type?.attributes ?? []).map((a) => ({ value: a.name, label: a.unit ? `${a.name} (${a.unit})` : a.name }))}
        />
        {attribute ? <HistoryPanel id={data.id} attribute={attribute} unit={unitOf(attribute)} /> : null}
      </Space>
    );
  return (
    <Drawer open onClose={onClose} size="large" title={data && data.id === id ? `${data.name} · ${data.id}` : id}>
      {body}
    </Drawer>
  );
}
