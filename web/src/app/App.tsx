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
const ListsPage = lazy(() => import('../pages/ListsPage.tsx').then((m) => ({ default: m.ListsPage })));
const AggregationPage = lazy(() => import('../pages/AggregationPage.tsx').then((m) => ({ default: m.AggregationPage })));
const QualityPage = lazy(() => import('../pages/QualityPage.tsx').then((m) => ({ default: m.QualityPage })));
const PlatformStatusPage = lazy(() => import('../pages/PlatformStatusPage.tsx').then((m) => ({ default: m.PlatformStatusPage })));
const PeoplePage = lazy(() => import('../pages/PeoplePage.tsx').then((m) => ({ default: m.PeoplePage })));
const RolesPage = lazy(() => import('../pages/RolesPage.tsx').then((m) => ({ default: m.RolesPage })));
const ClientsPage = lazy(() => import('../pages/ClientsPage.tsx').then((m) => ({ default: m.ClientsPage })));
const OidcInteractionPage = lazy(() => import('../pages/OidcInteractionPage.tsx').then((m) => ({ default: m.OidcInteractionPage })));
const ApiKeysPage = lazy(() => import('../pages/ApiKeysPage.tsx').then((m) => ({ default: m.ApiKeysPage })));
const AuditPage = lazy(() => import('../pages/AuditPage.tsx').then((m) => ({ default: m.AuditPage })));
const SignInPage = lazy(() => import('../pages/SignInPage.tsx').then((m) => ({ default: m.SignInPage })));
const DevicesPage = lazy(() => import('../pages/DevicesPage.tsx').then((m) => ({ default: m.DevicesPage })));
const AlarmsPage = lazy(() => import('../pages/AlarmsPage.tsx').then((m) => ({ default: m.AlarmsPage })));
const EventsPage = lazy(() => import('../pages/EventsPage.tsx').then((m) => ({ default: m.EventsPage })));
const DispatchPage = lazy(() => import('../pages/DispatchPage.tsx').then((m) => ({ default: m.DispatchPage })));
const OneMapPage = lazy(() => import('../pages/OneMapPage.tsx').then((m) => ({ default: m.OneMapPage })));
const CitizenPortalPage = lazy(() => import('../pages/CitizenPortalPage.tsx').then((m) => ({ default: m.CitizenPortalPage })));
const NotificationsPage = lazy(() => import('../pages/NotificationsPage.tsx').then((m) => ({ default: m.NotificationsPage })));
const BigScreenPage = lazy(() => import('../pages/BigScreenPage.tsx').then((m) => ({ default: m.BigScreenPage })));

function PageFallback() {
  return <Spin size="large" style={{ display: 'block', margin: '120px auto' }} />;
}

function renderPage(page: NavPage) {
  switch (page.key) {
    case 'home':
      return <HomePage />;
    case 'status':
      return <PlatformStatusPage />;
    case 'notifications':
      return <NotificationsPage />;
    case 'people':
      return <PeoplePage />;
    case 'roles':
      return <RolesPage />;
    case 'apiKeys':
      return <ApiKeysPage />;
    case 'clients':
      return <ClientsPage />;
    case 'audit':
      return <AuditPage />;
    case 'signIn':
      return <SignInPage />;
    case 'catalog':
      return <CatalogPage />;
    case 'lists':
      return <ListsPage />;
    case 'aggregation':
      return <AggregationPage />;
    case 'quality':
      return <QualityPage />;
    case 'devices':
      return <DevicesPage />;
    case 'alarms':
      return <AlarmsPage />;
    case 'events':
      return <EventsPage />;
    case 'dispatch':
      return <DispatchPage />;
    case 'oneMap':
      return <OneMapPage />;
    case 'bigScreen':
      return <BigScreenPage />;
    case 'citizenPortal':
      return <CitizenPortalPage />;
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
  // The OpenID Connect provider's login and consent page (一号通行), outside the console shell.
  const interaction = /^\/oidc\/interaction\/([A-Za-z0-9_-]+)$/.exec(pathname);
  if (interaction?.[1]) {
    return (
      <ConfigProvider locale={language === 'en' ? enUS : zhCN} theme={{ token: { colorPrimary: '#1668dc' } }}>
        <AntApp>
          <Suspense fallback={<PageFallback />}>
            <OidcInteractionPage uid={interaction[1]} />
          </Suspense>
        </AntApp>
      </ConfigProvider>
    );
  }
  return (
    <ConfigProvider locale={language === 'en' ? enUS : zhCN} theme={{ token: { colorPrimary: '#1668dc' } }}>
      <AntApp>{page?.standalone ? content : <AppLayout page={page}>{content}</AppLayout>}</AntApp>
    </ConfigProvider>
  );
}
