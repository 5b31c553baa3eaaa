// 视频智能识别记录 video detections: camera, scenario, time, confidence (against the scenario's minimum),
// snapshots and the event each became or was merged into. Paged and filtered by the server.
import { Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../../app/format.ts';
import { useLanguage } from '../../../app/i18n.ts';
import { Link } from '../../../app/router.tsx';
import type { Detection, DetectionOutcome } from '../api/events-api.ts';
import { useDetections, useScenarios } from '../hooks/use-events.ts';

const PAGE = 20;
const OUTCOME_COLOR: Record<DetectionOutcome, string> = { created: 'green', merged: 'blue', below_confidence: 'default' };

/** The detections of one event (`eventId`), or all the caller may see with filters (the desk's tab). */
export function DetectionTable({ eventId }: { eventId?: number }) {
  const { t } = useTranslation();
  const [language] = useLanguage();
  const [page, setPage] = useState(1);
  const [cameraId, setCameraId] = useState('');
  const [scenario, setScenario] = useState<string>();
  const [outcome, setOutcome] = useState<DetectionOutcome>();
  const scenarios = useScenarios().data ?? [];
  const { data, loading } = useDetections({
    ...(eventId !== undefined ? { eventId } : {}), ...(cameraId ? { cameraId } : {}), ...(scenario ? { scenario } : {}), ...(outcome ? { outcome } : {}),
    limit: PAGE, offset: (page - 1) * PAGE,
  });
  return (
    <div data-testid="detections">
      {eventId === undefined && (
        <Space wrap style={{ marginBottom: 12 }}>
          <Input.Search allowClear data-testid="detection-camera" placeholder={t('events.det.camera')} style={{ width: 200 }} onSearch={(v) => { setCameraId(v.trim()); setPage(1); }} />
          <Select allowClear data-testid="detection-scenario" placeholder={t('events.det.scenario')} style={{ width: 200 }} value={scenario} onChange={(v: string | undefined) => { setScenario(v); setPage(1); }}
            options={scenarios.map((s) => ({ value: s.code, label: language === 'en' ? s.nameEn : s.nameZh }))} />
          <Select allowClear data-testid="detection-outcome" placeholder={t('events.det.outcome')} style={{ width: 180 }} value={outcome} onChange={(v: DetectionOutcome | undefined) => { setOutcome(v); setPage(1); }}
            options={(['created', 'merged', 'below_confidence'] as const).map((o) => ({ value: o, label: t(`events.det.outcomes.${o}`) }))} />
        </Space>
      )}
      <Table<Detection>
        rowKey="id"
        size="small"
        loading={loading && !data}
        dataSource={data?.items ?? []}
        scroll={{ x: 1000 }}
        onRow={(d) => ({ 'data-testid': 'detection-row', 'data-id': d.id, 'data-outcome': d.outcome } as React.HTMLAttributes<HTMLElement>)}
        pagination={{ current: page, pageSize: PAGE, total: data?.total ?? 0, hideOnSinglePage: true, onChange: setPage, showTotal: (total) => t('events.total', { total }) }}
        columns={[
          { title: t('events.det.detectedAt'), dataIndex: 'detectedAt', width: 170, render: (v: string) => formatDateTime(v, language) },
          { title: t('events.det.camera'), dataIndex: 'cameraId', width: 150 },
          { title: t('events.det.scenario'), dataIndex: 'scenario', width: 150, render: (_v, d) => d.scenarioName ?? d.scenario },
          {
            title: t('events.det.confidence'), dataIndex: 'confidence', width: 130,
            render: (_v, d) => <span>{d.confidence.toFixed(2)}{d.minConfidence !== null ? <Typography.Text type="secondary"> / ≥ {d.minConfidence.toFixed(2)}</Typography.Text> : null}</span>,
          },
          { title: t('events.det.snapshots'), dataIndex: 'snapshotCount', width: 80 },
          { title: t('events.det.outcome'), dataIndex: 'outcome', width: 130, render: (o: DetectionOutcome) => <Tag color={OUTCOME_COLOR[o]}>{t(`events.det.outcomes.${o}`)}</Tag> },
          ...(eventId === undefined ? [{
            title: t('events.det.event'), key: 'event', width: 260,
            render: (_v: unknown, d: Detection) => (d.eventId === null ? '—' : <Link to={`/console/events?id=${d.eventId}`}>#{d.eventId} {d.eventTitle ?? ''}</Link>),
          }] : []),
          { title: t('events.det.sender'), dataIndex: 'actor', width: 130 },
        ]}
      />
    </div>
  );
}
