import { Table, Tag } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../../app/format.ts';
import { useLanguage } from '../../../app/i18n.ts';
import { Link } from '../../../app/router.tsx';
import type { EventSummary, Severity } from '../api/events-api.ts';

const SEVERITY_COLOR: Record<Severity, string> = { urgent: 'red', major: 'orange', normal: 'blue' };

/** Events as a table; the title links to the event page. `extra` renders a last column (desk actions). */
export function EventTable({ items, loading, extra, onOpen }: { items: EventSummary[]; loading?: boolean; extra?: (e: EventSummary) => ReactNode; onOpen?: (id: number) => void }) {
  const { t } = useTranslation();
  const [language] = useLanguage();
  return (
    <Table<EventSummary>
      rowKey="id"
      size="small"
      loading={loading}
      dataSource={items}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      scroll={{ x: 1200 }}
      columns={[
        { title: t('events.col.id'), dataIndex: 'id', width: 80 },
        { title: t('events.col.title'), dataIndex: 'title', width: 260, render: (_v, e) => <Link to={`/console/events?id=${e.id}`} onClick={(ev) => { if (onOpen) { ev.preventDefault(); window.history.pushState(null, '', `/console/events?id=${e.id}`); onOpen(e.id); } }}>{e.title}</Link> },
        { title: t('events.col.category'), dataIndex: 'categoryName', width: 140 },
        { title: t('events.col.severity'), dataIndex: 'severity', width: 80, render: (s: Severity) => <Tag color={SEVERITY_COLOR[s]}>{t(`events.severity.${s}`)}</Tag> },
        { title: t('events.col.state'), dataIndex: 'state', width: 100, render: (_v, e) => <Tag color={e.state === 'returned' ? 'volcano' : e.state === 'closed' ? 'default' : 'processing'}>{t(`events.state.${e.state}`)}</Tag> },
        { title: t('events.col.department'), dataIndex: 'departmentName', width: 180 },
        {
          title: t('events.col.deadline'), dataIndex: 'deadlineAt', width: 170,
          render: (_v, e) => (e.deadlineAt ? <span style={{ color: e.overdue ? '#cf1322' : undefined }}>{formatDateTime(e.deadlineAt, language)}{e.overdue ? ` · ${t('events.overdue')}` : ''}</span> : '—'),
        },
        { title: t('events.col.source'), dataIndex: 'source', width: 100, render: (_v, e) => t(`events.source.${e.source}`) },
        ...(extra ? [{ key: 'extra', width: 280, render: (_v: unknown, e: EventSummary) => extra(e) }] : []),
      ]}
    />
  );
}
