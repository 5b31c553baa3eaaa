// 工作日历 the working calendar: statutory holidays and make-up working days (调休) of a year,
// entered as data; deadlines in working hours follow it.
import { Alert, App, Button, Card, DatePicker, Input, InputNumber, Select, Space, Table, Tag } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../app/api.ts';
import { deleteCalendarDay, putCalendarDays, type CalendarDay } from '../api/events-api.ts';
import { useCalendar } from '../hooks/use-events.ts';

export function CalendarEditor() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [year, setYear] = useState(() => new Date().getFullYear());
  const { data, loading, reload } = useCalendar(year);
  const [date, setDate] = useState<Dayjs | null>(null);
  const [kind, setKind] = useState<'holiday' | 'workday'>('holiday');
  const [name, setName] = useState('');

  async function run(p: Promise<unknown>) {
    try {
      await p;
      void message.success(t('events.done'));
    } catch (err) {
      void message.error(err instanceof ApiError ? (err.detail ?? err.title) : String(err));
    }
    reload();
  }

  return (
    <Card>
      <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t('events.cal.hint')}
        description={data ? `${t('events.cal.weekly')}: ${data.workdays.join(', ')} · ${t('events.cal.periods')}: ${data.periods.map((p) => `${p.start}–${p.end}`).join(', ')}` : undefined} />
      <Space wrap style={{ marginBottom: 12 }}>
        <span>{t('events.cal.year')}</span>
        <InputNumber min={2000} max={2100} value={year} onChange={(v) => v && setYear(v)} />
        <DatePicker value={date} onChange={setDate} />
        <Select value={kind} onChange={setKind} style={{ width: 180 }} options={[{ value: 'holiday', label: t('events.cal.holiday') }, { value: 'workday', label: t('events.cal.workday') }]} />
        <Input placeholder={t('events.cal.name')} value={name} onChange={(e) => setName(e.target.value)} style={{ width: 160 }} />
        <Button type="primary" disabled={!date} onClick={() => date && void run(putCalendarDays([{ date: date.format('YYYY-MM-DD'), kind, name }]))}>{t('events.cal.add')}</Button>
      </Space>
      <Table<CalendarDay>
        rowKey="date"
        size="small"
        loading={loading && !data}
        dataSource={data?.days ?? []}
        pagination={{ pageSize: 40, hideOnSinglePage: true }}
        columns={[
          { title: t('events.cal.date'), dataIndex: 'date', width: 130 },
          { title: t('events.cal.kind'), dataIndex: 'kind', width: 160, render: (k: CalendarDay['kind']) => <Tag color={k === 'holiday' ? 'red' : 'blue'}>{t(`events.cal.${k}`)}</Tag> },
          { title: t('events.cal.name'), dataIndex: 'name' },
          { key: 'ops', width: 100, render: (_v, d) => <Button size="small" danger onClick={() => void run(deleteCalendarDay(d.date))}>{t('events.cal.remove')}</Button> },
        ]}
      />
    </Card>
  );
}
