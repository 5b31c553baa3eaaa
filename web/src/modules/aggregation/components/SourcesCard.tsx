import { App, Button, Card, Form, Input, InputNumber, Modal, Popconfirm, Radio, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../app/api.ts';
import { ErrorResult } from '../../../app/ErrorResult.tsx';
import { useResource } from '../../../app/use-resource.ts';
import { createSource, deleteSource, fetchSources, runSource, type DataSource, type Load, type SourceInput } from '../api/aggregation-api.ts';

interface SourceForm {
  name: string;
  kind: 'http' | 'postgres';
  url?: string;
  recordsPath?: string;
  pageParam?: string;
  sizeParam?: string;
  pageSize?: number;
  headerName?: string;
  headerValue?: string;
  connectionUrl?: string;
  query?: string;
  watermarkColumn?: string;
  schedule?: string;
}

/** Server field (/body/http/url) → form field. */
const FORM_FIELD: Record<string, keyof SourceForm> = {
  '/body/name': 'name',
  '/body/http': 'url',
  '/body/http/url': 'url',
  '/body/http/recordsPath': 'recordsPath',
  '/body/postgres': 'query',
  '/body/postgres/connectionUrl': 'connectionUrl',
  '/body/postgres/query': 'query',
  '/body/postgres/watermarkColumn': 'watermarkColumn',
  '/body/schedule': 'schedule',
};

function toInput(code: string, f: SourceForm): SourceInput {
  const opt = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);
  const base = { resourceCode: code, name: f.name, kind: f.kind, schedule: opt(f.schedule) ?? null };
  if (f.kind === 'postgres') {
    return { ...base, postgres: { query: f.query ?? '', ...(opt(f.connectionUrl) ? { connectionUrl: opt(f.connectionUrl) } : {}), ...(opt(f.watermarkColumn) ? { watermarkColumn: opt(f.watermarkColumn) } : {}) } };
  }
  const pageParam = opt(f.pageParam);
  const sizeParam = opt(f.sizeParam);
  const headerName = opt(f.headerName);
  return {
    ...base,
    http: {
      url: f.url ?? '',
      ...(opt(f.recordsPath) ? { recordsPath: opt(f.recordsPath) } : {}),
      ...(pageParam ? { paging: { param: pageParam, start: 1, size: f.pageSize ?? 100, maxPages: 1000, ...(sizeParam ? { sizeParam } : {}) } } : {}),
      ...(headerName ? { headers: { [headerName]: f.headerValue ?? '' } } : {}),
    },
  };
}

