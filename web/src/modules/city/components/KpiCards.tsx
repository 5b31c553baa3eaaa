import { ApartmentOutlined, BankOutlined, BorderInnerOutlined, TeamOutlined } from '@ant-design/icons';
import { Card, Col, Row, Statistic } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatCount } from '../../../app/format.ts';
import { useLanguage } from '../../../app/i18n.ts';
import { DISTRICT_METRICS, type CitySummary, type DistrictMetric } from '../api/city-api.ts';

const ICONS: Record<DistrictMetric, ReactNode> = {
  population: <TeamOutlined />,
  households: <ApartmentOutlined />,
  enterprises: <BankOutlined />,
  grids: <BorderInnerOutlined />,
};

/** The city's four headline figures: 人口, 户数, 企业, 网格. */
export function KpiCards({ summary }: { summary: CitySummary }) {
  const { t } = useTranslation();
  const [language] = useLanguage();
  return (
    <Row gutter={[16, 16]}>
      {DISTRICT_METRICS.map((metric) => (
        <Col key={metric} xs={24} sm={12} lg={6}>
          <Card>
            <Statistic
              title={
                <>
                  {ICONS[metric]} {t(`kpi.${metric}`)}
                </>
              }
              value={summary[metric]}
              suffix={t(`kpi.${metric}Unit`)}
              formatter={(value) => <span data-testid={`kpi-${metric}`}>{formatCount(Number(value), language)}</span>}
            />
          </Card>
        </Col>
      ))}
    </Row>
  );
}
