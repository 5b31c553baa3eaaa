import { ResourcePicker } from '../modules/catalog/components/ResourcePicker.tsx';
import { InboxOutlined } from '@ant-design/icons';
import { Card, Col, Row, Space, Table, Tag, Tooltip, Typography, Upload } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorResult } from '../app/ErrorResult.tsx';
import { previewFile, uploadFile, type Load, type Preview } from '../modules/aggregation/api/aggregation-api.ts';
import { LoadDetail, loadOrigin, statusColor } from '../modules/aggregation/components/LoadDetail.tsx';
import { MappingStep } from '../modules/aggregation/components/MappingStep.tsx';
import { SourcesCard } from '../modules/aggregation/components/SourcesCard.tsx';
import { useLoads, useRows } from '../modules/aggregation/hooks/use-loads.ts';


function ResourceLoads({ code }: { code: string }) {
  const { t } = useTranslation();
  const [nonce, setNonce] = useState(0);
  const [selected, setSelected] = useState<number | null>(null);
  const [failure, setFailure] = useState<unknown>(undefined);
  // The chosen file waits here, with its column preview, until the uploader confirms the mapping.
  const [pending, setPending] = useState<{ file: File; preview: Preview } | null>(null);
  const [sending, setSending] = useState<{ sent: number; total: number } | null>(null);
  const { data, error, reload } = useLoads(code, nonce);
  const current: Load | undefined = useMemo(() => data?.items.find((l) => l.id === selected) ?? data?.items[0], [data, selected]);
  const { data: rows } = useRows(code, `${current?.id ?? 0}:${current?.status ?? ''}`);
  return (
    <>
      <Upload.Dragger
        multiple={false}
        showUploadList={false}
        accept=".csv,.txt,.xlsx,.json,.ndjson"
        disabled={sending !== null}
        customRequest={({ file, onSuccess, onError }) => {
          setFailure(undefined);
          setPending(null);
          previewFile(code, file as File).then(
            (preview) => {
              setPending({ file: file as File, preview });
              onSuccess?.(preview);
            },
            (e: unknown) => {
              setFailure(e);
              onError?.(e as Error);
            },
          );
        }}
        height={170}
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">{t('aggregation.upload')}</p>
        <p className="ant-upload-hint">{t('aggregation.uploadHint')}</p>
      </Upload.Dragger>
      {failure !== undefined && <ErrorResult error={failure} compact />}
      {pending && (
        <MappingStep
          key={`${pending.file.name}:${pending.file.size}:${pending.file.lastModified}`}
          fileName={pending.file.name}
          preview={pending.preview}
          sending={sending}
          onCancel={() => setPending(null)}
          onConfirm={(map) => {
            setFailure(undefined);
            setSending({ sent: 0, total: pending.file.size });
            uploadFile(code, pending.file, map, (sent, total) => setSending({ sent, total }))
              .then(
                (load) => {
                  setPending(null);
                  setSelected(load.id);
                  setNonce((n) => n + 1);
                },
                (e: unknown) => setFailure(e),
              )
              .finally(() => setSending(null));
          }}
        />
      )}
      {error !== undefined && <ErrorResult error={error} onRetry={reload} compact />}
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} xl={9}>
          <Card size="small" title={t('aggregation.loads')}>
            <Table<Load>
              size="small"
              rowKey="id"
              pagination={{ pageSize: 10 }}
              dataSource={data?.items ?? []}
              rowClassName={(l) => (l.id === current?.id ? 'ant-table-row-selected' : '')}
              onRow={(l) => ({ onClick: () => setSelected(l.id), style: { cursor: 'pointer' } })}
              columns={[
                { title: '#', dataIndex: 'id', width: 50 },
                { title: t('aggregation.file'), dataIndex: 'fileName', ellipsis: true },
                {
                  title: t('aggregation.status'),
                  dataIndex: 'status',
                  render: (s: Load['status'], l: Load) => (
                    <Space size={4} wrap>
                      <Tag color={statusColor[s]}>{t(`aggregation.statusValue.${s}`)}</Tag>
                      {l.unmapped.length > 0 && (
                        <Tooltip title={t(`aggregation.notLoaded.${loadOrigin(l)}`, { columns: l.unmapped.join('、') })}>
                          <Tag color="warning" data-testid="load-unmapped-tag">{t('aggregation.unmappedTag', { count: l.unmapped.length })}</Tag>
                        </Tooltip>
                      )}
                    </Space>
                  ),
                },
                { title: t('aggregation.rowsRejected'), dataIndex: 'rowsRejected' },
                { title: t('aggregation.submittedBy'), dataIndex: 'submittedBy', ellipsis: true },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={15}>
          {current && <LoadDetail
              key={current.id}
              load={current}
              onChanged={() => setNonce((n) => n + 1)}
              onReplayed={(l) => {
                setSelected(l.id);
                setNonce((n) => n + 1);
              }}
            />}
        </Col>
      </Row>
      <SourcesCard
        code={code}
        onLoaded={(l) => {
          setSelected(l.id);
          setNonce((n) => n + 1);
        }}
      />
      {rows && rows.total > 0 && (
        <Card size="small" title={`${t('aggregation.rows')} · ${rows.total.toLocaleString()}`} style={{ marginTop: 16 }}>
          <Table size="small" rowKey={(_, i) => String(i)} pagination={false} scroll={{ x: true }} dataSource={rows.rows} columns={rows.columns.map((c) => ({ title: c, dataIndex: c }))} />
        </Card>
      )}
    </>
  );
}

/** 数据汇聚 aggregation: upload into a resource, watch the load, read and download its quarantined rows, roll back. */
export function AggregationPage() {
  const { t } = useTranslation();
  const [code, setCode] = useState<string | undefined>(() => new URLSearchParams(window.location.search).get('resource') ?? undefined);
  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('aggregation.title')}
      </Typography.Title>
      <Space style={{ marginBottom: 16 }}>
        <span>{t('aggregation.resource')}</span>
        <ResourcePicker
          placeholder={t('aggregation.pickResource')}
          testId="resource-picker"
          value={code}
          onChange={(c) => {
            setCode(c);
            window.history.replaceState(null, '', `?resource=${encodeURIComponent(c)}`);
          }}
        />
      </Space>
      {code && <ResourceLoads key={code} code={code} />}
    </>
  );
}