/** 定时抽取 the data sources of a resource: add, pull now, see the last run and its error, remove. */
export function SourcesCard({ code, onLoaded }: { code: string; onLoaded: (load: Load) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [nonce, setNonce] = useState(0);
  const [adding, setAdding] = useState(false);
  const [saving, setSaving] = useState(false);
  const [running, setRunning] = useState<number | null>(null);
  const [failure, setFailure] = useState<unknown>(undefined);
  const [form] = Form.useForm<SourceForm>();
  const kind = Form.useWatch('kind', form) ?? 'http';
  const { data, error, reload } = useResource((signal) => fetchSources(code, signal), { key: `sources:${code}:${nonce}` });
  const required = [{ required: true, message: t('aggregation.sources.required') }];

  const save = (values: SourceForm) => {
    setSaving(true);
    createSource(toInput(code, values)).then(
      () => {
        setSaving(false);
        setAdding(false);
        form.resetFields();
        setNonce((n) => n + 1);
      },
      (e: unknown) => {
        setSaving(false);
        const field = e instanceof ApiError && e.field ? FORM_FIELD[e.field] ?? (e.field.startsWith('/body/http/headers') ? 'headerName' : undefined) : undefined;
        if (field && e instanceof ApiError) form.setFields([{ name: field, errors: [e.detail ?? e.title] }]);
        else setFailure(e);
      },
    );
  };
  const run = (s: DataSource) => {
    setRunning(s.id);
    setFailure(undefined);
    runSource(s.id).then(
      (r) => {
        setRunning(null);
        setNonce((n) => n + 1);
        if (r.load) {
          if (r.load.unmapped.length > 0) void message.warning(`${t('aggregation.sources.ran', { id: r.load.id })} · ${t('aggregation.notLoaded.pull', { columns: r.load.unmapped.join('、') })}`);
          else void message.success(t('aggregation.sources.ran', { id: r.load.id }));
          onLoaded(r.load);
        }
      },
      (e: unknown) => {
        setRunning(null);
        setFailure(e);
      },
    );
  };

  return (
    <Card
      size="small"
      title={t('aggregation.sources.title')}
      style={{ marginTop: 16 }}
      extra={
        <Button size="small" onClick={() => setAdding(true)} data-testid="add-source">
          {t('aggregation.sources.add')}
        </Button>
      }
    >
      {error !== undefined && <ErrorResult error={error} onRetry={reload} compact />}
      {failure !== undefined && <ErrorResult error={failure} compact />}
      <Table<DataSource>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={data?.items ?? []}
        data-testid="sources"
        columns={[
          { title: t('aggregation.sources.name'), dataIndex: 'name' },
          { title: t('aggregation.sources.kind'), dataIndex: 'kind', render: (k: DataSource['kind'], s) => <>{t(`aggregation.sources.kindValue.${k}`)}<div><Typography.Text type="secondary" style={{ fontSize: 12 }}>{s.http?.url ?? s.postgres?.connection}</Typography.Text></div></> },
          { title: t('aggregation.sources.scheduleTitle'), dataIndex: 'schedule', render: (v: string | null, s) => (v ? <><Typography.Text code>{v}</Typography.Text>{s.nextRunAt && <div style={{ fontSize: 12 }}>{t('aggregation.sources.nextRunAt')} {new Date(s.nextRunAt).toLocaleString()}</div>}</> : t('aggregation.sources.manual')) },
          {
            title: t('aggregation.sources.lastRun'),
            render: (_: unknown, s) =>
              s.lastRunAt ? (
                <>
                  <Tag color={s.lastStatus === 'done' ? 'success' : 'error'}>{t(`aggregation.sources.lastStatusValue.${s.lastStatus ?? 'failed'}`)}</Tag>
                  {new Date(s.lastRunAt).toLocaleString()}
                  {s.lastError && <div><Typography.Text type="danger" style={{ fontSize: 12 }} data-testid="source-error">{s.lastError}</Typography.Text></div>}
                  {s.watermark && <div style={{ fontSize: 12 }}>{t('aggregation.sources.watermark')} {s.watermark}</div>}
                </>
              ) : (
                t('aggregation.sources.never')
              ),
          },
          {
            key: 'actions',
            width: 190,
            render: (_: unknown, s) => (
              <Space>
                <Button size="small" type="primary" loading={running === s.id} onClick={() => run(s)}>
                  {t('aggregation.sources.run')}
                </Button>
                <Popconfirm title={t('aggregation.sources.removeConfirm')} onConfirm={() => void deleteSource(s.id).then(() => setNonce((n) => n + 1), setFailure)}>
                  <Button size="small" danger>
                    {t('aggregation.sources.remove')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Modal open={adding} title={t('aggregation.sources.add')} onCancel={() => setAdding(false)} okText={t('aggregation.sources.save')} cancelText={t('aggregation.sources.cancel')} confirmLoading={saving} onOk={() => form.submit()} width={640} forceRender>
        <Form<SourceForm> form={form} layout="vertical" initialValues={{ kind: 'http', pageSize: 100 }} onFinish={save} data-testid="source-form">
          <Form.Item name="name" label={t('aggregation.sources.name')} rules={required}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="kind" label={t('aggregation.sources.kind')}>
            <Radio.Group options={(['http', 'postgres'] as const).map((k) => ({ value: k, label: t(`aggregation.sources.kindValue.${k}`) }))} />
          </Form.Item>
          {kind === 'http' ? (
            <>
              <Form.Item name="url" label={t('aggregation.sources.url')} rules={[...required, { pattern: /^https?:\/\/\S+$/, message: 'http(s)://…' }]}>
                <Input placeholder="https://api.example.gov.cn/v1/records" />
              </Form.Item>
              <Form.Item name="recordsPath" label={t('aggregation.sources.recordsPath')}>
                <Input />
              </Form.Item>
              <Space>
                <Form.Item name="pageParam" label={t('aggregation.sources.pageParam')}>
                  <Input />
                </Form.Item>
                <Form.Item name="sizeParam" label={t('aggregation.sources.sizeParam')}>
                  <Input />
                </Form.Item>
                <Form.Item name="pageSize" label={t('aggregation.sources.pageSize')}>
                  <InputNumber min={1} max={10000} />
                </Form.Item>
              </Space>
              <Form.Item name="headerName" label={t('aggregation.sources.headerName')}>
                <Input />
              </Form.Item>
              <Form.Item name="headerValue" label={t('aggregation.sources.headerValue')}>
                <Input.Password autoComplete="new-password" />
              </Form.Item>
            </>
          ) : (
            <>
              <Form.Item name="connectionUrl" label={t('aggregation.sources.connectionUrl')} rules={required}>
                <Input.Password autoComplete="new-password" />
              </Form.Item>
              <Form.Item name="query" label={t('aggregation.sources.query')} rules={required}>
                <Input.TextArea rows={3} />
              </Form.Item>
              <Form.Item name="watermarkColumn" label={t('aggregation.sources.watermarkColumn')}>
                <Input />
              </Form.Item>
            </>
          )}
          <Form.Item name="schedule" label={t('aggregation.sources.schedule')}>
            <Input placeholder="0 2 * * *" />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
