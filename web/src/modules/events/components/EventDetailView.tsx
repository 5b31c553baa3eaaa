// The event page: its facts, the actions this user may take now, the map of the place, the
// attachments (images previewed) and the timeline of every transition (who, when, unit, reason).
import { Alert, App, Button, Card, Checkbox, Col, Descriptions, Empty, Image, Input, List, Row, Select, Space, Table, Tag, Timeline, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../app/api.ts';
import { ErrorResult } from '../../../app/ErrorResult.tsx';
import { formatDateTime } from '../../../app/format.ts';
import { useLanguage } from '../../../app/i18n.ts';
import { Link } from '../../../app/router.tsx';
import { actOnEvent, actOnPart, addAttachment, attachmentHref, type EventAction, type EventState, type PartnerPart, type PartStep } from '../api/events-api.ts';
import { useDepartments, useEvent } from '../hooks/use-events.ts';
import { EventMap } from './EventMap.tsx';
import { DetectionTable } from './DetectionTable.tsx';

const NEEDS_UNIT: readonly EventAction[] = ['dispatch', 'reassign', 'joint'];
const MAX_UPLOAD = 10 * 1024 * 1024;

function toBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === 'string' ? reader.result.replace(/^data:[^,]*,/, '') : '');
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(file);
  });
}

