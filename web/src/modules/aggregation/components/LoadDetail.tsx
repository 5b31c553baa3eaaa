import { DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Popconfirm, Progress, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorResult } from '../../../app/ErrorResult.tsx';
import { rejectsCsvUrl, replayLoad, rollbackLoad, type Load } from '../api/aggregation-api.ts';
import { useRejects } from '../hooks/use-loads.ts';

export const statusColor: Record<Load['status'], string> = { receiving: 'processing', loading: 'processing', done: 'success', failed: 'error', rolled_back: 'default' };

/** Where a load's rows came from, for the advice on columns it did not load. */
export function loadOrigin(load: Load): 'pull' | 'push' | 'upload' {
  if (load.sourceId !== null) return 'pull';
  return load.format === 'json' && load.fileName.startsWith('push-') ? 'push' : 'upload';
}

/** One load: progress, counts, column mapping with inferred types, the quarantined rows, rollback. */
export function LoadDetail({ load, onChanged, onReplayed }: { load: Load; onChanged: () => void; onReplayed: (load: Load) => void }) {
  const { t } = useTranslation();
  const [offset, setOffset] = useState(0);
  const [failure, setFailure] = useState<unknown>(undefined);
  const { data: rejects } = useRejects(load.id, offset, `${load.status}:${load.rowsRejected}`);
  const percent = load.bytesTotal > 0 ? Math.floor((100 * load.bytesRead) / load.bytesTotal) : 0;
  const live = load.status === 'loading' || load.status === 'receiving';
  return (
    <Card
      size="small"
      title={`${t('aggregation.load', { id: load.id })} · ${load.fileName}`}
      extra={
        <Space>
          <Tag color={statusColor[load.status]}>{t(`aggregation.statusValue.${load.status}`)}</Tag>
          {!live && (
            <Button size="small" onClick={() => void replayLoad(load.id).then(onReplayed, setFailure)}>
              {t('aggregation.replay')}
            </Button>
          )}
          {load.status === 'done' && (
            <Popconfirm title={t('aggregation.rollbackConfirm')} onConfirm={() => void rollbackLoad(load.id).then(onChanged, setFailure)}>
              <Button danger size="small">{t('aggregation.rollback')}</Button>
            </Popconfirm>
          )}
        </Space>
      }
    >
      {failure !== undefined && <ErrorResult error={failure} compact />}
      <Progress percent={load.status === 'done' ? 100 : percent} status={load.status === 'failed' ? 'exception' : live ? 'active' : 'success'} data-testid="load-progress" />
      <Space size="large" wrap style={{ margin: '8px 0 16px' }}>
        <span>{t('aggregation.rowsRead')}: <b>{load.rowsRead.toLocaleString()}</b></span>
        <span>{t('aggregation.rowsInserted')}: <b>{load.rowsInserted.toLocaleString()}</b></span>
        <span>{t('aggregation.rowsUpdated')}: <b>{load.rowsUpdated.toLocaleString()}</b></span>
        <span>{t('aggregation.rowsRejected')}: <b data-testid="rows-rejected">{load.rowsRejected.toLocaleString()}</b></span>
        <span>{t('aggregation.encoding')}: {load.encoding ?? '—'}</span>
      </Space>
      {load.error && <Typography.Paragraph type="danger">{load.error}</Typography.Paragraph>}
      {load.unmapped.length > 0 && (
        <Alert type="warning" showIcon style={{ marginBottom: 16 }} data-testid="load-unmapped" title={t(`aggregation.notLoaded.${loadOrigin(load)}`, { columns: load.unmapped.join('、') })} />
      )}
      {load.columns.length > 0 && (
        <Table
          size="small"
          rowKey="header"
          pagination={false}
          title={() => t('aggregation.columns')}
          dataSource={load.columns}
          columns={[
            { title: t('aggregation.header'), dataIndex: 'header' },
            { title: t('aggregation.inferredType'), dataIndex: 'inferredType', render: (v: string) => <Tag>{v}</Tag> },
            {
              title: t('aggregation.item'),
              dataIndex: 'item',
              render: (v: string | null, c: Load['columns'][number]) =>
                v ?? <Typography.Text type={c.mappedBy === 'ignored' ? 'secondary' : 'warning'}>{t(c.mappedBy === 'ignored' ? 'aggregation.mapping.leftOutTag' : 'aggregation.ignored')}</Typography.Text>,
            },
            { title: t('aggregation.mapping.how'), dataIndex: 'mappedBy', render: (v: Load['columns'][number]['mappedBy']) => (v ? <Tag>{t(`aggregation.mapping.by.${v}`)}</Tag> : '—') },
          ]}
          style={{ marginBottom: 16 }}
        />
      )}
      {load.rowsRejected > 0 && (
        <Table
          size="small"
          rowKey={(r) => `${r.line}:${r.reason}`}
          data-testid="rejects"
          title={() => (
            <Space>
              {t('aggregation.rejects')}
              <Button size="small" icon={<DownloadOutlined />} href={rejectsCsvUrl(load.id)}>
                {t('aggregation.download')}
              </Button>
            </Space>
          )}
          dataSource={rejects?.items ?? []}
          pagination={{ pageSize: 20, total: rejects?.total ?? 0, current: offset / 20 + 1, onChange: (p) => setOffset((p - 1) * 20), showSizeChanger: false }}
          columns={[
            { title: t('aggregation.line'), dataIndex: 'line', width: 80 },
            { title: t('aggregation.reason'), dataIndex: 'reason' },
            { title: t('aggregation.raw'), dataIndex: 'raw', render: (v: string) => <Typography.Text code ellipsis style={{ maxWidth: 360 }}>{v}</Typography.Text> },
          ]}
        />
      )}
    </Card>
  );
}
