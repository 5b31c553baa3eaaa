import { App, Button, Card, Segmented, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../app/api.ts';
import { ErrorResult } from '../app/ErrorResult.tsx';
import { formatDateTime } from '../app/format.ts';
import { useLanguage } from '../app/i18n.ts';
import { acknowledgeAlarm, clearAlarm, type Alarm, type AlarmStatus, type Severity } from '../modules/iot/api/iot-api.ts';
import { DeadLettersPanel } from '../modules/iot/components/DeadLettersPanel.tsx';
import { RulesPanel } from '../modules/iot/components/RulesPanel.tsx';
import { useAlarms, useDeviceTypes } from '../modules/iot/hooks/use-iot.ts';

const SEVERITY_COLOR: Record<Severity, string> = { critical: 'red', major: 'volcano', minor: 'orange', warning: 'gold' };
const STATUS_COLOR: Record<AlarmStatus, string> = { active: 'red', acknowledged: 'blue', cleared: 'default' };
type Filter = AlarmStatus | 'open' | 'all';

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
  const [filter, setFilter] = useState<Filter>('open');
  const { data, error, reload } = useAlarms(filter);
  const [busy, setBusy] = useState<number | null>(null);

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
              render: (_: unknown, a: Alarm) => (
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
              ),
            },
          ]}
        />
      </Card>
  );
}
