import { ResourcePicker } from '../modules/catalog/components/ResourcePicker.tsx';
import { Button, Card, Col, Empty, Progress, Row, Segmented, Space, Switch, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorResult } from '../app/ErrorResult.tsx';
import { formatDateTime } from '../app/format.ts';
import { useLanguage } from '../app/i18n.ts';
import { useCatalogResource } from '../modules/catalog/hooks/use-catalog.ts';
import { startRun, updateRule, type Rule, type Run, type ScoreRow, type Ticket } from '../modules/quality/api/quality-api.ts';
import { RuleEditor } from '../modules/quality/components/RuleEditor.tsx';
import { RunDetail } from '../modules/quality/components/RunDetail.tsx';
import { ScoreTrendChart } from '../modules/quality/components/ScoreTrendChart.tsx';
import { TicketDrawer, ticketColor } from '../modules/quality/components/TicketDrawer.tsx';
import { useRules, useRuns, useScores, useTickets, useTrend } from '../modules/quality/hooks/use-quality.ts';

const scoreColor = (s: number) => (s >= 95 ? '#389e0d' : s >= 80 ? '#d48806' : '#cf1322');

function ScoreTable({ rows, onPick, selected, testId }: { rows: ScoreRow[]; onPick: (r: ScoreRow) => void; selected: string | undefined; testId: string }) {
  const { t } = useTranslation();
  return (
    <Table<ScoreRow>
      size="small"
      rowKey="subject"
      pagination={{ pageSize: 8, hideOnSinglePage: true }}
      dataSource={rows}
      data-testid={testId}
      rowClassName={(r) => (r.subject === selected ? 'ant-table-row-selected' : '')}
      onRow={(r) => ({ onClick: () => onPick(r), style: { cursor: 'pointer' } })}
      columns={[
        { title: rows[0]?.scope === 'resource' ? t('quality.resource') : t('quality.department'), dataIndex: 'name', ellipsis: true },
        { title: t('quality.score'), dataIndex: 'score', width: 150, render: (s: number) => <Progress percent={s} size="small" strokeColor={scoreColor(s)} format={(p) => `${p ?? 0}`} /> },
        { title: t('quality.openTickets'), dataIndex: 'openTickets', width: 90, render: (n: number) => (n > 0 ? <Tag color="red">{n}</Tag> : 0) },
      ]}
    />
  );
}

function Trend({ scope, subject, name, nonce }: { scope: 'resource' | 'department'; subject: string; name: string; nonce: number }) {
  const { t } = useTranslation();
  const { data } = useTrend(scope, subject, nonce);
  return (
    <Card size="small" title={t('quality.trendOf', { name })}>
      {data && data.points.length > 0 ? <ScoreTrendChart points={data.points} /> : <Empty />}
    </Card>
  );
}


