import { App, Button, Card, Descriptions, Modal, Segmented, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../app/api.ts';
import { ErrorResult } from '../app/ErrorResult.tsx';
import { formatDateTime } from '../app/format.ts';
import { useLanguage } from '../app/i18n.ts';
import { usePathname } from '../app/router.tsx';
import { acknowledgeAlarm, clearAlarm, type Alarm, type AlarmStatus, type Severity } from '../modules/iot/api/iot-api.ts';
import { DeadLettersPanel } from '../modules/iot/components/DeadLettersPanel.tsx';
import { RulesPanel } from '../modules/iot/components/RulesPanel.tsx';
import { useAlarms, useDeviceTypes } from '../modules/iot/hooks/use-iot.ts';

const SEVERITY_COLOR: Record<Severity, string> = { critical: 'red', major: 'volcano', minor: 'orange', warning: 'gold' };
const STATUS_COLOR: Record<AlarmStatus, string> = { active: 'red', acknowledged: 'blue', cleared: 'default' };
type Filter = AlarmStatus | 'open' | 'all';

/** `?id=N` (the link of an alarm notification, /console/alarms?id=N) opens that alarm. */
const idFromUrl = (): number | undefined => {
  const n = Number(new URLSearchParams(window.location.search).get('id'));
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

/** 告警 Alarms: open alarms first (acknowledge, clear); the rules that raise them; refused messages. */
export function AlarmsPage() {
  const { t } = useTranslation();
  const types = useDeviceTypes().data ?? [];
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('nav.alarms')}
      </Typography.Title>
      <Tabs
        items={[
          { key: 'alarms', label: t('iot.tabs.alarms'), children: <AlarmList /> },
          { key: 'rules', label: t('iot.tabs.rules'), children: <Card><RulesPanel types={types} /></Card> },
          { key: 'dead', label: t('iot.tabs.deadLetters'), children: <Card><DeadLettersPanel /></Card> },
        ]}
      />
    </Space>
  );
}

