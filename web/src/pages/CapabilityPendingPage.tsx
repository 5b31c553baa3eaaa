import { ToolOutlined } from '@ant-design/icons';
import { Button, Result, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { HOME, type NavPage } from '../app/navigation.ts';
import { navigate } from '../app/router.tsx';

/** Says plainly that a capability is not built yet, naming its requirement IDs; shows no data. */
export function CapabilityPendingPage({ page }: { page: NavPage }) {
  const { t } = useTranslation();
  const name = t(`nav.${page.key}`);
  return (
    <Result
      icon={<ToolOutlined />}
      title={t('pending.title')}
      subTitle={t('pending.description', { name })}
      data-testid="capability-pending"
      style={page.standalone ? { paddingTop: '18vh' } : undefined}
      extra={
        <Space orientation="vertical" size="large" align="center">
          {page.requirements.length > 0 && (
            <Space wrap>
              <Typography.Text type="secondary">{t('pending.requirements')}</Typography.Text>
              {page.requirements.map((id) => (
                <Tag key={id} color="blue">
                  {id}
                </Tag>
              ))}
            </Space>
          )}
          {page.standalone && (
            <Button type="primary" onClick={() => navigate(HOME.path)}>
              {t('pending.backHome')}
            </Button>
          )}
        </Space>
      }
    />
  );
}
