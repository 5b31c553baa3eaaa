import { Card, Checkbox, Segmented, Select, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RequireSignIn } from '../modules/identity/components/RequireSignIn.tsx';
import { ErrorResult } from '../app/ErrorResult.tsx';
import { usePathname } from '../app/router.tsx';
import type { EventState } from '../modules/events/api/events-api.ts';
import { EventDetailView } from '../modules/events/components/EventDetailView.tsx';
import { EventTable } from '../modules/events/components/EventTable.tsx';
import { useDepartments, useEvents } from '../modules/events/hooks/use-events.ts';

const idFromUrl = (): number | undefined => {
  const n = Number(new URLSearchParams(window.location.search).get('id'));
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

type StateFilter = 'open' | 'all' | EventState;
const STATES: readonly EventState[] = ['dispatched', 'accepted', 'handling', 'reported', 'returned', 'closed'];

/**
 * 事件中心 the inbox of my unit (and the units below it): by state, overdue first; or everything
 * I may see, filtered by unit. `?id=` opens the event page.
 */
function EventsInbox() {
  const { t } = useTranslation();
  const pathname = usePathname();
  const [openId, setOpenId] = useState<number | undefined>(idFromUrl);
  const [scope, setScope] = useState<'mine' | 'all'>('mine');
  const [department, setDepartment] = useState<string>();
  const [state, setState] = useState<StateFilter>('open');
  const [overdue, setOverdue] = useState(false);
  const departments = useDepartments().data ?? [];
  const { data, error, loading, reload } = useEvents({
    ...(scope === 'mine' ? { mine: true } : { department }),
    state: state === 'all' ? undefined : state,
    sort: 'urgency',
    ...(overdue ? { overdue: true } : {}),
  });

  useEffect(() => {
    setOpenId(idFromUrl());
    const onPop = () => setOpenId(idFromUrl());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, [pathname]);

  if (openId !== undefined) return <EventDetailView id={openId} />;
  if (error !== undefined && !data) return <ErrorResult error={error} onRetry={reload} />;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>{t('events.inbox')}</Typography.Title>
      <Card>
        <Space wrap style={{ marginBottom: 12 }}>
          <Segmented<'mine' | 'all'> value={scope} onChange={setScope} options={[{ value: 'mine', label: t('events.mine') }, { value: 'all', label: t('events.everything') }]} />
          {scope === 'all' && (
            <Select allowClear showSearch optionFilterProp="label" placeholder={t('events.allDepartments')} style={{ width: 260 }} value={department} onChange={setDepartment}
              options={departments.map((d) => ({ value: d.code, label: `${d.name}（${d.code}）` }))} />
          )}
          <Segmented<StateFilter> value={state} onChange={setState}
            options={[{ value: 'open', label: t('events.open') }, ...STATES.map((s) => ({ value: s, label: t(`events.state.${s}`) })), { value: 'all', label: t('events.all') }]} />
          <Checkbox checked={overdue} onChange={(e) => setOverdue(e.target.checked)}>{t('events.overdueOnly')}</Checkbox>
          <Typography.Text type="secondary">{t('events.total', { total: data?.total ?? 0 })}</Typography.Text>
        </Space>
        <EventTable items={data?.items ?? []} loading={loading && !data} onOpen={setOpenId} />
      </Card>
    </Space>
  );
}

/** Signed-in staff only: what they see and may do depends on their units and roles. */
export function EventsPage() {
  return <RequireSignIn>{() => <EventsInbox />}</RequireSignIn>;
}
