import {
  ApiOutlined,
  BellOutlined,
  CustomerServiceOutlined,
  DatabaseOutlined,
  DeploymentUnitOutlined,
  HomeOutlined,
  IdcardOutlined,
  SettingOutlined,
  SolutionOutlined,
} from '@ant-design/icons';
import { Grid, Layout, Menu, Segmented, Space, Typography, theme, type MenuProps } from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { NotificationBell } from '../modules/notifications/components/NotificationBell.tsx';
import { LANGUAGES, useLanguage, type Language } from './i18n.ts';
import { NAVIGATION, findGroup, isGroup, type GroupKey, type NavPage, type PageKey } from './navigation.ts';
import { navigate } from './router.tsx';

const { Header, Sider, Content } = Layout;

const ICONS: Partial<Record<PageKey | GroupKey, ReactNode>> = {
  home: <HomeOutlined />,
  notifications: <BellOutlined />,
  dataPlatform: <DatabaseOutlined />,
  identity: <IdcardOutlined />,
  iot: <ApiOutlined />,
  cityBrain: <DeploymentUnitOutlined />,
  hotline: <CustomerServiceOutlined />,
  services: <SolutionOutlined />,
  system: <SettingOutlined />,
};

const LANGUAGE_LABELS: Record<Language, string> = { 'zh-CN': '中文', en: 'English' };

interface AppLayoutProps {
  page: NavPage | undefined;
  children: ReactNode;
}

/** The console shell: Sider navigation, a Header with the language switch, and the page. */
export function AppLayout({ page, children }: AppLayoutProps) {
  const { t } = useTranslation();
  const [language, setLanguage] = useLanguage();
  const { token } = theme.useToken();
  const screens = Grid.useBreakpoint();
  const narrow = screens.md === false;
  const [collapsed, setCollapsed] = useState(false);
  const [openKeys, setOpenKeys] = useState<string[]>(() => {
    const group = page && findGroup(page.key);
    return group ? [group] : [];
  });

  const pathByKey = new Map<string, string>();
  const items: MenuProps['items'] = NAVIGATION.map((entry) => {
    if (isGroup(entry)) {
      return {
        key: entry.key,
        icon: ICONS[entry.key],
        label: t(`navGroup.${entry.key}`),
        children: entry.pages.map((p) => {
          pathByKey.set(p.key, p.path);
          return { key: p.key, label: t(`nav.${p.key}`) };
        }),
      };
    }
    pathByKey.set(entry.key, entry.path);
    return { key: entry.key, icon: ICONS[entry.key], label: t(`nav.${entry.key}`) };
  });

  return (
    // The outer background matches the Sider so it reaches the bottom of a long page.
    <Layout hasSider style={{ minHeight: '100vh', background: '#001529' }}>
      <Sider
        collapsible
        collapsed={collapsed}
        onCollapse={setCollapsed}
        breakpoint="lg"
        width={232}
        // On phones the collapsed navigation hides completely behind its trigger tab.
        collapsedWidth={narrow ? 0 : 80}
        // On phones the open navigation overlays the page instead of squeezing it.
        style={{ position: narrow ? 'fixed' : 'sticky', top: 0, left: 0, zIndex: 20, height: '100vh', overflow: narrow ? 'visible' : 'auto' }}
        data-testid="sider"
      >
        <div style={{ display: 'flex', alignItems: 'center', gap: 10, height: 64, padding: collapsed ? '0 24px' : '0 20px' }}>
          <img src="/favicon.svg" alt="" width={28} height={28} />
          {!collapsed && (
            <Typography.Text strong style={{ color: '#fff', fontSize: 16, whiteSpace: 'nowrap' }}>
              {t('app.title')}
            </Typography.Text>
          )}
        </div>
        <Menu
          theme="dark"
          mode="inline"
          items={items}
          selectedKeys={page ? [page.key] : []}
          openKeys={collapsed ? undefined : openKeys}
          onOpenChange={setOpenKeys}
          onClick={({ key }) => {
            const path = pathByKey.get(key);
            if (path) navigate(path);
            if (narrow) setCollapsed(true);
          }}
          data-testid="navigation"
        />
      </Sider>
      <Layout>
        <Header
          style={{
            position: 'sticky',
            top: 0,
            zIndex: 10,
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'space-between',
            gap: 16,
            padding: narrow ? '0 12px' : '0 24px',
            background: token.colorBgContainer,
            borderBottom: `1px solid ${token.colorBorderSecondary}`,
          }}
        >
          <Typography.Text type="secondary" ellipsis>
            {t('app.subtitle')}
          </Typography.Text>
          <Space>
            <NotificationBell />
            {!narrow && <Typography.Text type="secondary">{t('app.language')}</Typography.Text>}
            <Segmented<Language>
              value={language}
              onChange={setLanguage}
              options={LANGUAGES.map((value) => ({ value, label: LANGUAGE_LABELS[value] }))}
              data-testid="language-switch"
            />
          </Space>
        </Header>
        {/* On phones the navigation's trigger tab sits at the top left of the content. */}
        <Content style={{ padding: narrow ? '52px 12px 12px' : 24 }}>{children}</Content>
      </Layout>
    </Layout>
  );
}
