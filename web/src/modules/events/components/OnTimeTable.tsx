// 按时办结率 per unit: totals, open, reported, on time and overdue over the last 30 days.
import { Card, Progress, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DepartmentStats } from '../api/events-api.ts';
import { useStats } from '../hooks/use-events.ts';

const percent = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);

export function OnTimeTable() {
  const { t } = useTranslation();
  const { data, loading } = useStats();
  return (
    <Card data-testid="on-time">
      <Typography.Paragraph type="secondary">{t('events.onTime.hint')}</Typography.Paragraph>
      <Typography.Paragraph>
        {t('events.onTime.city')}：<b data-testid="on-time-city">{percent(data?.onTimeRate ?? null)}</b>
      </Typography.Paragraph>
      <Table<DepartmentStats>
        rowKey="departmentCode"
        size="small"
        loading={loading && !data}
        dataSource={[...(data?.departments ?? [])].sort((a, b) => (b.onTimeRate ?? -1) - (a.onTimeRate ?? -1) || b.total - a.total)}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        onRow={(d) => ({ 'data-testid': 'on-time-row', 'data-code': d.departmentCode } as React.HTMLAttributes<HTMLElement>)}
        columns={[
          { title: t('events.onTime.department'), dataIndex: 'departmentName', render: (n: string, d) => `${n}（${d.departmentCode}）` },
          { title: t('events.onTime.total'), dataIndex: 'total', width: 80 },
          { title: t('events.onTime.open'), dataIndex: 'open', width: 80 },
          { title: t('events.onTime.handled'), dataIndex: 'handled', width: 80 },
          { title: t('events.onTime.onTime'), dataIndex: 'onTime', width: 80 },
          { title: t('events.onTime.overdue'), dataIndex: 'overdue', width: 80 },
          {
            title: t('events.onTime.rate'), dataIndex: 'onTimeRate', width: 200,
            render: (r: number | null) => (r === null ? '—' : <Progress percent={Math.round(r * 1000) / 10} size="small" status={r < 0.8 ? 'exception' : 'success'} format={() => percent(r)} />),
          },
        ]}
      />
    </Card>
  );
}
