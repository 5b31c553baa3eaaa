import { Alert, Button, Card, Checkbox, Form, Input, Radio, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../app/api.ts';
import { useResource } from '../app/use-resource.ts';
import { identityApi, type OidcClient } from '../modules/identity/api/identity.ts';
import { RequireSignIn } from '../modules/identity/components/RequireSignIn.tsx';

const SCOPES = ['openid', 'profile', 'offline_access', 'id_number', 'uscc'];
const lines = (v: string | undefined) => (v ?? '').split(/\s+/).map((s) => s.trim()).filter(Boolean);

interface FormValues {
  name: string;
  ownerUnit: string;
  confidential: boolean;
  redirectUris: string;
  postLogoutRedirectUris?: string;
  backchannelLogoutUri?: string;
  scopes: string[];
}

/** 应用接入: register a department's application for single sign-on, rotate its secret, disable it. */
function Clients() {
  const { t } = useTranslation();
  const clients = useResource((signal) => identityApi.clients(signal), { key: 'clients' });
  const [secret, setSecret] = useState<{ clientId: string; secret: string }>();
  const [error, setError] = useState<string>();
  const report = (e: unknown) => setError(e instanceof ApiError ? (e.detail ?? e.title) : String(e));
  const shown = (r: { client: OidcClient; clientSecret: string | null }) => {
    setError(undefined);
    setSecret(r.clientSecret ? { clientId: r.client.clientId, secret: r.clientSecret } : undefined);
    clients.reload();
  };
  const [form] = Form.useForm<FormValues>();

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Typography.Text type="secondary">
        {t('identity.clients.discovery')} <Typography.Text code copyable>{`${window.location.origin}/.well-known/openid-configuration`}</Typography.Text>
      </Typography.Text>
      {error && <Alert type="error" showIcon closable title={error} data-testid="clients-error" />}
      {secret && (
        <Alert
          type="success"
          showIcon
          title={t('identity.clients.secretOnce')}
          description={<Typography.Text code copyable data-testid="client-secret">{`${secret.clientId} / ${secret.secret}`}</Typography.Text>}
        />
      )}
      <Table<OidcClient>
        rowKey="clientId"
        size="small"
        loading={clients.loading}
        dataSource={clients.data ?? []}
        pagination={false}
        data-testid="clients"
        columns={[
          { title: t('identity.clients.name'), dataIndex: 'name', render: (n: string, c) => <Space>{n}{c.firstParty && <Tag color="blue">{t('identity.clients.firstParty')}</Tag>}</Space> },
          { title: t('identity.clients.clientId'), dataIndex: 'clientId', render: (v: string) => <Typography.Text code copyable>{v}</Typography.Text> },
          { title: t('identity.clients.ownerUnit'), dataIndex: 'ownerUnit' },
          { title: t('identity.clients.type'), dataIndex: 'confidential', render: (v: boolean) => (v ? 'confidential' : 'public') },
          { title: t('identity.clients.scopes'), dataIndex: 'scopes', render: (ss: string[]) => <Space wrap size={4}>{ss.map((s) => <Tag key={s} color={s === 'id_number' || s === 'uscc' ? 'orange' : undefined}>{s}</Tag>)}</Space> },
          { title: t('identity.clients.redirectUris'), dataIndex: 'redirectUris', render: (us: string[]) => us.map((u) => <div key={u}>{u}</div>) },
          { title: t('identity.clients.status'), dataIndex: 'status', render: (s: OidcClient['status']) => <Tag color={s === 'active' ? 'green' : 'default'}>{t(`identity.clients.statuses.${s}`)}</Tag> },
          {
            title: '',
            render: (_, c) =>
              c.firstParty ? null : (
                <Space>
                  {c.confidential && <Button size="small" onClick={() => void identityApi.rotateClientSecret(c.clientId).then(shown, report)}>{t('identity.clients.rotate')}</Button>}
                  <Button size="small" danger={c.status === 'active'} onClick={() => void identityApi.setClientStatus(c.clientId, c.status === 'active' ? 'disabled' : 'active').then(() => clients.reload(), report)}>
                    {t(c.status === 'active' ? 'identity.clients.disable' : 'identity.clients.enable')}
                  </Button>
                </Space>
              ),
          },
        ]}
      />
      <Card size="small" title={t('identity.clients.register')}>
        <Form<FormValues>
          form={form}
          layout="vertical"
          initialValues={{ confidential: true, scopes: ['openid', 'profile'] }}
          onFinish={(v) =>
            identityApi
              .registerClient({
                name: v.name, ownerUnit: v.ownerUnit.trim(), confidential: v.confidential, redirectUris: lines(v.redirectUris), postLogoutRedirectUris: lines(v.postLogoutRedirectUris),
                ...(v.backchannelLogoutUri?.trim() ? { backchannelLogoutUri: v.backchannelLogoutUri.trim() } : {}), scopes: v.scopes,
              })
              .then((r) => { shown(r); form.resetFields(); }, report)
          }
        >
          <Form.Item name="name" label={t('identity.clients.name')} rules={[{ required: true, max: 100 }]}><Input id="client-name" /></Form.Item>
          <Form.Item name="ownerUnit" label={t('identity.clients.ownerUnit')} rules={[{ required: true }]}><Input id="client-owner" placeholder="D01" /></Form.Item>
          <Form.Item name="confidential" label={t('identity.clients.type')}>
            <Radio.Group options={[{ value: true, label: t('identity.clients.confidential') }, { value: false, label: t('identity.clients.public') }]} />
          </Form.Item>
          <Form.Item name="redirectUris" label={t('identity.clients.redirectUris')} rules={[{ required: true }]}><Input.TextArea id="client-redirects" rows={2} placeholder="https://app.example.gov.cn/callback" /></Form.Item>
          <Form.Item name="postLogoutRedirectUris" label={t('identity.clients.postLogoutRedirectUris')}><Input.TextArea rows={2} /></Form.Item>
          <Form.Item name="backchannelLogoutUri" label={t('identity.clients.backchannelLogoutUri')}><Input /></Form.Item>
          <Form.Item name="scopes" label={t('identity.clients.scopes')} rules={[{ required: true }]}>
            <Checkbox.Group options={SCOPES.map((s) => ({ value: s, label: s, disabled: s === 'openid' }))} />
          </Form.Item>
          <Button type="primary" htmlType="submit" data-testid="register-client">{t('identity.clients.register')}</Button>
        </Form>
      </Card>
    </Space>
  );
}

export function ClientsPage() {
  return <RequireSignIn>{() => <Clients />}</RequireSignIn>;
}
