// The event page: its facts, the actions allowed now, the timeline and a small map.
import { App, Button, Card, Col, Descriptions, Input, Row, Select, Space, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../app/api.ts';
import { ErrorResult } from '../../../app/ErrorResult.tsx';
import { formatDateTime } from '../../../app/format.ts';
import { useLanguage } from '../../../app/i18n.ts';
import { Link } from '../../../app/router.tsx';
import { actOnEvent, type EventAction, type EventState } from '../api/events-api.ts';
import { useDepartments, useEvent } from '../hooks/use-events.ts';
import { EventMap } from './EventMap.tsx';

const NEEDS_DEPARTMENT: readonly EventAction[] = ['reassign', 'joint'];

export function EventDetailView({ id }: { id: number }) {
  const { t } = useTranslation();
  const [language] = useLanguage();
  const { message } = App.useApp();
  const { data: e, error, reload } = useEvent(id);
  const departments = useDepartments().data ?? [];
  const [note, setNote] = useState('');
  const [department, setDepartment] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function act(action: EventAction) {
    setBusy(true);
    try {
      const body = action === 'joint' ? { partnerCodes: department ? [department] : [], note } : { note, ...(department ? { departmentCode: department } : {}) };
      await actOnEvent(id, action, body);
      setNote('');
      void message.success(t('events.done'));
    } catch (err) {
      void message.error(err instanceof ApiError ? (err.detail ?? err.title) : String(err));
    } finally {
      setBusy(false);
      reload();
    }
  }

  if (error !== undefined && !e) return <ErrorResult error={error} onRetry={reload} />;
  if (!e) return <Card loading />;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Link to="/console/events">← {t('events.back')}</Link>
      <Typography.Title level={3} style={{ margin: 0 }}>
        #{e.id} {e.title} <Tag color={e.overdue ? 'red' : 'processing'}>{t(`events.state.${e.state}`)}{e.overdue ? ` · ${t('events.overdue')}` : ''}</Tag>
      </Typography.Title>
      <Row gutter={16}>
        <Col xs={24} lg={14}>
          <Card>
            <Descriptions size="small" column={2}>
              <Descriptions.Item label={t('events.col.category')}>{e.categoryName}（{e.categoryCode}）</Descriptions.Item>
              <Descriptions.Item label={t('events.col.severity')}>{t(`events.severity.${e.severity}`)}</Descriptions.Item>
              <Descriptions.Item label={t('events.col.source')}>{t(`events.source.${e.source}`)}{e.sourceRef ? ` · ${e.sourceRef}` : ''}</Descriptions.Item>
              <Descriptions.Item label={t('events.col.department')}>{e.departmentName ?? '—'}{e.partnerCodes.length ? ` + ${e.partnerCodes.join('、')}` : ''}</Descriptions.Item>
              <Descriptions.Item label={t('events.col.created')}>{formatDateTime(e.createdAt, language)}</Descriptions.Item>
              <Descriptions.Item label={t('events.col.deadline')}>{e.deadlineAt ? formatDateTime(e.deadlineAt, language) : '—'}</Descriptions.Item>
              <Descriptions.Item label={t('events.place')} span={2}>{[e.place.districtCode, e.place.townCode, e.place.gridCode].filter(Boolean).join(' / ') || t('events.noPlace')}</Descriptions.Item>
            </Descriptions>
            {e.description && <Typography.Paragraph type="secondary">{e.description}</Typography.Paragraph>}
            {e.allowedActions.length > 0 && (
              <Space wrap style={{ marginTop: 8 }}>
                <Input placeholder={t('events.note')} value={note} onChange={(ev) => setNote(ev.target.value)} style={{ width: 240 }} />
                {e.allowedActions.some((a) => NEEDS_DEPARTMENT.includes(a) || a === 'dispatch') && (
                  <Select allowClear showSearch optionFilterProp="label" placeholder={t('events.pickDepartment')} style={{ width: 240 }} value={department} onChange={setDepartment}
                    options={departments.map((d) => ({ value: d.code, label: d.name }))} />
                )}
                {e.allowedActions.map((a) => (
                  <Button key={a} loading={busy} danger={a === 'return' || a === 'reject' || a === 'escalate'} type={a === 'close' || a === 'accept' ? 'primary' : 'default'} onClick={() => void act(a)}>
                    {t(`events.action.${a}`)}
                  </Button>
                ))}
              </Space>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={10}>{e.place.lon !== null && e.place.lat !== null ? <EventMap lon={e.place.lon} lat={e.place.lat} /> : <Card>{t('events.noPlace')}</Card>}</Col>
      </Row>
      <Card title={t('events.timeline')}>
        <Timeline
          items={e.timeline.map((x) => ({
            color: x.action === 'returned' || x.action === 'escalated' ? 'red' : x.action === 'warned' ? 'orange' : 'blue',
            children: (
              <span>
                <b>{formatDateTime(x.at, language)}</b> · {x.actor} · {x.toState && x.toState !== x.fromState ? t(`events.state.${x.toState as EventState}`) : x.action}
                {x.departmentCode ? ` → ${x.departmentCode}` : ''}{x.note ? ` — ${x.note}` : ''}
              </span>
            ),
          }))}
        />
      </Card>
    </Space>
  );
}