function ResourceRules({ code, onRan }: { code: string; onRan: () => void }) {
  const { t } = useTranslation();
  const [nonce, setNonce] = useState(0);
  const [editing, setEditing] = useState<Rule | null | undefined>(undefined);
  const [failure, setFailure] = useState<unknown>(undefined);
  const [selectedRun, setSelectedRun] = useState<number | null>(null);
  const { data: resource } = useCatalogResource(code);
  const { data: rules, error, reload: reloadRules } = useRules(code, nonce);
  const { data: runs } = useRuns(code, nonce);
  const live = runs?.items.find((r) => r.status === 'queued' || r.status === 'running');
  const current: Run | undefined = useMemo(() => runs?.items.find((r) => r.id === selectedRun) ?? runs?.items[0], [runs, selectedRun]);
  // When a run finishes, the rules' last results and the scores above change.
  const liveId = live?.id;
  const wasLive = useRef<number | undefined>(undefined);
  useEffect(() => {
    const finished = wasLive.current !== undefined && liveId === undefined;
    wasLive.current = liveId;
    if (finished) {
      reloadRules();
      onRan();
    }
  }, [liveId, onRan, reloadRules]);
  const toggle = async (rule: Rule, enabled: boolean) => {
    setFailure(undefined);
    try {
      await updateRule(rule.id, { name: rule.name, kind: rule.kind, field: rule.field, params: rule.params, schedule: rule.schedule, enabled });
      setNonce((n) => n + 1);
    } catch (e) {
      setFailure(e);
    }
  };
  const run = async () => {
    setFailure(undefined);
    try {
      const r = await startRun(code);
      setSelectedRun(r.id);
      setNonce((n) => n + 1);
    } catch (e) {
      setFailure(e);
    }
  };
  return (
    <>
      <Card
        size="small"
        title={`${t('quality.rules')} · ${resource?.name ?? code}`}
        style={{ marginTop: 16 }}
        extra={
          <Space>
            <Button onClick={() => setEditing(null)} data-testid="add-rule">
              {t('quality.addRule')}
            </Button>
            <Button type="primary" loading={live !== undefined} onClick={() => void run()} data-testid="run-now">
              {live ? t('quality.running', { done: live.rulesDone, total: live.rulesTotal }) : t('quality.runNow')}
            </Button>
          </Space>
        }
      >
        {error !== undefined && <ErrorResult error={error} compact />}
        {failure !== undefined && <ErrorResult error={failure} compact />}
        <Table<Rule>
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={rules?.items ?? []}
          data-testid="rules-table"
          columns={[
            { title: t('quality.name'), dataIndex: 'name', render: (n: string, r) => <>{n} {r.builtin && <Tag>{t('quality.builtin')}</Tag>}</> },
            { title: t('quality.kind'), dataIndex: 'kind', render: (k: string) => t(`quality.kindValue.${k}`, { defaultValue: k }) },
            { title: t('quality.field'), dataIndex: 'field', render: (f: string | null) => f ?? t('quality.wholeResource') },
            { title: t('quality.params'), dataIndex: 'params', ellipsis: true, render: (p: Rule['params']) => (Object.keys(p).length ? JSON.stringify(p) : '') },
            { title: t('quality.schedule'), dataIndex: 'schedule', width: 120 },
            {
              title: t('quality.lastResult'),
              render: (_, r) => (!r.lastResult ? t('quality.never') : r.lastResult.passed ? <Tag color="green">{t('quality.passed')}</Tag> : <Tag color="red">{t('quality.failed', { n: r.lastResult.failures })}</Tag>),
            },
            { title: t('quality.enabled'), dataIndex: 'enabled', width: 70, render: (e: boolean, r) => <Switch size="small" checked={e} onChange={(v) => void toggle(r, v)} /> },
            { title: '', width: 70, render: (_, r) => <Button size="small" type="link" onClick={() => setEditing(r)}>{t('quality.editRule')}</Button> },
          ]}
        />
      </Card>
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} xl={8}>
          <Card size="small" title={t('quality.runs')}>
            <Table<Run>
              size="small"
              rowKey="id"
              pagination={{ pageSize: 8, hideOnSinglePage: true }}
              dataSource={runs?.items ?? []}
              rowClassName={(r) => (r.id === current?.id ? 'ant-table-row-selected' : '')}
              onRow={(r) => ({ onClick: () => setSelectedRun(r.id), style: { cursor: 'pointer' } })}
              columns={[
                { title: '#', dataIndex: 'id', width: 50 },
                { title: t('quality.trigger'), dataIndex: 'trigger', render: (x: Run['trigger']) => t(`quality.triggerValue.${x}`) },
                { title: t('quality.state'), dataIndex: 'status', render: (x: Run['status']) => t(`quality.statusValue.${x}`) },
                { title: t('quality.score'), dataIndex: 'score', render: (s: number | null) => (s === null ? '' : s) },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={16}>
          {current && <RunDetail key={current.id} run={current} />}
        </Col>
      </Row>
      {editing !== undefined && resource && (
        <RuleEditor
          code={code}
          items={resource.dataItems}
          rule={editing}
          onClose={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            setNonce((n) => n + 1);
          }}
        />
      )}
    </>
  );
}