export function EventDetailView({ id }: { id: number }) {
  const { t } = useTranslation();
  const [language] = useLanguage();
  const { message } = App.useApp();
  const { data: e, error, reload } = useEvent(id);
  const departments = useDepartments().data ?? [];
  const [note, setNote] = useState('');
  const [units, setUnits] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [override, setOverride] = useState(false);

  const fail = (err: unknown) => void message.error(err instanceof ApiError ? (err.detail ?? err.title) : String(err));

  async function act(action: EventAction) {
    setBusy(true);
    try {
      const body = action === 'joint' ? { partnerCodes: units, note } : { note, ...(units[0] ? { departmentCode: units[0] } : {}), ...(action === 'report' && override ? { override: true } : {}) };
      await actOnEvent(id, action, body);
      setNote('');
      setUnits([]);
      setOverride(false);
      void message.success(t('events.done'));
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
      reload();
    }
  }

  async function actPart(step: PartStep) {
    setBusy(true);
    try {
      await actOnPart(id, step, { note });
      setNote('');
      void message.success(t('events.done'));
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
      reload();
    }
  }

  async function upload(file: File) {
    if (file.size > MAX_UPLOAD) return fail(t('events.tooLarge'));
    try {
      await addAttachment(id, { name: file.name, mediaType: file.type || 'application/octet-stream', contentBase64: await toBase64(file) });
      void message.success(t('events.done'));
      reload();
    } catch (err) {
      fail(err);
    }
  }

  if (error !== undefined && !e) return <ErrorResult error={error} onRetry={reload} />;
  if (!e) return <Card loading />;
  const unitOptions = departments.map((d) => ({ value: d.code, label: `${d.name}（${d.code}）` }));
  const asksUnit = e.myActions.some((a) => NEEDS_UNIT.includes(a));
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Link to="/console/events">← {t('events.back')}</Link>
      <Typography.Title level={3} style={{ margin: 0 }} data-testid="event-title">
        #{e.id} {e.title} <Tag color={e.overdue ? 'red' : 'processing'} data-testid="event-state">{t(`events.state.${e.state}`)}{e.overdue ? ` · ${t('events.overdue')}` : ''}</Tag>
      </Typography.Title>
      <Row gutter={16}>
        <Col xs={24} lg={14}>
          <Card>
            <Descriptions size="small" column={2}>
              <Descriptions.Item label={t('events.col.category')}>{e.categoryName}（{e.categoryCode}）</Descriptions.Item>
              <Descriptions.Item label={t('events.col.severity')}>{t(`events.severity.${e.severity}`)}</Descriptions.Item>
              <Descriptions.Item label={t('events.col.source')}>{t(`events.source.${e.source}`)}{e.sourceRef ? ` · ${e.sourceRef}` : ''}</Descriptions.Item>
              <Descriptions.Item label={t('events.col.department')}>{e.departmentName ?? '—'}{e.partnerNames.length ? ` + ${e.partnerNames.join('、')}` : ''}</Descriptions.Item>
              <Descriptions.Item label={t('events.col.created')}>{formatDateTime(e.createdAt, language)}</Descriptions.Item>
              <Descriptions.Item label={t('events.col.deadline')}>{e.deadlineAt ? formatDateTime(e.deadlineAt, language) : '—'}</Descriptions.Item>
              <Descriptions.Item label={t('events.routedBy')}>{e.routedBy ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('events.escalation')}>{e.escalationLevel}</Descriptions.Item>
              <Descriptions.Item label={t('events.place')} span={2}>{[e.place.address, e.place.districtCode, e.place.townCode, e.place.gridCode].filter(Boolean).join(' / ') || t('events.noPlace')}</Descriptions.Item>
            </Descriptions>
            {e.description && <Typography.Paragraph type="secondary">{e.description}</Typography.Paragraph>}
            {e.myActions.length > 0 ? (
              <Space wrap style={{ marginTop: 8 }} data-testid="event-actions">
                <Input placeholder={t('events.note')} value={note} onChange={(ev) => setNote(ev.target.value)} style={{ width: 240 }} aria-label={t('events.note')} />
                {asksUnit && (
                  <Select mode="multiple" allowClear showSearch optionFilterProp="label" placeholder={t('events.pickDepartment')} style={{ minWidth: 260 }} value={units} onChange={setUnits} options={unitOptions} />
                )}
                {e.myActions.map((a) => (
                  <Button key={a} loading={busy} danger={a === 'return' || a === 'reject' || a === 'escalate'} type={a === 'close' || a === 'accept' || a === 'report' ? 'primary' : 'default'} onClick={() => void act(a)}>
                    {t(`events.action.${a}`)}
                  </Button>
                ))}
              </Space>
            ) : e.myPartActions.length === 0 ? (
              <Typography.Text type="secondary">{e.allowedActions.length > 0 ? t('events.notYours') : t('events.nothingToDo')}</Typography.Text>
            ) : null}
            {e.myActions.includes('report') && e.partnersPending.length > 0 && (
              <Alert
                type="warning" showIcon style={{ marginTop: 8 }} data-testid="partners-pending"
                title={t('events.joint.pending', { units: e.partners.filter((p) => p.state !== 'reported').map((p) => p.unitName ?? p.unitCode).join('、') })}
                action={<Checkbox checked={override} onChange={(ev) => setOverride(ev.target.checked)} data-testid="report-override">{t('events.joint.override')}</Checkbox>}
              />
            )}
            {e.myPartActions.length > 0 && (
              <Space wrap style={{ marginTop: 8 }} data-testid="part-actions">
                {e.myActions.length === 0 && <Input placeholder={t('events.note')} value={note} onChange={(ev) => setNote(ev.target.value)} style={{ width: 240 }} aria-label={t('events.note')} />}
                {e.myPartActions.map((step) => (
                  <Button key={step} type="primary" loading={busy} onClick={() => void actPart(step)}>{t(`events.joint.${step}`)}</Button>
                ))}
              </Space>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={10}>{e.place.lon !== null && e.place.lat !== null ? <EventMap lon={e.place.lon} lat={e.place.lat} /> : <Card>{t('events.noPlace')}</Card>}</Col>
      </Row>
      {e.partners.length > 0 && (
        <Card title={t('events.joint.title')} data-testid="event-partners">
          <Table<PartnerPart>
            rowKey="unitCode" size="small" pagination={false} dataSource={e.partners}
            onRow={(p) => ({ 'data-testid': 'partner-row', 'data-unit': p.unitCode, 'data-state': p.state } as React.HTMLAttributes<HTMLElement>)}
            columns={[
              { title: t('events.joint.unit'), dataIndex: 'unitCode', render: (_v, p) => `${p.unitName ?? ''}（${p.unitCode}）` },
              { title: t('events.joint.state'), dataIndex: 'state', render: (v: PartnerPart['state']) => <Tag color={v === 'reported' ? 'green' : v === 'accepted' ? 'processing' : 'default'}>{t(`events.joint.states.${v}`)}</Tag> },
              { title: t('events.joint.accepted'), key: 'acc', render: (_v, p) => (p.acceptedAt ? `${p.acceptedBy ?? ''} · ${formatDateTime(p.acceptedAt, language)}` : '—') },
              { title: t('events.joint.reported'), key: 'rep', render: (_v, p) => (p.reportedAt ? `${p.reportedBy ?? ''} · ${formatDateTime(p.reportedAt, language)}` : '—') },
              { title: t('events.note'), dataIndex: 'note' },
            ]}
          />
        </Card>
      )}
      <Card
        title={t('events.attachments')}
        extra={e.state !== 'closed' ? (
          <Upload showUploadList={false} beforeUpload={(file) => { void upload(file); return false; }}>
            <Button size="small">{t('events.upload')}</Button>
          </Upload>
        ) : null}
      >
        {e.attachments.length === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('events.noAttachments')} /> : (
          <List
            grid={{ gutter: 12, xs: 1, sm: 2, md: 4 }}
            dataSource={e.attachments}
            renderItem={(a) => (
              <List.Item>
                <Card size="small" title={a.name}>
                  {a.mediaType.startsWith('image/') ? <Image src={attachmentHref(e.id, a)} alt={a.name} height={120} style={{ objectFit: 'cover' }} /> : <a href={attachmentHref(e.id, a)} target="_blank" rel="noreferrer">{t('events.view')}</a>}
                  <div><Typography.Text type="secondary">{a.actor} · {formatDateTime(a.createdAt, language)}</Typography.Text></div>
                </Card>
              </List.Item>
            )}
          />
        )}
      </Card>
      {e.source === 'video_ai' && (
        <Card title={`${t('events.det.title')}（${e.detectionCount}）`}>
          <DetectionTable eventId={e.id} />
        </Card>
      )}
      <Card title={t('events.timeline')}>
        <Timeline
          data-testid="event-timeline"
          items={e.timeline.map((x) => ({
            color: x.action === 'returned' || x.action === 'escalated' || x.action === 'rejected' ? 'red' : x.action === 'warned' ? 'orange' : x.action === 'closed' ? 'green' : 'blue',
            children: (
              <span data-action={x.action}>
                <b>{formatDateTime(x.at, language)}</b> · {x.actor} · {t(`events.verb.${x.action}`, { defaultValue: x.action })}
                {x.toState && x.toState !== x.fromState ? ` → ${t(`events.state.${x.toState as EventState}`)}` : ''}
                {x.departmentCode ? ` · ${x.departmentName ?? x.departmentCode}` : ''}{x.note ? ` — ${x.note}` : ''}
              </span>
            ),
          }))}
        />
      </Card>
    </Space>
  );
}
