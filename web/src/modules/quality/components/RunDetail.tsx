// One run: each rule's rows checked, failures and time; failing samples with key and reason.
import { Card, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { RuleResult, Run } from '../api/quality-api.ts';
import { useRun } from '../hooks/use-quality.ts';

export function RunDetail({ run }: { run: Run }) {
  const { t } = useTranslation();
  const { data } = useRun(run.id, `${run.status}:${run.rulesDone}`);
  return (
    <Card size="small" title={`${t('quality.run', { id: run.id })} · ${t(`quality.triggerValue.${run.trigger}`)} · ${run.score === null ? '' : `${t('quality.score')} ${run.score}`}`} data-testid="run-detail">
      <Table<RuleResult>
        size="small"
        rowKey="ruleId"
        pagination={false}
        dataSource={data?.results ?? []}
        expandable={{
          rowExpandable: (r) => r.samples.length > 0,
          expandedRowRender: (r) => (
            <Table
              size="small"
              rowKey={(_, i) => String(i)}
              pagination={false}
              dataSource={r.samples}
              columns={[
                { title: t('quality.key'), dataIndex: 'key', render: (k: Record<string, string | null>) => Object.entries(k).map(([name, v]) => `${name}=${v ?? ''}`).join(', ') },
                { title: t('quality.value'), dataIndex: 'value' },
                { title: t('quality.reason'), dataIndex: 'reason' },
              ]}
            />
          ),
        }}
        columns={[
          { title: t('quality.name'), dataIndex: 'ruleName' },
          { title: t('quality.kind'), dataIndex: 'kind', render: (k: string) => t(`quality.kindValue.${k}`, { defaultValue: k }) },
          {
            title: t('quality.lastResult'),
            render: (_, r) => (r.error ? <Tag color="default">{r.error}</Tag> : r.passed ? <Tag color="green">{t('quality.passed')}</Tag> : <Tag color="red">{t('quality.failed', { n: r.failures })}</Tag>),
          },
          { title: t('quality.rowsChecked'), dataIndex: 'rowsChecked', render: (n: number) => n.toLocaleString() },
          { title: t('quality.duration'), dataIndex: 'durationMs', render: (ms: number) => `${ms} ms` },
        ]}
      />
    </Card>
  );
}
