import { Alert, Button, Card, Form, Input, Popconfirm, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../app/api.ts';
import { useResource } from '../app/use-resource.ts';
import { useLanguage } from '../app/i18n.ts';
import { identityApi, type Me, type Role } from '../modules/identity/api/identity.ts';
import { RequireSignIn } from '../modules/identity/components/RequireSignIn.tsx';
import { can } from '../modules/identity/permissions.ts';

function Roles({ me }: { me: Me }) {
  const { t } = useTranslation();
  const [language] = useLanguage();
  const roles = useResource((signal) => identityApi.roles(signal), { key: 'roles' });
  const [error, setError] = useState<string>();
  const report = (e: unknown) => setError(e instanceof ApiError ? (e.detail ?? e.title) : String(e));
  const writable = can(me, 'identity.role.write');
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      {error && <Alert type="error" showIcon closable title={error} data-testid="roles-error" />}
      {roles.error instanceof ApiError && <Alert type="warning" showIcon title={roles.error.detail ?? roles.error.title} />}
      <Table<Role>
        rowKey="name"
        size="small"
        loading={roles.loading}
        dataSource={roles.data ?? []}
        pagination={false}
        columns={[
          { title: t('identity.roles.name'), dataIndex: 'name' },
          { title: t('identity.roles.title'), render: (_, r) => (language === 'en' ? r.titleEn : r.titleZh) },
          { title: t('identity.roles.permissions'), dataIndex: 'permissions', render: (ps: string[]) => <Space wrap size={4}>{ps.map((p) => <Tag key={p}>{p}</Tag>)}</Space> },
          { title: t('identity.roles.duty'), dataIndex: 'duty', render: (d: Role['duty']) => (d ? <Tag color="purple">{t(`identity.roles.duties.${d}`)}</Tag> : null) },
          { title: t('identity.roles.holders'), dataIndex: 'holders' },
          {
            title: '',
            render: (_, r) =>
              r.builtin ? <Tag>{t('identity.roles.builtin')}</Tag> : writable ? (
                <Popconfirm title={t('identity.roles.delete')} onConfirm={() => identityApi.deleteRole(r.name).then(roles.reload, report)}>
                  <Button size="small" danger>{t('identity.roles.delete')}</Button>
                </Popconfirm>
              ) : null,
          },
        ]}
        data-testid="roles"
      />
      {writable && (
        <Card size="small" title={t('identity.roles.create')}>
          <Form
            layout="vertical"
            onFinish={(v: { name: string; titleZh: string; titleEn: string; permissions: string }) =>
              identityApi.createRole({ ...v, permissions: v.permissions.split(',').map((s) => s.trim()).filter(Boolean) }).then(() => { setError(undefined); roles.reload(); }, report)
            }
          >
            <Space wrap align="start">
              <Form.Item name="name" label={t('identity.roles.name')} rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{1,40}$/ }]}><Input /></Form.Item>
              <Form.Item name="titleZh" label={t('identity.roles.titleZh')} rules={[{ required: true }]}><Input /></Form.Item>
              <Form.Item name="titleEn" label={t('identity.roles.titleEn')} rules={[{ required: true }]}><Input /></Form.Item>
            </Space>
            <Form.Item name="permissions" label={t('identity.roles.permissionsHint')} rules={[{ required: true }]}><Input /></Form.Item>
            <Button type="primary" htmlType="submit">{t('identity.roles.create')}</Button>
          </Form>
        </Card>
      )}
    </Space>
  );
}

export function RolesPage() {
  return <RequireSignIn>{(me) => <Roles me={me} />}</RequireSignIn>;
}
