import { Button, Card, Col, Input, Row, Select, Skeleton, Space, Table, Tag, Typography } from 'antd';
import { Suspense, lazy, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorResult } from '../app/ErrorResult.tsx';
import { formatDateTime } from '../app/format.ts';
import { useLanguage } from '../app/i18n.ts';
import { isOnline, type Device } from '../modules/iot/api/iot-api.ts';
import { DeviceDrawer } from '../modules/iot/components/DeviceDrawer.tsx';
import { BulkRegisterModal, RegisterDeviceModal } from '../modules/iot/components/DeviceForms.tsx';
import { useDevices, useDeviceTypes, useDistrictOutlines } from '../modules/iot/hooks/use-iot.ts';

const DeviceMap = lazy(() => import('../modules/iot/components/DeviceMap.tsx').then((m) => ({ default: m.DeviceMap })));

/** 设备 Devices: the registry as a list and a map; a device opens with its live values and history. */
export function DevicesPage() {
  const { t } = useTranslation();
  const [language] = useLanguage();
  const { data, error, reload } = useDevices();
  const types = useDeviceTypes().data ?? [];
  const outlines = useDistrictOutlines().data;
  const [open, setOpen] = useState<string | null>(null);
  const [adding, setAdding] = useState<'one' | 'file' | null>(null);
  const [typeId, setTypeId] = useState<string | undefined>(undefined);
  const [q, setQ] = useState('');
  const typeName = (id: string) => {
    const type = types.find((x) => x.id === id);
    return type ? (language === 'en' ? type.nameEn : type.nameZh) : id;
  };
  const shown = useMemo(
    () => (data?.devices ?? []).filter((d) => (!typeId || d.typeId === typeId) && (!q || d.id.includes(q) || d.name.includes(q))),
    [data, typeId, q],
  );
  if (error !== undefined && !data) return <ErrorResult error={error} onRetry={reload} />;
  const online = shown.filter((d) => isOnline(d)).length;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('nav.devices')}
        </Typography.Title>
        <Space>
          <Button type="primary" onClick={() => setAdding('one')} data-testid="device-register">
            {t('iot.register.title')}
          </Button>
          <Button onClick={() => setAdding('file')} data-testid="device-bulk">
            {t('iot.bulk.title')}
          </Button>
        </Space>
      </Space>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Card
            title={t('iot.list', { total: shown.length, online })}
            extra={
              <Space>
                <Select allowClear placeholder={t('iot.col.type')} style={{ width: 160 }} value={typeId} onChange={setTypeId} options={types.map((x) => ({ value: x.id, label: typeName(x.id) }))} />
                <Input.Search allowClear placeholder={t('iot.search')} style={{ width: 180 }} onSearch={setQ} />
              </Space>
            }
          >
            <Table<Device>
              rowKey="id"
              size="small"
              loading={!data}
              dataSource={shown}
              pagination={{ pageSize: 10, showSizeChanger: false }}
              onRow={(d) => ({ onClick: () => setOpen(d.id), style: { cursor: 'pointer' } })}
              columns={[
                { title: t('iot.col.id'), dataIndex: 'id' },
                { title: t('iot.col.name'), dataIndex: 'name' },
                { title: t('iot.col.type'), dataIndex: 'typeId', render: (v: string) => typeName(v) },
                { title: t('iot.col.department'), dataIndex: 'ownerDepartment' },
                { title: t('iot.col.tier'), dataIndex: 'accessTier', render: (v: Device['accessTier']) => t(`iot.tier.${v}`) },
                {
                  title: t('iot.col.state'),
                  render: (_: unknown, d: Device) => (isOnline(d) ? <Tag color="green">{t('iot.online')}</Tag> : <Tag>{t('iot.offline')}</Tag>),
                },
                { title: t('iot.col.lastSeen'), dataIndex: 'lastSeenAt', render: (v: string | null) => (v ? formatDateTime(v, language) : '—') },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card title={t('iot.map')}>
            <Suspense fallback={<Skeleton.Node active style={{ width: '100%', height: 420 }} />}>
              <DeviceMap devices={shown} outlines={outlines} onOpen={setOpen} />
            </Suspense>
          </Card>
        </Col>
      </Row>
      {open ? <DeviceDrawer key={open} id={open} types={types} onClose={() => setOpen(null)} /> : null}
      {adding === 'one' ? <RegisterDeviceModal types={types} onClose={() => setAdding(null)} onRegistered={reload} /> : null}
      {adding === 'file' ? <BulkRegisterModal onClose={() => setAdding(null)} onRegistered={reload} /> : null}
    </Space>
  );
}
