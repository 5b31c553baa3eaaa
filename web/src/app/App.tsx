import { ConfigProvider, App as AntApp, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { Suspense, lazy, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { CapabilityPendingPage } from '../pages/CapabilityPendingPage.tsx';
import { NotFoundPage } from '../pages/NotFoundPage.tsx';
import { AppLayout } from './AppLayout.tsx';
import { useLanguage } from './i18n.ts';
import { findPage, type NavPage } from './navigation.ts';
import { usePathname } from './router.tsx';

// Pages with charts and maps load on demand so the first load stays small.
const HomePage = lazy(() => import('../pages/HomePage.tsx').then((m) => ({ default: m.HomePage })));
const CatalogPage = lazy(() => import('../pages/CatalogPage.tsx').then((m) => ({ default: m.CatalogPage })));
const AggregationPage = lazy(() => import('../pages/AggregationPage.tsx').then((m) => ({ default: m.AggregationPage })));
const PlatformStatusPage = lazy(() => import('../pages/PlatformStatusPage.tsx').then((m) => ({ default: m.PlatformStatusPage })));
const PeoplePage = lazy(() => import('../pages/PeoplePage.tsx').then((m) => ({ default: m.PeoplePage })));
const RolesPage = lazy(() => import('../pages/RolesPage.tsx').then((m) => ({ default: m.RolesPage })));
const ApiKeysPage = lazy(() => import('../pages/ApiKeysPage.tsx').then((m) => ({ default: m.ApiKeysPage })));
const AuditPage = lazy(() => import('../pages/AuditPage.tsx').then((m) => ({ default: m.AuditPage })));
const SignInPage = lazy(() => import('../pages/SignInPage.tsx').then((m) => ({ default: m.SignInPage })));
const DevicesPage = lazy(() => import('../pages/DevicesPage.tsx').then((m) => ({ default: m.DevicesPage })));
const AlarmsPage = lazy(() => import('../pages/AlarmsPage.tsx').then((m) => ({ default: m.AlarmsPage })));
const EventsPage = lazy(() => import('../pages/EventsPage.tsx').then((m) => ({ default: m.EventsPage })));
const DispatchPage = lazy(() => import('../pages/DispatchPage.tsx').then((m) => ({ default: m.DispatchPage })));

function PageFallback() {
  return <Spin size="large" style={{ display: 'block', margin: '120px auto' }} />;
}

function renderPage(page: NavPage) {
  switch (page.key) {
    case 'home':
      return <HomePage />;
    case 'status':
      return <PlatformStatusPage />;
    case 'people':
      return <PeoplePage />;
    case 'roles':
      return <RolesPage />;
    case 'apiKeys':
      return <ApiKeysPage />;
    case 'audit':
      return <AuditPage />;
    case 'signIn':
      return <SignInPage />;
    case 'catalog':
      return <CatalogPage />;
    case 'aggregation':
      return <AggregationPage />;
    case 'devices':
      return <DevicesPage />;
    case 'alarms':
      return <AlarmsPage />;
    case 'events':
      return <EventsPage />;
    case 'dispatch':
      return <DispatchPage />;
    default:
      return <CapabilityPendingPage page={page} />;
  }
}

/** The console: antd locale follows the language; standalone pages render without the shell. */
export function App() {
  const { t } = useTranslation();
  const [language] = useLanguage();
  const pathname = usePathname();
  const page = findPage(pathname);
  const pageTitle = page && page.key !== 'home' ? t(`nav.${page.key}`) : undefined;
  useEffect(() => {
    document.title = pageTitle ? `${pageTitle} · ${t('app.title')}` : t('app.title');
  }, [pageTitle, t]);
  const content = <Suspense fallback={<PageFallback />}>{page ? renderPage(page) : <NotFoundPage path={pathname} />}</Suspense>;
  return (
    <ConfigProvider locale={language === 'en' ? enUS : zhCN} theme={{ token: { colorPrimary: '#1668dc' } }}>
      <AntApp>{page?.standalone ? content : <AppLayout page={page}>{content}</AppLayout>}</AntApp>
    </ConfigProvider>
  );
}
