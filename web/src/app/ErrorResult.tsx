import { Alert, Button, Descriptions, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError } from './api.ts';

interface ErrorResultProps {
  error: unknown;
  onRetry?: () => void;
  /** An inline Alert instead of a full-page Result (inside a card). */
  compact?: boolean;
}

/** Shows a failed request with the problem+json fields the platform answered. */
export function ErrorResult({ error, onRetry, compact = false }: ErrorResultProps) {
  const { t } = useTranslation();
  const api = error instanceof ApiError ? error : undefined;
  const message = api?.status === 0 ? t('error.network') : (api?.detail ?? api?.title ?? String(error));
  const retry = onRetry ? (
    <Button type="primary" onClick={onRetry}>
      {t('error.retry')}
    </Button>
  ) : undefined;
  const details = api && api.status !== 0 && (
    <Descriptions size="small" column={1} style={{ maxWidth: 480, margin: '0 auto', textAlign: 'left' }}>
      <Descriptions.Item label={t('error.status')}>{`${api.status} ${api.title}`}</Descriptions.Item>
      {api.code && <Descriptions.Item label={t('error.code')}>{api.code}</Descriptions.Item>}
      {api.requestId && <Descriptions.Item label={t('error.requestId')}>{api.requestId}</Descriptions.Item>}
    </Descriptions>
  );
  if (compact) {
    return <Alert type="error" showIcon title={t('error.title')} description={<>{message}{details}</>} action={retry} />;
  }
  return (
    <Result status="error" title={t('error.title')} subTitle={message} extra={retry} data-testid="error-result">
      {details}
    </Result>
  );
}
