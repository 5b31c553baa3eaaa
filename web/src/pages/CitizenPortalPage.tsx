// /m 我的聊城: the citizen and enterprise entrance of One Number (一号通行). Sign in through the
// platform's OpenID Connect provider (or with a password), register with the real-name check
// (自然人 by resident ID, 法人 by credit code and acting person), see the account and its assurance
// level, the applications allowed through single sign-on (withdraw consent), and sign out of all
// of them at once. Laid out for a phone first.
import { LogoutOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Descriptions, Empty, Form, Input, List, Popconfirm, Segmented, Select, Spin, Tabs, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../app/api.ts';
import { ErrorResult } from '../app/ErrorResult.tsx';
import { LANGUAGES, useLanguage, type Language } from '../app/i18n.ts';
import { identityApi, type Me, type MyApplication } from '../modules/identity/api/identity.ts';
import { SignInForm } from '../modules/identity/components/SignInForm.tsx';
import { useAction } from '../modules/identity/hooks/use-action.ts';
import { useSession } from '../modules/identity/hooks/use-session.ts';

const PAGE = { maxWidth: 520, margin: '0 auto', padding: '16px 12px 48px' } as const;

const mask = (login: string) => (login.length >= 15 ? `${login.slice(0, 4)}${'*'.repeat(login.length - 8)}${login.slice(-4)}` : login);
const problemText = (e: unknown) => (e instanceof ApiError ? (e.detail ?? e.title) : String(e));

function RegisterPerson({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const { busy, error, run } = useAction();
  return (
    <Form
      layout="vertical"
      data-testid="register-person"
      onFinish={(v: { idNumber: string; name: string; password: string }) => run(() => identityApi.registerPerson(v), onDone)}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="register-error" />}
      <Form.Item name="idNumber" label={t('identity.portal.idNumber')} rules={[{ required: true, pattern: /^([0-9]{17}[0-9Xx]|[0-9]{15})$/ }]}>
        <Input autoComplete="off" inputMode="numeric" />
      </Form.Item>
      <Form.Item name="name" label={t('identity.portal.name')} rules={[{ required: true }]}>
        <Input autoComplete="name" />
      </Form.Item>
      <Form.Item name="password" label={t('identity.portal.password')} rules={[{ required: true, min: 10 }]}>
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy} block>
        {t('identity.portal.register')}
      </Button>
    </Form>
  );
}

function RegisterLegal({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const { busy, error, run } = useAction();
  return (
    <Form
      layout="vertical"
      data-testid="register-legal"
      initialValues={{ actingRole: 'legal_rep' }}
      onFinish={(v: { uscc: string; actingIdNumber: string; actingName: string; actingRole: 'legal_rep' | 'agent'; password: string }) =>
        run(() => identityApi.registerLegal({ ...v, uscc: v.uscc.toUpperCase() }), onDone)
      }
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="register-error" />}
      <Form.Item name="uscc" label={t('identity.portal.uscc')} rules={[{ required: true, pattern: /^[0-9A-Za-z]{18}$/ }]}>
        <Input autoComplete="off" />
      </Form.Item>
      <Form.Item name="actingRole" label={t('identity.portal.actingRole')}>
        <Select options={(['legal_rep', 'agent'] as const).map((r) => ({ value: r, label: t(`identity.portal.roles.${r}`) }))} />
      </Form.Item>
      <Form.Item name="actingIdNumber" label={t('identity.portal.actingIdNumber')} rules={[{ required: true, pattern: /^([0-9]{17}[0-9Xx]|[0-9]{15})$/ }]}>
        <Input autoComplete="off" />
      </Form.Item>
      <Form.Item name="actingName" label={t('identity.portal.actingName')} rules={[{ required: true }]}>
        <Input />
      </Form.Item>
      <Form.Item name="password" label={t('identity.portal.password')} rules={[{ required: true, min: 10 }]}>
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy} block>
        {t('identity.portal.register')}
      </Button>
    </Form>
  );
}

