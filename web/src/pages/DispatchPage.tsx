import { App, Button, Card, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../app/api.ts';
import { actOnEvent, type EventSummary } from '../modules/events/api/events-api.ts';
import { EventTable } from '../modules/events/components/EventTable.tsx';
import { useDepartments, useEvents } from '../modules/events/hooks/use-events.ts';

/** 协同调度 the dispatcher desk: new events to dispatch, returned ones (退单), overdue ones; assign or override. */
export function DispatchPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const created = useEvents({ state: 'created' });
  const returned = useEvents({ state: 'returned' });
  const overdue = useEvents({ state: 'open', overdue: true });
  const departments = useDepartments().data ?? [];
  const [choice, setChoice] = useState<Record<number, string>>({});

  async function assign(e: EventSummary) {
    const action = e.state === 'created' || e.state === 'returned' ? 'dispatch' : 'reassign';
    try {
      await actOnEvent(e.id, action, choice[e.id] ? { departmentCode: choice[e.id] } : {});
      void message.success(t('events.done'));
    } catch (err) {
      void message.error(err instanceof ApiError ? (err.detail ?? err.title) : String(err));
    }
    created.reload();
    returned.reload();
    overdue.reload();
  }

  const assignCell = (e: EventSummary) => (
    <Space>
      <Select size="small" showSearch optionFilterProp="label" placeholder={e.departmentName ?? t('events.pickDepartment')} style={{ width: 180 }} value={choice[e.id]}
        onChange={(v: string) => setChoice((c) => ({ ...c, [e.id]: v }))} options={departments.map((d) => ({ value: d.code, label: d.name }))} />
      <Button size="small" type="primary" onClick={() => void assign(e)}>{e.state === 'created' || e.state === 'returned' ? t('events.assign') : t('events.override')}</Button>
    </Space>
  );

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>{t('events.desk')}</Typography.Title>
      <Card title={`${t('events.newEvents')} (${created.data?.total ?? 0})`}><EventTable items={created.data?.items ?? []} loading={created.loading && !created.data} extra={assignCell} /></Card>
      <Card title={`${t('events.returned')} (${returned.data?.total ?? 0})`}><EventTable items={returned.data?.items ?? []} loading={returned.loading && !returned.data} extra={assignCell} /></Card>
      <Card title={`${t('events.overdue')} (${overdue.data?.total ?? 0})`}><EventTable items={overdue.data?.items ?? []} loading={overdue.loading && !overdue.data} extra={assignCell} /></Card>
    </Space>
  );
}
