import { Card, Checkbox, Segmented, Select, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorResult } from '../app/ErrorResult.tsx';
import { usePathname } from '../app/router.tsx';
import { EventDetailView } from '../modules/events/components/EventDetailView.tsx';
import { EventTable } from '../modules/events/components/EventTable.tsx';
import { useDepartments, useEvents } from '../modules/events/hooks/use-events.ts';

const idFromUrl = (): number | undefined => {
  const n = Number(new URLSearchParams(window.location.search).get('id'));
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

/** 事件中心 the inbox of a unit (filter by unit, state, overdue); `?id=` opens the event page. */
export function EventsPage() {
  const { t } = useTranslation();
  const pathname = usePathname();
  const [openId, setOpenId] = useState<number | undefined>(idFromUrl);
  const [department, setDepartment] = useState<string>();
  const [state, setState] = useState<'open' | 'all'>('open');
  const [overdue, setOverdue] = useState(false);
  const departments = useDepartments().data ?? [];
  const { data, error, loading, reload } = useEvents({ department, state: state === 'open' ? 'open' : undefined, ...(overdue ? { overdue: true } : {}) });

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
          <Select allowClear showSearch optionFilterProp="label" placeholder={t('events.allDepartments')} style={{ width: 260 }} value={department} onChange={setDepartment}
            options={departments.map((d) => ({ value: d.code, label: d.name }))} />
          <Segmented<'open' | 'all'> value={state} onChange={(v) => setState(v)} options={[{ value: 'open', label: t('events.open') }, { value: 'all', label: t('events.all') }]} />
          <Checkbox checked={overdue} onChange={(e) => setOverdue(e.target.checked)}>{t('events.overdueOnly')}</Checkbox>
          <Typography.Text type="secondary">{t('events.total', { total: data?.total ?? 0 })}</Typography.Text>
        </Space>
        <EventTable items={data?.items ?? []} loading={loading && !data} onOpen={setOpenId} />
      </Card>
    </Space>
  );
}
