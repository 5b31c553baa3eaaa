import { App, Button, DatePicker, Descriptions, Drawer, Empty, Modal, Popconfirm, Segmented, Select, Skeleton, Space, Statistic, Tabs, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { Suspense, lazy, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorResult } from '../../../app/ErrorResult.tsx';
import { formatDateTime } from '../../../app/format.ts';
import { useLanguage } from '../../../app/i18n.ts';
import { isOnline, rotateToken, type DeviceDetail, type DeviceType, type DeviceWithToken } from '../api/iot-api.ts';
import { useDevice, useHistory } from '../hooks/use-iot.ts';
import { CommandsPanel } from './CommandsPanel.tsx';
import { problemText, TokenOnce } from './DeviceForms.tsx';
import { RulesPanel } from './RulesPanel.tsx';

const HistoryChart = lazy(() => import('./HistoryChart.tsx').then((m) => ({ default: m.HistoryChart })));
const RANGES = [6, 24, 168, 720] as const;
type Range = (typeof RANGES)[number];

function HistoryPanel({ id, attribute, unit }: { id: string; attribute: string; unit: string }) {
  const { t } = useTranslation();
  const [hours, setHours] = useState<Range>(24);
  const [custom, setCustom] = useState<[Dayjs, Dayjs] | null>(null);
  const { data, error, reload } = useHistory(id, attribute, custom ? { from: custom[0].toDate(), to: custom[1].toDate() } : hours);
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
      <Space wrap>
        <Segmented<Range>
          value={custom ? undefined : hours}
          onChange={(h) => {
            setCustom(null);
            setHours(h);
          }}
          options={RANGES.map((h) => ({ value: h, label: t(`iot.range.h${h}`) }))}
        />
        <DatePicker.RangePicker
          showTime
          value={custom}
          placeholder={[t('iot.range.from'), t('iot.range.to')]}
          onChange={(v) => setCustom(v?.[0] && v[1] ? [v[0], v[1]] : null)}
          data-testid="history-range"
        />
      </Space>
      {body}
      {data?.bucketSeconds ? (
        <Typography.Text type="secondary" data-testid="history-bucket">
          {t('iot.bucket', { minutes: Math.round(data.bucketSeconds / 60) })}
          {data.source !== 'raw' ? ` · ${t(`iot.rollup.${data.source}`)}` : ''}
        </Typography.Text>
      ) : null}
    </Space>
  );
}

/** 设备详情 a device: its registration, live latest values and history chart. */
export function DeviceDrawer({ id, types, onClose }: { id: string; types: readonly DeviceType[]; onClose: () => void }) {
  const { t } = useTranslation();
  const [language] = useLanguage();
  const { data, error, reload } = useDevice(id);
  const { message } = App.useApp();
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const [rotated, setRotated] = useState<DeviceWithToken | null>(null);
  async function rotate() {
    try {
      setRotated(await rotateToken(id));
    } catch (err) {
      void message.error(problemText(err));
    }
  }
  const type = types.find((x) => x.id === data?.typeId);
  const attribute = chosen ?? data?.latest[0]?.attribute ?? type?.attributes[0]?.name;
  const unitOf = (name: string) => type?.attributes.find((a) => a.name === name)?.unit ?? '';
  let body;
  if (error !== undefined) body = <ErrorResult error={error} onRetry={reload} compact />;
  else if (!data || data.id !== id) body = <Skeleton active />;
  else
    body = (
      <Tabs
        items={[
          { key: 'overview', label: t('iot.tabs.overview'), children: overview(data) },
          { key: 'commands', label: t('iot.tabs.commands'), children: <CommandsPanel deviceId={data.id} /> },
          { key: 'rules', label: t('iot.tabs.rules'), children: <RulesPanel types={types} device={{ id: data.id, typeId: data.typeId }} /> },
        ]}
      />
    );
  function overview(data: DeviceDetail) {
    return (
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
  }
  return (
    <Drawer
      open
      onClose={onClose}
      size="large"
      title={data && data.id === id ? `${data.name} · ${data.id}` : id}
      data-testid="device-drawer"
      extra={
        <Popconfirm title={t('iot.token.rotateConfirm')} onConfirm={() => void rotate()}>
          <Button>{t('iot.token.rotate')}</Button>
        </Popconfirm>
      }
    >
      {body}
      {rotated ? (
        <Modal open title={t('iot.token.rotate')} onCancel={() => setRotated(null)} footer={<Button onClick={() => setRotated(null)}>{t('iot.close')}</Button>}>
          <TokenOnce result={rotated} />
        </Modal>
      ) : null}
    </Drawer>
  );
}
