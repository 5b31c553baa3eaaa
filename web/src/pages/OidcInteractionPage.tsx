import { Alert, Button, Card, List, Segmented, Space, Spin, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../app/api.ts';
import { useLanguage, type Language } from '../app/i18n.ts';
import { useResource } from '../app/use-resource.ts';
import { identityApi, oidcApi, type InteractionDetails } from '../modules/identity/api/identity.ts';
import { SignInForm } from '../modules/identity/components/SignInForm.tsx';

const message = (e: unknown) => (e instanceof ApiError ? (e.detail ?? e.title) : String(e));

/**
 * /oidc/interaction/:uid — the OpenID Connect provider's login and consent page (一号通行). Sign-in
 * is the platform's own (password, then TOTP for staff); the provider is then told who signed in.
 */
export function OidcInteractionPage({ uid }: { uid: string }) {
  const { t } = useTranslation();
  const details = useResource((signal) => oidcApi.details(uid, signal), { key: `oidc.${uid}` });
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [otherAccount, setOtherAccount] = useState(false);
  const [language, setLanguage] = useLanguage();

  const go = async (step: () => Promise<{ redirectTo: string }>) => {
    setBusy(true);
    try {
      window.location.assign((await step()).redirectTo);
    } catch (e) {
      setError(message(e));
      setBusy(false);
    }
  };

  const d: InteractionDetails | undefined = details.data;
  let body;
  if (details.loading && !d) body = <Spin size="large" style={{ display: 'block', margin: '48px auto' }} />;
  else if (details.error || !d) body = <Alert type="error" showIcon title={t('identity.sso.expired')} description={message(details.error)} data-testid="oidc-error" />;
  else if (d.prompt === 'login' && d.signedIn && !otherAccount)
    body = (
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Button type="primary" block size="large" loading={busy} onClick={() => void go(() => oidcApi.login(uid))} data-testid="continue-as">
          {t('identity.sso.continueAs', { name: d.signedIn.displayName })}
        </Button>
        <Button block onClick={() => void identityApi.signOut().then(() => setOtherAccount(true), (e: unknown) => setError(message(e)))}>
          {t('identity.sso.otherAccount')}
        </Button>
      </Space>
    );
  else if (d.prompt === 'login') body = <SignInForm onDone={() => void go(() => oidcApi.login(uid))} />;
  else
    body = (
      <div data-testid="consent">
        <Typography.Title level={5}>{t('identity.sso.consentTitle', { app: d.client.name })}</Typography.Title>
        <List
          size="small"
          bordered
          dataSource={d.scopes}
          renderItem={(s) => <List.Item>{t(`identity.sso.scopes.${s}`, { defaultValue: s })}</List.Item>}
          style={{ marginBottom: 16 }}
        />
        <Space style={{ width: '100%' }} orientation="vertical">
          <Button type="primary" block loading={busy} onClick={() => void go(() => oidcApi.confirm(uid))} data-testid="consent-allow">
            {t('identity.sso.allow')}
          </Button>
          <Button block danger onClick={() => void go(() => oidcApi.abort(uid))}>
            {t('identity.sso.deny')}
          </Button>
        </Space>
      </div>
    );

  return (
    <div style={{ minHeight: '100vh', background: '#f5f7fa', padding: '40px 16px' }} data-testid="oidc-interaction">
      <Card style={{ maxWidth: 520, margin: '0 auto' }} title={t('identity.sso.title')} extra={<Segmented<Language> size="small" value={language} onChange={setLanguage} options={[{ label: '中文', value: 'zh-CN' }, { label: 'EN', value: 'en' }]} />}>
        {d && (
          <Typography.Paragraph type="secondary" data-testid="oidc-client">
            {t('identity.sso.appAsks', { app: d.client.name, unit: d.client.ownerUnit })}
          </Typography.Paragraph>
        )}
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="oidc-step-error" />}
        {body}
      </Card>
    </div>
  );
}