function Applications() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [apps, setApps] = useState<MyApplication[]>();
  const [error, setError] = useState<unknown>();
  const load = useCallback((signal?: AbortSignal) => {
    identityApi.myApplications(signal).then(setApps, (e: unknown) => {
      if (!signal?.aborted) setError(e);
    });
  }, []);
  useEffect(() => {
    const c = new AbortController();
    load(c.signal);
    return () => c.abort();
  }, [load]);
  if (error) return <ErrorResult error={error} onRetry={() => load()} />;
  if (!apps) return <Spin />;
  if (apps.length === 0) return <Empty description={t('identity.portal.noApplications')} />;
  return (
    <List
      data-testid="my-applications"
      dataSource={apps}
      renderItem={(a) => (
        <List.Item
          actions={[
            <Popconfirm
              key="revoke"
              title={t('identity.portal.revokeConfirm')}
              onConfirm={() =>
                identityApi.revokeApplication(a.clientId).then(
                  () => {
                    void message.success(t('identity.portal.revoked', { app: a.name }));
                    load();
                  },
                  (e: unknown) => void message.error(problemText(e)),
                )
              }
            >
              <Button size="small" danger data-testid={`revoke-${a.clientId}`}>
                {t('identity.portal.revoke')}
              </Button>
            </Popconfirm>,
          ]}
        >
          <List.Item.Meta
            title={a.name}
            description={
              <>
                {a.scopes.map((s) => (
                  <Tag key={s}>{t(`identity.sso.scopes.${s}`, { defaultValue: s })}</Tag>
                ))}
                {a.grantedAt && (
                  <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                    {t('identity.portal.grantedAt')}: {new Date(a.grantedAt).toLocaleString(i18n.language)}
                  </Typography.Text>
                )}
              </>
            }
          />
        </List.Item>
      )}
    />
  );
}

function Account({ me, onSignedOut }: { me: Me; onSignedOut: () => void }) {
  const { t, i18n } = useTranslation();
  const a = me.account;
  return (
    <>
      <Card title={t('identity.portal.profile')} data-testid="portal-profile" style={{ marginBottom: 16 }}>
        <Descriptions column={1} size="small">
          <Descriptions.Item label={t('identity.people.name')}>{a.displayName}</Descriptions.Item>
          <Descriptions.Item label={t('identity.portal.kind')}>{t(`identity.people.kinds.${a.kind}`)}</Descriptions.Item>
          <Descriptions.Item label={t('identity.portal.login')}>{mask(a.login)}</Descriptions.Item>
          <Descriptions.Item label={t('identity.portal.assurance')}>
            <Tag color={a.assurance === 'L1' ? 'default' : 'green'} data-testid="portal-assurance">
              {t(`identity.portal.assuranceLevels.${a.assurance}`)}
            </Tag>
          </Descriptions.Item>
          {a.acting && (
            <Descriptions.Item label={t('identity.portal.acting')}>
              {a.acting.name}（{t(`identity.portal.roles.${a.acting.role}`)}）
            </Descriptions.Item>
          )}
          <Descriptions.Item label={t('identity.portal.since')}>{new Date(a.createdAt).toLocaleDateString(i18n.language)}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title={t('identity.portal.applications')} style={{ marginBottom: 16 }}>
        <Applications />
      </Card>
      <Alert type="info" showIcon title={t('identity.portal.services')} style={{ marginBottom: 16 }} />
      <Button block danger icon={<LogoutOutlined />} data-testid="portal-sign-out" onClick={() => void identityApi.signOut().finally(onSignedOut)}>
        {t('identity.portal.signOutAll')}
      </Button>
    </>
  );
}

function LanguageSwitch() {
  const [language, setLanguage] = useLanguage();
  return <Segmented<Language> size="small" value={language} onChange={setLanguage} options={LANGUAGES.map((l) => ({ value: l, label: l === 'en' ? 'EN' : '中' }))} data-testid="language-switch" />;
}

export function CitizenPortalPage() {
  const { t } = useTranslation();
  const session = useSession();
  const [tab, setTab] = useState('signIn');
  const [registered, setRegistered] = useState(false);
  const onRegistered = () => {
    setRegistered(true);
    setTab('signIn');
  };
  let body;
  if (session.loading && !session.me) body = <Spin size="large" style={{ display: 'block', margin: '80px auto' }} />;
  else if (session.error) body = <ErrorResult error={session.error} onRetry={session.reload} />;
  else if (session.me && !session.me.restriction) body = <Account me={session.me} onSignedOut={session.reload} />;
  else
    body = (
      <Tabs
        activeKey={tab}
        onChange={setTab}
        centered
        items={[
          {
            key: 'signIn',
            label: t('identity.portal.signInTab'),
            children: (
              <>
                {registered && <Alert type="success" showIcon title={t('identity.portal.registered')} data-testid="registered" />}
                <SignInForm initialStep={session.me?.restriction ?? 'password'} onDone={session.reload} ssoReturn="/m" />
              </>
            ),
          },
          { key: 'person', label: t('identity.portal.personTab'), children: <RegisterPerson onDone={onRegistered} /> },
          { key: 'legal', label: t('identity.portal.legalTab'), children: <RegisterLegal onDone={onRegistered} /> },
        ]}
      />
    );
  return (
    <main style={PAGE} data-testid="citizen-portal">
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginBottom: 12 }}>
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('identity.portal.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('identity.portal.subtitle')}</Typography.Text>
        </div>
        <LanguageSwitch />
      </div>
      {body}
    </main>
  );
}
