import { App, Button, Card, Col, Input, Popconfirm, Row, Select, Skeleton, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { Suspense, lazy, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorResult } from '../app/ErrorResult.tsx';
import { formatDateTime } from '../app/format.ts';
import { useLanguage } from '../app/i18n.ts';
import { deleteDevice, isOnline, updateDevice, type Device } from '../modules/iot/api/iot-api.ts';
import { DeviceDrawer } from '../modules/iot/components/DeviceDrawer.tsx';
import { BulkRegisterModal, EditDeviceModal, problemText, RegisterDeviceModal } from '../modules/iot/components/DeviceForms.tsx';
import { useDevices, useDeviceTypes, useDistrictOutlines } from '../modules/iot/hooks/use-iot.ts';

const DeviceMap = lazy(() => import('../modules/iot/components/DeviceMap.tsx').then((m) => ({ default: m.DeviceMap })));

const PAGE_SIZE = 10;
/** Devices drawn on the map at most (the first ones matching the filters). */
const MAP_LIMIT = 2_000;

/** 设备 Devices: the registry as a list paged and filtered by the server, and a map; a device opens with its live values and history. */
export function DevicesPage() {
  const { t } = useTranslation();
  const [language] = useLanguage();
  const { message } = App.useApp();
  const [typeId, setTypeId] = useState<string | undefined>(undefined);
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const filters = { typeId, q: q || undefined };
  const { data, error, reload } = useDevices({ ...filters, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
  const onMap = useDevices({ ...filters, limit: MAP_LIMIT, offset: 0 });
  const types = useDeviceTypes().data ?? [];
  const outlines = useDistrictOutlines().data;
  const [open, setOpen] = useState<string | null>(null);
  const [adding, setAdding] = useState<'one' | 'file' | null>(null);
  const [editing, setEditing] = useState<Device | null>(null);
  const typeName = (id: string) => {
    const type = types.find((x) => x.id === id);
    return type ? (language === 'en' ? type.nameEn : type.nameZh) : id;
  };
  const refresh = () => {
    reload();
    onMap.reload();
  };
  async function act(run: () => Promise<unknown>, done: string) {
    try {
      await run();
      void message.success(done);
    } catch (err) {
      void message.error(problemText(err));
    }
    refresh();
  }
  if (error !== undefined && !data) return <ErrorResult error={error} onRetry={reload} />;
  const mapTotal = onMap.data?.total ?? 0;
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
            title={<span data-testid="device-count">{t('iot.list', { total: data?.total ?? 0, online: data?.online ?? 0 })}</span>}
            extra={
              <Space>
                <Select
                  allowClear
                  placeholder={t('iot.col.type')}
                  style={{ width: 160 }}
                  value={typeId}
                  onChange={(v) => {
                    setTypeId(v);
                    setPage(1);
                  }}
                  options={types.map((x) => ({ value: x.id, label: typeName(x.id) }))}
                  data-testid="device-type-filter"
                />
                <Input.Search
                  allowClear
                  placeholder={t('iot.search')}
                  style={{ width: 180 }}
                  onSearch={(v) => {
                    setQ(v.trim());
                    setPage(1);
                  }}
                  data-testid="device-search"
                />
              </Space>
            }
          >
            <Table<Device>
              rowKey="id"
              size="small"
              loading={!data}
              dataSource={data?.devices ?? []}
              data-testid="devices-table"
              pagination={{ current: page, pageSize: PAGE_SIZE, total: data?.total ?? 0, showSizeChanger: false, onChange: setPage }}
              onRow={(d) => ({ onClick: () => setOpen(d.id), style: { cursor: 'pointer' } })}
              columns={[
                { title: t('iot.col.id'), dataIndex: 'id' },
                { title: t('iot.col.name'), dataIndex: 'name' },
                { title: t('iot.col.type'), dataIndex: 'typeId', render: (v: string) => typeName(v) },
                { title: t('iot.col.department'), dataIndex: 'ownerDepartment' },
                { title: t('iot.col.tier'), dataIndex: 'accessTier', render: (v: Device['accessTier']) => t(`iot.tier.${v}`) },
                {
                  title: t('iot.col.state'),
                  render: (_: unknown, d: Device) => (
                    <>
                      {!d.enabled ? <Tag color="red">{t('iot.disabled')}</Tag> : isOnline(d) ? <Tag color="green">{t('iot.online')}</Tag> : <Tag>{t('iot.offline')}</Tag>}
                      {d.brokerPasswordMissing && (
                        <Tooltip title={t('iot.noBrokerPasswordHint')}>
                          <Tag color="orange" data-testid={`device-no-broker-password-${d.id}`}>
                            {t('iot.noBrokerPassword')}
                          </Tag>
                        </Tooltip>
                      )}
                    </>
                  ),
                },
                { title: t('iot.col.lastSeen'), dataIndex: 'lastSeenAt', render: (v: string | null) => (v ? formatDateTime(v, language) : '—') },
                {
                  title: t('iot.alarm.actions'),
                  render: (_: unknown, d: Device) => (
                    // Clicks here must not open the device drawer.
                    <Space size={4} onClick={(e) => e.stopPropagation()}>
                      <Button size="small" onClick={() => setEditing(d)} data-testid={`device-edit-${d.id}`}>
                        {t('iot.edit.action')}
                      </Button>
                      <Popconfirm
                        title={d.enabled ? t('iot.edit.disableConfirm') : t('iot.edit.enableConfirm')}
                        onConfirm={() => void act(() => updateDevice(d.id, { enabled: !d.enabled }), d.enabled ? t('iot.edit.disabled') : t('iot.edit.enabled'))}
                      >
                        <Button size="small" data-testid={`device-toggle-${d.id}`}>
                          {d.enabled ? t('iot.edit.disable') : t('iot.edit.enable')}
                        </Button>
                      </Popconfirm>
                      <Popconfirm title={t('iot.edit.deleteConfirm', { id: d.id })} okButtonProps={{ danger: true }} onConfirm={() => void act(() => deleteDevice(d.id), t('iot.edit.deleted'))}>
                        <Button size="small" danger data-testid={`device-delete-${d.id}`}>
                          {t('iot.edit.delete')}
                        </Button>
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card title={t('iot.map')} extra={mapTotal > MAP_LIMIT ? <Typography.Text type="secondary">{t('iot.mapLimited', { shown: MAP_LIMIT, total: mapTotal })}</Typography.Text> : null}>
            <Suspense fallback={<Skeleton.Node active style={{ width: '100%', height: 420 }} />}>
              <DeviceMap devices={onMap.data?.devices ?? []} outlines={outlines} onOpen={setOpen} />
            </Suspense>
          </Card>
        </Col>
      </Row>
      {open ? <DeviceDrawer key={open} id={open} types={types} onClose={() => setOpen(null)} /> : null}
      {adding === 'one' ? <RegisterDeviceModal types={types} onClose={() => setAdding(null)} onRegistered={refresh} /> : null}
      {adding === 'file' ? <BulkRegisterModal onClose={() => setAdding(null)} onRegistered={refresh} /> : null}
      {editing ? <EditDeviceModal device={editing} onClose={() => setEditing(null)} onSaved={refresh} /> : null}
    </Space>
  );
}
