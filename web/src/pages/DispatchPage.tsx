import { App, Button, Card, Select, Space, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RequireSignIn } from '../modules/identity/components/RequireSignIn.tsx';
import { ApiError } from '../app/api.ts';
import { actOnEvent, type EventSummary } from '../modules/events/api/events-api.ts';
import { CalendarEditor } from '../modules/events/components/CalendarEditor.tsx';
import { CategoryEditor } from '../modules/events/components/CategoryEditor.tsx';
import { DetectionTable } from '../modules/events/components/DetectionTable.tsx';
import { EventEntryForm } from '../modules/events/components/EventEntryForm.tsx';
import { EventTable } from '../modules/events/components/EventTable.tsx';
import { OnTimeTable } from '../modules/events/components/OnTimeTable.tsx';
import { RoutingRuleEditor } from '../modules/events/components/RoutingRuleEditor.tsx';
import { ScenarioEditor } from '../modules/events/components/ScenarioEditor.tsx';
import { useDepartments, useEvents } from '../modules/events/hooks/use-events.ts';

/**
 * 协同调度 the dispatcher desk: queues of new (unassigned), returned (退单), escalated (升级) and
 * overdue events, each with an override of the routed unit; entering a hotline / grid-worker / manual
 * event; the routing rules; the on-time rate per unit; the catalogue and the working calendar.
 */
function DispatchDesk() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const created = useEvents({ state: 'created' });
  const returned = useEvents({ state: 'returned' });
  const escalated = useEvents({ state: 'open', escalated: true, sort: 'urgency' });
  const overdue = useEvents({ state: 'open', overdue: true, sort: 'urgency' });
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
    for (const q of [created, returned, escalated, overdue]) q.reload();
  }

  const assignCell = (e: EventSummary) => (
    <Space>
      <Select size="small" showSearch optionFilterProp="label" placeholder={e.departmentName ?? t('events.pickDepartment')} style={{ width: 180 }} value={choice[e.id]}
        onChange={(v: string) => setChoice((c) => ({ ...c, [e.id]: v }))} options={departments.map((d) => ({ value: d.code, label: `${d.name}（${d.code}）` }))} />
      <Button size="small" type="primary" onClick={() => void assign(e)}>{e.state === 'created' || e.state === 'returned' ? t('events.assign') : t('events.override')}</Button>
    </Space>
  );

  const queue = (title: string, q: typeof created, testId: string) => (
    <Card title={`${title} (${q.data?.total ?? 0})`} data-testid={testId}>
      <EventTable items={q.data?.items ?? []} loading={q.loading && !q.data} extra={assignCell} />
    </Card>
  );

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>{t('events.desk')}</Typography.Title>
      <Tabs
        items={[
          {
            key: 'queues', label: t('events.queues'),
            children: (
              <Space orientation="vertical" size={16} style={{ width: '100%' }}>
                {queue(t('events.newEvents'), created, 'queue-created')}
                {queue(t('events.returned'), returned, 'queue-returned')}
                {queue(t('events.escalated'), escalated, 'queue-escalated')}
                {queue(t('events.overdue'), overdue, 'queue-overdue')}
              </Space>
            ),
          },
          { key: 'entry', label: t('events.entry.tab'), children: <EventEntryForm onCreated={() => { for (const q of [created, returned, escalated, overdue]) q.reload(); }} /> },
          { key: 'rules', label: t('events.rules.tab'), children: <RoutingRuleEditor /> },
          { key: 'onTime', label: t('events.onTime.tab'), children: <OnTimeTable /> },
          { key: 'detections', label: t('events.det.tab'), children: <Card><DetectionTable /></Card> },
          { key: 'scenarios', label: t('events.scn.tab'), children: <ScenarioEditor /> },
          { key: 'catalogue', label: t('events.catalogue'), children: <CategoryEditor /> },
          { key: 'calendar', label: t('events.calendar'), children: <CalendarEditor /> },
        ]}
      />
    </Space>
  );
}

/** Signed-in staff only: what they see and may do depends on their units and roles. */
export function DispatchPage() {
  return <RequireSignIn>{() => <DispatchDesk />}</RequireSignIn>;
}
