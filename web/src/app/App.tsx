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
const PlatformStatusPage = lazy(() => import('../pages/PlatformStatusPage.tsx').then((m) => ({ default: m.PlatformStatusPage })));

function PageFallback() {
  return <Spin size="large" style={{ display: 'block', margin: '120px auto' }} />;
}

function renderPage(page: NavPage) {
  switch (page.key) {
    case 'home':
      return <HomePage />;
    case 'status':
      return <PlatformStatusPage />;
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
