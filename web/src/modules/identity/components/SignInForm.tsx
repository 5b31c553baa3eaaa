import { Alert, Button, Card, Divider, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../app/api.ts';
import { identityApi, ssoStartUrl, type Restriction } from '../api/identity.ts';

type Step = 'password' | Exclude<Restriction, null>;

/**
 * Sign-in in steps: password, then (as the server asks) a new password, TOTP enrolment or the TOTP code.
 * With `ssoReturn`, the first step also offers single sign-on through the OpenID Connect provider,
 * coming back to that path signed in.
 */
export function SignInForm({ initialStep = 'password', onDone, ssoReturn }: { initialStep?: Step; onDone: () => void; ssoReturn?: string }) {
  const { t } = useTranslation();
  const [step, setStep] = useState<Step>(initialStep);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [enrolment, setEnrolment] = useState<{ secret: string; uri: string }>();

  const advance = (r: Restriction) => {
    setError(undefined);
    if (r === null) onDone();
    else setStep(r);
  };
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    try {
      await action();
    } catch (e) {
      setError(e instanceof ApiError ? (e.detail ?? e.title) : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={t('identity.signIn.title')} style={{ maxWidth: 460, margin: '64px auto' }} data-testid="sign-in">
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="sign-in-error" />}
      {step === 'password' && ssoReturn && (
        <>
          <Button type="primary" size="large" block href={ssoStartUrl(/^\/(console|screen|m)(\/[A-Za-z0-9/_-]*)?$/.test(ssoReturn) ? ssoReturn : '/console')} data-testid="sso-sign-in">
            {t('identity.sso.button')}
          </Button>
          <Divider plain>{t('identity.sso.or')}</Divider>
        </>
      )}
      {step === 'password' && (
        <Form layout="vertical" onFinish={(v: { login: string; password: string }) => run(async () => advance((await identityApi.signIn(v.login, v.password)).restriction))}>
          <Form.Item name="login" label={t('identity.signIn.login')} rules={[{ required: true }]}>
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item name="password" label={t('identity.signIn.password')} rules={[{ required: true }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} block>
            {t('identity.signIn.submit')}
          </Button>
        </Form>
      )}
      {step === 'totp' && (
        <Form layout="vertical" onFinish={(v: { code: string }) => run(async () => advance((await identityApi.presentTotp(v.code)).restriction))}>
          <Typography.Paragraph>{t('identity.signIn.totpHint')}</Typography.Paragraph>
          <Form.Item name="code" label={t('identity.signIn.totpTitle')} rules={[{ required: true, pattern: /^\d{6}$/ }]}>
            <Input inputMode="numeric" maxLength={6} autoComplete="one-time-code" autoFocus />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} block>
            {t('identity.signIn.verify')}
          </Button>
        </Form>
      )}
      {step === 'password_change' && (
        <Form layout="vertical" onFinish={(v: { current: string; next: string }) => run(async () => advance((await identityApi.changePassword(v.current, v.next)).restriction))}>
          <Typography.Title level={5}>{t('identity.signIn.changeTitle')}</Typography.Title>
          <Form.Item name="current" label={t('identity.signIn.currentPassword')} rules={[{ required: true }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item name="next" label={t('identity.signIn.newPassword')} rules={[{ required: true, min: 10 }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} block>
            {t('identity.signIn.change')}
          </Button>
        </Form>
      )}
      {step === 'totp_enrolment' && (
        <div>
          <Typography.Title level={5}>{t('identity.signIn.enrolTitle')}</Typography.Title>
          <Typography.Paragraph>{t('identity.signIn.enrolHint')}</Typography.Paragraph>
          {enrolment ? (
            <Form layout="vertical" onFinish={(v: { code: string }) => run(async () => advance((await identityApi.confirmTotp(v.code)).restriction))}>
              <Typography.Paragraph copyable={{ text: enrolment.secret }}>
                {t('identity.signIn.secret')}: <Typography.Text code data-testid="totp-secret">{enrolment.secret}</Typography.Text>
              </Typography.Paragraph>
              <Typography.Paragraph type="secondary" style={{ wordBreak: 'break-all', fontSize: 12 }}>
                {enrolment.uri}
              </Typography.Paragraph>
              <Form.Item name="code" label={t('identity.signIn.totpTitle')} rules={[{ required: true, pattern: /^\d{6}$/ }]}>
                <Input inputMode="numeric" maxLength={6} autoFocus />
              </Form.Item>
              <Button type="primary" htmlType="submit" loading={busy} block>
                {t('identity.signIn.enrol')}
              </Button>
            </Form>
          ) : (
            <Button type="primary" loading={busy} block onClick={() => void run(async () => setEnrolment(await identityApi.beginTotp()))}>
              {t('identity.signIn.enrol')}
            </Button>
          )}
        </div>
      )}
    </Card>
  );
}