function Tickets({ nonce, onChanged }: { nonce: number; onChanged: () => void }) {
  const { t } = useTranslation();
  const [language] = useLanguage();
  const [state, setState] = useState('active');
  // A notification links to its ticket: /console/quality?resource=…&ticket=N opens it.
  const [open, setOpen] = useState<number | null>(() => {
    const id = Number(new URLSearchParams(window.location.search).get('ticket'));
    return Number.isInteger(id) && id > 0 ? id : null;
  });
  const { data, error, reload } = useTickets(state, nonce);
  return (
    <Card
      size="small"
      title={`${t('quality.tickets')} · ${data?.total ?? 0}`}
      style={{ marginTop: 16 }}
      extra={<Segmented value={state} onChange={(v) => setState(String(v))} options={(['active', 'open', 'acknowledged', 'closed', 'all'] as const).map((v) => ({ value: v, label: t(`quality.filter.${v}`) }))} />}
    >
      {error !== undefined && <ErrorResult error={error} onRetry={reload} compact />}
      <Table<Ticket>
        size="small"
        rowKey="id"
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        dataSource={data?.items ?? []}
        data-testid="tickets-table"
        onRow={(r) => ({ onClick: () => setOpen(r.id), style: { cursor: 'pointer' } })}
        columns={[
          { title: '#', dataIndex: 'id', width: 60 },
          { title: t('quality.state'), dataIndex: 'state', width: 90, render: (s: Ticket['state']) => <Tag color={ticketColor[s]}>{t(`quality.stateValue.${s}`)}</Tag> },
          { title: t('quality.department'), dataIndex: 'department', width: 160 },
          { title: t('quality.resource'), dataIndex: 'resourceCode', width: 170 },
          { title: t('quality.summary'), dataIndex: 'summary', ellipsis: true },
          { title: t('quality.failingRuns'), dataIndex: 'failingRuns', width: 110 },
          { title: t('quality.openedAt'), dataIndex: 'openedAt', width: 170, render: (at: string) => formatDateTime(at, language) },
        ]}
      />
      {open !== null && (
        <TicketDrawer
          id={open}
          onClose={() => {
            setOpen(null);
            const params = new URLSearchParams(window.location.search);
            if (params.has('ticket')) {
              params.delete('ticket');
              window.history.replaceState(null, '', `?${params.toString()}`);
            }
          }}
          onChanged={() => {
            reload();
            onChanged();
          }}
        />
      )}
    </Card>
  );
}

/** 数据质量 data quality: scores with trends by department and resource, rules and runs of a resource, problem tickets. */
export function QualityPage() {
  const { t } = useTranslation();
  const [nonce, setNonce] = useState(0);
  const [code, setCode] = useState<string | undefined>(() => new URLSearchParams(window.location.search).get('resource') ?? undefined);
  const [trend, setTrend] = useState<{ scope: 'resource' | 'department'; subject: string; name: string } | undefined>();
  const { data: scores, error, reload } = useScores(nonce);
  const refresh = useCallback(() => setNonce((n) => n + 1), []);
  const pick = (c: string) => {
    setCode(c);
    window.history.replaceState(null, '', `?resource=${encodeURIComponent(c)}`);
  };
  const shownTrend = trend ?? (scores?.departments[0] ? { scope: 'department' as const, subject: scores.departments[0].subject, name: scores.departments[0].name } : undefined);
  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('quality.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('quality.subtitle')}</Typography.Paragraph>
      {error !== undefined && <ErrorResult error={error} onRetry={reload} compact />}
      {scores && scores.resources.length === 0 && <Empty description={t('quality.noScores')} />}
      {scores && scores.resources.length > 0 && (
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={8}>
            <Card size="small" title={t('quality.departments')}>
              <ScoreTable rows={scores.departments} selected={shownTrend?.subject} testId="department-scores" onPick={(r) => setTrend({ scope: 'department', subject: r.subject, name: r.name })} />
            </Card>
          </Col>
          <Col xs={24} xl={8}>
            <Card size="small" title={t('quality.resources')}>
              <ScoreTable
                rows={scores.resources}
                selected={shownTrend?.subject}
                testId="resource-scores"
                onPick={(r) => {
                  setTrend({ scope: 'resource', subject: r.subject, name: r.name });
                  pick(r.subject);
                }}
              />
            </Card>
          </Col>
          <Col xs={24} xl={8}>{shownTrend && <Trend key={`${shownTrend.scope}:${shownTrend.subject}`} {...shownTrend} nonce={nonce} />}</Col>
        </Row>
      )}
      <Tickets nonce={nonce} onChanged={() => setNonce((n) => n + 1)} />
      <Space style={{ marginTop: 16 }}>
        <span>{t('quality.resource')}</span>
        <ResourcePicker placeholder={t('quality.pickResource')} testId="quality-resource-picker" value={code} onChange={pick} />
      </Space>
      {code && <ResourceRules key={code} code={code} onRan={refresh} />}
    </>
  );
}
