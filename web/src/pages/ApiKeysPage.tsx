import { Alert, Button, Card, Form, Input, InputNumber, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../app/api.ts';
import { useResource } from '../app/use-resource.ts';
import { identityApi, type ApiKey } from '../modules/identity/api/identity.ts';
import { RequireSignIn } from '../modules/identity/components/RequireSignIn.tsx';

function ApiKeys() {
  const { t } = useTranslation();
  const keys = useResource((signal) => identityApi.myKeys(signal), { key: 'keys' });
  const [shown, setShown] = useState<string>();
  const [error, setError] = useState<string>();
  const report = (e: unknown) => setError(e instanceof ApiError ? (e.detail ?? e.title) : String(e));
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      {error && <Alert type="error" showIcon closable title={error} />}
      {shown && (
        <Alert type="success" showIcon title={t('identity.apiKeys.shownOnce')} description={<Typography.Text code copyable data-testid="new-key">{shown}</Typography.Text>} />
      )}
      <Table<ApiKey>
        rowKey="id"
        size="small"
        loading={keys.loading}
        dataSource={keys.data ?? []}
        pagination={false}
        columns={[
          { title: 'ID', dataIndex: 'id' },
          { title: t('identity.apiKeys.name'), dataIndex: 'name' },
          { title: t('identity.apiKeys.permissions'), dataIndex: 'permissions', render: (ps: string[]) => <Space wrap size={4}>{ps.map((p) => <Tag key={p}>{p}</Tag>)}</Space> },
          { title: t('identity.apiKeys.expiresAt'), dataIndex: 'expiresAt', render: (v: string) => new Date(v).toLocaleString() },
          { title: t('identity.apiKeys.lastUsed'), dataIndex: 'lastUsedAt', render: (v: string | null) => (v ? new Date(v).toLocaleString() : '—') },
          { title: t('identity.apiKeys.state'), dataIndex: 'state', render: (s: ApiKey['state']) => <Tag color={s === 'active' ? 'green' : 'default'}>{t(`identity.apiKeys.states.${s}`)}</Tag> },
          { title: '', render: (_, k) => (k.state === 'active' ? <Button size="small" danger onClick={() => void identityApi.revokeKey(k.id).then(keys.reload, report)}>{t('identity.apiKeys.revoke')}</Button> : null) },
        ]}
      />
      <Card size="small" title={t('identity.apiKeys.create')}>
        <Form
          layout="inline"
          onFinish={(v: { name: string; permissions: string; days: number }) =>
            identityApi.createKey({ name: v.name, permissions: v.permissions.split(',').map((s) => s.trim()).filter(Boolean), expiresInDays: v.days }).then((r) => { setShown(r.key); setError(undefined); keys.reload(); }, report)
          }
        >
          <Form.Item name="name" rules={[{ required: true }]}><Input placeholder={t('identity.apiKeys.name')} /></Form.Item>
          <Form.Item name="permissions" rules={[{ required: true }]}><Input placeholder={t('identity.apiKeys.permissions')} style={{ width: 280 }} /></Form.Item>
          <Form.Item name="days" initialValue={90} label={t('identity.apiKeys.days')}><InputNumber min={1} max={366} /></Form.Item>
          <Button type="primary" htmlType="submit">{t('identity.apiKeys.create')}</Button>
        </Form>
      </Card>
    </Space>
  );
}

export function ApiKeysPage() {
  return <RequireSignIn>{() => <ApiKeys />}</RequireSignIn>;
}
