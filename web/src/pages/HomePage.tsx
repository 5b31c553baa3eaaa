import { LoadingOutlined } from '@ant-design/icons';
import { Card, Col, Result, Row, Skeleton, Space, Typography } from 'antd';
import { Suspense, lazy } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorResult } from '../app/ErrorResult.tsx';
import { formatDateTime } from '../app/format.ts';
import { useLanguage } from '../app/i18n.ts';
import { isCityBuilding, type CitySummary } from '../modules/city/api/city-api.ts';
import { DistrictTable } from '../modules/city/components/DistrictTable.tsx';
import { KpiCards } from '../modules/city/components/KpiCards.tsx';
import { useCitySummary } from '../modules/city/hooks/use-city-summary.ts';
import { useDistrictBoundaries } from '../modules/city/hooks/use-district-boundaries.ts';

// ECharts and MapLibre are separate chunks, fetched after the figures are on screen.
const DistrictMap = lazy(() => import('../modules/city/components/DistrictMap.tsx').then((m) => ({ default: m.DistrictMap })));
const DistrictBarChart = lazy(() => import('../modules/city/components/DistrictBarChart.tsx').then((m) => ({ default: m.DistrictBarChart })));

const MAP_HEIGHT = 460;

function CityMapCard({ version }: { version: string }) {
  const { t } = useTranslation();
  const { data, error, reload } = useDistrictBoundaries(version);
  let body;
  if (error !== undefined) body = <ErrorResult error={error} onRetry={reload} compact />;
  else if (!data) body = <Skeleton.Node active style={{ width: '100%', height: MAP_HEIGHT }} />;
  else
    body = (
      <Suspense fallback={<Skeleton.Node active style={{ width: '100%', height: MAP_HEIGHT }} />}>
        <DistrictMap data={data} height={MAP_HEIGHT} />
      </Suspense>
    );
  return <Card title={t('map.title')}>{body}</Card>;
}

function CityFigures({ summary }: { summary: CitySummary }) {
  const { t } = useTranslation();
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <KpiCards summary={summary} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <CityMapCard version={summary.builtAt ?? ''} />
        </Col>
        <Col xs={24} xl={10}>
          <Card title={t('chart.title')} style={{ height: '100%' }}>
            <Suspense fallback={<Skeleton active paragraph={{ rows: 8 }} />}>
              <DistrictBarChart districts={summary.districts} height={MAP_HEIGHT - 24} />
            </Suspense>
          </Card>
        </Col>
      </Row>
      <Card title={t('district.title')}>
        <DistrictTable districts={summary.districts} />
      </Card>
    </Space>
  );
}

/** 首页 Home: the demo city's figures, map, chart and district table. */
export function HomePage() {
  const { t } = useTranslation();
  const [language] = useLanguage();
  const { data: summary, error, reload } = useCitySummary();

  let body;
  if (!summary && error !== undefined) body = <ErrorResult error={error} onRetry={reload} />;
  else if (!summary) body = <Skeleton active paragraph={{ rows: 10 }} />;
  else if (isCityBuilding(summary))
    body = (
      <Result
        icon={<LoadingOutlined />}
        title={t('home.buildingTitle')}
        subTitle={t('home.buildingDescription')}
        data-testid="city-building"
      />
    );
  else body = <CityFigures summary={summary} />;

  return (
    <>
      <Space align="baseline" wrap style={{ marginBottom: 16 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('home.title')}
        </Typography.Title>
        {summary && (
          <Typography.Text type="secondary" data-testid="city-name">
            {t('home.city', { name: summary.city.name, code: summary.city.code })}
          </Typography.Text>
        )}
        {summary?.builtAt && (
          <Typography.Text type="secondary">{t('home.builtAt', { time: formatDateTime(summary.builtAt, language) })}</Typography.Text>
        )}
      </Space>
      {summary && error !== undefined && <ErrorResult error={error} onRetry={reload} compact />}
      {body}
    </>
  );
}
