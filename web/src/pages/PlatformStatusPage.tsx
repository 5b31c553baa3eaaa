import { LinkOutlined } from '@ant-design/icons';
import { Card, Col, Descriptions, Row, Skeleton, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ErrorResult } from '../app/ErrorResult.tsx';
import { formatDuration } from '../app/format.ts';
import { OPERATION_LINKS, type PlatformEngines } from '../modules/platform/api/platform-api.ts';
import { usePlatformInfo } from '../modules/platform/hooks/use-platform-info.ts';

const ENGINE_KEYS: readonly (keyof PlatformEngines)[] = ['database', 'bus', 'mqtt', 'cache'];

/** 平台状态 platform status: version, engines in use, uptime, and the operations endpoints. */
export function PlatformStatusPage() {
  const { t } = useTranslation();
  const { data: info, error, reload } = usePlatformInfo();
  const title = (
    <Typography.Title level={3} style={{ marginTop: 0 }}>
      {t('status.title')}
    </Typography.Title>
  );
  if (!info && error !== undefined) {
    return (
      <>
        {title}
        <ErrorResult error={error} onRetry={reload} />
      </>
    );
  }

  return (
    <>
      {title}
      {error !== undefined && <ErrorResult error={error} onRetry={reload} compact />}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card title={t('status.engines')} extra={<Typography.Text type="secondary">{t('status.refreshed')}</Typography.Text>}>
            {info ? (
              <Descriptions column={1} bordered size="middle">
                <Descriptions.Item label={t('status.name')}>{info.name}</Descriptions.Item>
                <Descriptions.Item label={t('status.version')}>
                  <span data-testid="platform-version">{info.version}</span>
                </Descriptions.Item>
                <Descriptions.Item label={t('status.uptime')}>
                  <span data-testid="platform-uptime">{formatDuration(info.uptimeSeconds, t)}</span>
                </Descriptions.Item>
                {ENGINE_KEYS.map((key) => (
                  <Descriptions.Item key={key} label={t(`engine.${key}`)}>
                    <Tag color="geekblue" data-testid={`engine-${key}`} data-engine={info.engines[key]}>
                      {t(`engineValue.${info.engines[key]}`)}
                    </Tag>
                  </Descriptions.Item>
                ))}
              </Descriptions>
            ) : (
              <Skeleton active paragraph={{ rows: 6 }} />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={t('status.links')}>
            <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
              {OPERATION_LINKS.map((link) => (
                <li key={link.key} style={{ display: 'flex', justifyContent: 'space-between', gap: 12, padding: '10px 0' }}>
                  <a href={link.href} target="_blank" rel="noreferrer">
                    <LinkOutlined /> {t(`link.${link.key}`)}
                  </a>
                  <Typography.Text type="secondary" code>
                    {link.href}
                  </Typography.Text>
                </li>
              ))}
            </ul>
          </Card>
        </Col>
      </Row>
    </>
  );
}
