import { LogoutOutlined } from '@ant-design/icons';
import { Button, Space, Spin, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorResult } from '../../../app/ErrorResult.tsx';
import { identityApi, type Me } from '../api/identity.ts';
import { useSession } from '../hooks/use-session.ts';
import { SignInForm } from './SignInForm.tsx';

/** Shows the sign-in form until there is a complete session, then the page with the signed-in name. */
export function RequireSignIn({ children }: { children: (me: Me) => ReactNode }) {
  const { t } = useTranslation();
  const session = useSession();
  if (session.loading && !session.me) return <Spin size="large" style={{ display: 'block', margin: '120px auto' }} />;
  if (session.error) return <ErrorResult error={session.error} onRetry={session.reload} />;
  if (!session.me || session.me.restriction) return <SignInForm initialStep={session.me?.restriction ?? 'password'} onDone={session.reload} ssoReturn={window.location.pathname} />;
  const me = session.me;
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'flex-end', marginBottom: 12 }}>
        <Typography.Text type="secondary" data-testid="signed-in-as">
          {t('identity.signIn.signedInAs', { name: me.account.displayName })}
        </Typography.Text>
        <Button size="small" icon={<LogoutOutlined />} onClick={() => void identityApi.signOut().finally(session.reload)}>
          {t('identity.signIn.signOut')}
        </Button>
      </Space>
      {children(me)}
    </div>
  );
}
