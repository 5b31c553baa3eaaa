import { Alert, Button, Card, Progress, Select, Space, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Preview } from '../api/aggregation-api.ts';

/**
 * A column's choice: a data item, null when the uploader leaves it out on purpose, undefined when
 * nothing matched and nobody chose (the load then reports it as unmapped).
 */
type Choice = Record<string, string | null | undefined>;

/** The `列名=item` entries of a confirmed mapping: each mapped column, `列名=` for those left out. */
export function mappingEntries(preview: Preview, choice: Choice): string[] {
  return preview.columns.flatMap((c) => {
    const item = choice[c.header];
    if (item === undefined) return [];
    return [`${c.header}=${item ?? ''}`];
  });
}

/**
 * 列映射 the step between choosing a file and loading it: the file's columns with their inferred
 * types and sample values, the suggested data item of each (changeable, or left out), and the key
 * or required items no column feeds yet. While the file is sent, the upload progress.
 */
export function MappingStep({
  fileName,
  preview,
  sending,
  onConfirm,
  onCancel,
}: {
  fileName: string;
  preview: Preview;
  /** Bytes sent so far while uploading; null before the upload starts. */
  sending: { sent: number; total: number } | null;
  onConfirm: (map: string[]) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [choice, setChoice] = useState<Choice>(() => Object.fromEntries(preview.columns.map((c) => [c.header, c.suggested ?? undefined])));
  const chosen = useMemo(() => new Set(Object.values(choice).filter((v): v is string => typeof v === 'string')), [choice]);
  const missing = preview.items.filter((i) => (i.key || i.required) && !chosen.has(i.name));
  const leftOut = preview.columns.filter((c) => typeof choice[c.header] !== 'string').map((c) => c.header);
  const percent = sending ? Math.floor((100 * sending.sent) / Math.max(sending.total, 1)) : 0;
  return (
    <Card size="small" title={`${t('aggregation.mapping.title')} · ${fileName}`} data-testid="mapping-step" style={{ marginTop: 16 }}>
      <Typography.Paragraph type="secondary">{t('aggregation.mapping.hint', { rows: preview.rowsSampled, encoding: preview.encoding })}</Typography.Paragraph>
      <Table
        size="small"
        rowKey="header"
        pagination={false}
        dataSource={preview.columns}
        columns={[
          { title: t('aggregation.header'), dataIndex: 'header' },
          { title: t('aggregation.inferredType'), dataIndex: 'inferredType', render: (v: string) => <Tag>{v}</Tag> },
          { title: t('aggregation.mapping.samples'), dataIndex: 'samples', render: (v: string[]) => <Typography.Text type="secondary">{v.join(' · ') || '—'}</Typography.Text> },
          {
            title: t('aggregation.item'),
            key: 'item',
            render: (_: unknown, c: Preview['columns'][number]) => (
              <Space>
                <Select
                  style={{ minWidth: 220 }}
                  size="small"
                  data-testid={`map-${c.header}`}
                  value={choice[c.header] === undefined ? undefined : (choice[c.header] ?? '')}
                  placeholder={t('aggregation.mapping.noMatch')}
                  disabled={sending !== null}
                  onChange={(v: string) => setChoice((prev) => ({ ...prev, [c.header]: v === '' ? null : v }))}
                  options={[
                    { value: '', label: t('aggregation.mapping.leaveOut') },
                    ...preview.items.map((i) => ({ value: i.name, label: `${i.title} (${i.name})`, disabled: chosen.has(i.name) && choice[c.header] !== i.name })),
                  ]}
                />
                {c.suggested !== null && choice[c.header] === c.suggested && <Tag color={c.mappedBy === 'similar' ? 'gold' : 'green'}>{t(`aggregation.mapping.by.${c.mappedBy}`)}</Tag>}
              </Space>
            ),
          },
        ]}
      />
      {missing.length > 0 && (
        <Alert
          type="error"
          showIcon
          style={{ marginTop: 12 }}
          data-testid="mapping-missing"
          title={t('aggregation.mapping.missing', { items: missing.map((i) => `${i.title} (${i.name})`).join('、') })}
        />
      )}
      {leftOut.length > 0 && <Alert type="warning" showIcon style={{ marginTop: 12 }} data-testid="mapping-left-out" title={t('aggregation.mapping.leftOut', { columns: leftOut.join('、') })} />}
      {sending && (
        <div style={{ marginTop: 12 }}>
          <Typography.Text>{t('aggregation.mapping.uploading')}</Typography.Text>
          <Progress percent={percent} status="active" data-testid="upload-progress" />
        </div>
      )}
      <Space style={{ marginTop: 12 }}>
        <Button type="primary" disabled={missing.length > 0 || sending !== null} loading={sending !== null} data-testid="start-load" onClick={() => onConfirm(mappingEntries(preview, choice))}>
          {t('aggregation.mapping.start')}
        </Button>
        <Button disabled={sending !== null} onClick={onCancel}>
          {t('aggregation.mapping.cancel')}
        </Button>
      </Space>
    </Card>
  );
}
