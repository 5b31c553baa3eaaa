import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { HOME } from '../app/navigation.ts';
import { navigate } from '../app/router.tsx';

export function NotFoundPage({ path }: { path: string }) {
  const { t } = useTranslation();
  return (
    <Result
      status="404"
      title={t('notFound.title')}
      subTitle={t('notFound.description', { path })}
      extra={
        <Button type="primary" onClick={() => navigate(HOME.path)}>
          {t('pending.backHome')}
        </Button>
      }
    />
  );
}