function AlarmList() {
  const { t } = useTranslation();
  const [language] = useLanguage();
  const { message } = App.useApp();
  const pathname = usePathname();
  const [openId, setOpenId] = useState<number | undefined>(idFromUrl);
  // A linked alarm may be cleared already: look for it among all alarms.
  const [filter, setFilter] = useState<Filter>(() => (idFromUrl() === undefined ? 'open' : 'all'));
  const { data, error, reload } = useAlarms(filter);
  const [busy, setBusy] = useState<number | null>(null);

  useEffect(() => {
    const sync = () => {
      const id = idFromUrl();
      setOpenId(id);
      if (id !== undefined) setFilter('all');
    };
    sync();
    window.addEventListener('popstate', sync);
    return () => window.removeEventListener('popstate', sync);
  }, [pathname]);

  const openAlarm = (id: number | undefined) => {
    setOpenId(id);
    // Only the query changes: replace it in place (no scroll to the top, no new history entry).
    window.history.replaceState(null, '', id === undefined ? window.location.pathname : `${window.location.pathname}?id=${id}`);
  };
  const opened = openId === undefined ? undefined : data?.find((a) => a.id === openId);

  async function act(id: number, action: (id: number) => Promise<null>, done: string) {
    setBusy(id);
    try {
      await action(id);
      void message.success(done);
    } catch (err) {
      void message.error(err instanceof ApiError ? (err.detail ?? err.title) : String(err));
    } finally {
      setBusy(null);
      reload();
    }
  }

  if (error !== undefined && !data) return <ErrorResult error={error} onRetry={reload} />;
  return (
      <Card
        extra={
          <Segmented<Filter>
            value={filter}
            onChange={setFilter}
            options={(['open', 'active', 'acknowledged', 'cleared', 'all'] as const).map((s) => ({ value: s, label: t(`iot.alarm.filter.${s}`) }))}
          />
        }
      >
        <Table<Alarm>
          rowKey="id"
          size="small"
          loading={!data}
          dataSource={data ?? []}
          data-testid="alarms-table"
          onRow={(a) => ({ onClick: (e) => { if (!(e.target as HTMLElement).closest('button')) openAlarm(a.id); }, style: { cursor: 'pointer' } })}
          rowClassName={(a) => (a.id === openId ? 'ant-table-row-selected' : '')}
          pagination={{ pageSize: 20, showSizeChanger: false }}
          columns={[
            { title: t('iot.alarm.severity'), dataIndex: 'severity', render: (s: Severity) => <Tag color={SEVERITY_COLOR[s]}>{t(`iot.severity.${s}`)}</Tag> },
            { title: t('iot.alarm.status'), dataIndex: 'status', render: (s: AlarmStatus) => <Tag color={STATUS_COLOR[s]}>{t(`iot.alarm.filter.${s}`)}</Tag> },
            { title: t('iot.alarm.rule'), dataIndex: 'ruleName' },
            { title: t('iot.alarm.device'), render: (_: unknown, a: Alarm) => `${a.deviceName} (${a.deviceId})` },
            { title: t('iot.alarm.message'), dataIndex: 'message' },
            { title: t('iot.alarm.raisedAt'), dataIndex: 'raisedAt', render: (v: string) => formatDateTime(v, language) },
            {
              title: t('iot.alarm.actions'),
              render: (_: unknown, a: Alarm) => actions(a),
            },
          ]}
        />
        <Modal
          open={openId !== undefined && data !== undefined}
          title={t('iot.alarm.detail', { id: openId })}
          onCancel={() => openAlarm(undefined)}
          footer={opened ? actions(opened) : null}
        >
          {opened ? (
            <Descriptions column={1} size="small" bordered>
              <Descriptions.Item label={t('iot.alarm.severity')}><Tag color={SEVERITY_COLOR[opened.severity]}>{t(`iot.severity.${opened.severity}`)}</Tag></Descriptions.Item>
              <Descriptions.Item label={t('iot.alarm.status')}><Tag color={STATUS_COLOR[opened.status]}>{t(`iot.alarm.filter.${opened.status}`)}</Tag></Descriptions.Item>
              <Descriptions.Item label={t('iot.alarm.rule')}>{opened.ruleName}</Descriptions.Item>
              <Descriptions.Item label={t('iot.alarm.device')}>{`${opened.deviceName} (${opened.deviceId})`}</Descriptions.Item>
              <Descriptions.Item label={t('iot.alarm.message')}>{opened.message}</Descriptions.Item>
              <Descriptions.Item label={t('iot.alarm.value')}>{opened.value ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('iot.alarm.raisedAt')}>{formatDateTime(opened.raisedAt, language)}</Descriptions.Item>
              {opened.acknowledgedAt ? <Descriptions.Item label={t('iot.alarm.acknowledgedAt')}>{formatDateTime(opened.acknowledgedAt, language)}</Descriptions.Item> : null}
              {opened.acknowledgedBy ? <Descriptions.Item label={t('iot.alarm.acknowledgedBy')}>{opened.acknowledgedBy}</Descriptions.Item> : null}
              {opened.clearedAt ? <Descriptions.Item label={t('iot.alarm.clearedAt')}>{formatDateTime(opened.clearedAt, language)}</Descriptions.Item> : null}
            </Descriptions>
          ) : (
            <Typography.Text type="secondary">{t('iot.alarm.notFound', { id: openId })}</Typography.Text>
          )}
        </Modal>
      </Card>
  );

  function actions(a: Alarm) {
    return (
      <Space>
        {a.status === 'active' ? (
          <Button size="small" type="primary" loading={busy === a.id} onClick={() => void act(a.id, acknowledgeAlarm, t('iot.alarm.acknowledged'))}>
            {t('iot.alarm.acknowledge')}
          </Button>
        ) : null}
        {a.status !== 'cleared' ? (
          <Button size="small" loading={busy === a.id} onClick={() => void act(a.id, clearAlarm, t('iot.alarm.cleared'))}>
            {t('iot.alarm.clear')}
          </Button>
        ) : null}
      </Space>
    );
  }
}
