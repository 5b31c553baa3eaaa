// 死信 dead letters: refused messages with the reason and the payload as received.
import { Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ErrorResult } from '../../../app/ErrorResult.tsx';
import { formatDateTime } from '../../../app/format.ts';
import { useLanguage } from '../../../app/i18n.ts';
import type { DeadLetter } from '../api/iot-api.ts';
import { useDeadLetters } from '../hooks/use-iot.ts';

export function DeadLettersPanel() {
  const { t } = useTranslation();
  const [language] = useLanguage();
  const { data, error, reload } = useDeadLetters();
  if (error !== undefined && !data) return <ErrorResult error={error} onRetry={reload} compact />;
  return (
    <Table<DeadLetter>
      rowKey="id"
      size="small"
      loading={!data}
      dataSource={data ?? []}
      data-testid="dead-letters"
      pagination={{ pageSize: 20, showSizeChanger: false }}
      expandable={{ expandedRowRender: (d) => <Typography.Paragraph code copyable style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>{d.payload}</Typography.Paragraph> }}
      columns={[
        { title: t('iot.dead.receivedAt'), dataIndex: 'receivedAt', render: (v: string) => formatDateTime(v, language) },
        { title: t('iot.dead.source'), dataIndex: 'source', render: (v: string) => <Tag>{v.toUpperCase()}</Tag> },
        { title: t('iot.alarm.device'), dataIndex: 'deviceId', render: (v: string | null) => v ?? '—' },
        { title: t('iot.dead.address'), dataIndex: 'sourceAddress', render: (v: string | null) => v ?? '—' },
        { title: t('iot.dead.reason'), dataIndex: 'reason', render: (v: string) => <Tag color="red">{v}</Tag> },
        { title: t('iot.dead.detail'), dataIndex: 'detail' },
        { title: t('iot.dead.payload'), dataIndex: 'payload', ellipsis: true, render: (v: string) => <Typography.Text code>{v.slice(0, 80)}</Typography.Text> },
      ]}
    />
  );
}
