import { Alert, Button, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../app/api.ts';
import { useResource } from '../app/use-resource.ts';
import { identityApi, type AuditEntry } from '../modules/identity/api/identity.ts';
import { RequireSignIn } from '../modules/identity/components/RequireSignIn.tsx';

const COLORS = { success: 'green', failure: 'orange', denied: 'red' } as const;

function Audit() {
  const { t } = useTranslation();
  const [query, setQuery] = useState<Record<string, string>>({ limit: '200' });
  const entries = useResource((signal) => identityApi.audit(query, signal), { key: JSON.stringify(query) });
  const [verdict, setVerdict] = useState<{ ok: boolean; text: string }>();
  const verify = () =>
    identityApi.verifyAudit().then(
      (r) => setVerdict({ ok: r.ok, text: r.ok ? t('identity.audit.intact', { n: r.entries }) : t('identity.audit.broken', { message: r.message ?? '' }) }),
      (e: unknown) => setVerdict({ ok: false, text: e instanceof ApiError ? (e.detail ?? e.title) : String(e) }),
    );
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Form
        layout="inline"
        onFinish={(v: Record<string, string | undefined>) => {
          const q: Record<string, string> = { limit: '200' };
          for (const [k, val] of Object.entries(v)) if (val) q[k] = val;
          setQuery(q);
        }}
      >
        <Form.Item name="actor"><Input placeholder={t('identity.audit.actor')} allowClear /></Form.Item>
        <Form.Item name="action"><Input placeholder={`${t('identity.audit.action')} (identity.*)`} allowClear /></Form.Item>
        <Form.Item name="target"><Input placeholder={t('identity.audit.target')} allowClear /></Form.Item>
        <Form.Item name="outcome">
          <Select allowClear placeholder={t('identity.audit.outcome')} style={{ width: 120 }} options={(['success', 'failure', 'denied'] as const).map((o) => ({ value: o, label: t(`identity.audit.outcomes.${o}`) }))} />
        </Form.Item>
        <Button type="primary" htmlType="submit">{t('identity.audit.search')}</Button>
        <Button href={identityApi.auditCsvUrl({ ...query, limit: '1000' })} style={{ marginLeft: 8 }}>{t('identity.audit.export')}</Button>
        <Button onClick={() => void verify()} style={{ marginLeft: 8 }} data-testid="verify">{t('identity.audit.verify')}</Button>
      </Form>
      {verdict && <Alert type={verdict.ok ? 'success' : 'error'} showIcon title={verdict.text} data-testid="verdict" />}
      {entries.error instanceof ApiError && <Alert type="warning" showIcon title={entries.error.detail ?? entries.error.title} />}
      <Table<AuditEntry>
        rowKey="seq"
        size="small"
        loading={entries.loading}
        dataSource={entries.data ?? []}
        pagination={{ pageSize: 50 }}
        expandable={{ expandedRowRender: (e) => <Typography.Text code style={{ whiteSpace: 'pre-wrap' }}>{JSON.stringify(e.details, null, 2)}{`\nSM3 ${e.hash}`}</Typography.Text> }}
        columns={[
          { title: t('identity.audit.seq'), dataIndex: 'seq', width: 80 },
          { title: t('identity.audit.at'), dataIndex: 'at', render: (v: string) => new Date(v).toLocaleString() },
          { title: t('identity.audit.actor'), dataIndex: 'actor', ellipsis: true },
          { title: t('identity.audit.action'), dataIndex: 'action' },
          { title: t('identity.audit.target'), dataIndex: 'target', ellipsis: true },
          { title: t('identity.audit.outcome'), dataIndex: 'outcome', render: (o: AuditEntry['outcome']) => <Tag color={COLORS[o]}>{t(`identity.audit.outcomes.${o}`)}</Tag> },
        ]}
        data-testid="audit-entries"
      />
    </Space>
  );
}

export function AuditPage() {
  return <RequireSignIn>{() => <Audit />}</RequireSignIn>;
}
