// Loaded lazily: ECharts is only pulled in with the Home page's chart.
import { Segmented, theme } from 'antd';
import { BarChart, type BarSeriesOption } from 'echarts/charts';
import { GridComponent, TooltipComponent, type GridComponentOption, type TooltipComponentOption } from 'echarts/components';
import { init, use, type ComposeOption, type ECharts } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatCount } from '../../../app/format.ts';
import { useLanguage } from '../../../app/i18n.ts';
import { DISTRICT_METRICS, type DistrictMetric, type DistrictSummary } from '../api/city-api.ts';

use([BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

type ChartOption = ComposeOption<BarSeriesOption | GridComponentOption | TooltipComponentOption>;

/** A bar per district for the chosen figure, largest first. */
export function DistrictBarChart({ districts, height = 380 }: { districts: readonly DistrictSummary[]; height?: number }) {
  const { t } = useTranslation();
  const [language] = useLanguage();
  const { token } = theme.useToken();
  const [metric, setMetric] = useState<DistrictMetric>('population');
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const instance = init(element, undefined, { renderer: 'canvas' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const sorted = [...districts].sort((a, b) => b[metric] - a[metric]);
    const option: ChartOption = {
      grid: { left: 56, right: 16, top: 16, bottom: 32 },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        valueFormatter: (value) => formatCount(Number(value), language),
      },
      xAxis: { type: 'category', data: sorted.map((d) => d.name), axisLabel: { interval: 0, color: token.colorTextSecondary } },
      yAxis: {
        type: 'value',
        axisLabel: { color: token.colorTextSecondary, formatter: (value: number) => formatCount(value, language) },
        splitLine: { lineStyle: { color: token.colorBorderSecondary } },
      },
      series: [
        {
          type: 'bar',
          name: t(`kpi.${metric}`),
          data: sorted.map((d) => d[metric]),
          barMaxWidth: 36,
          itemStyle: { color: token.colorPrimary, borderRadius: [4, 4, 0, 0] },
        },
      ],
    };
    chart.current?.setOption(option, { notMerge: true });
  }, [districts, metric, language, t, token]);

  return (
    <div>
      <Segmented<DistrictMetric>
        aria-label={t('chart.metric')}
        value={metric}
        onChange={setMetric}
        options={DISTRICT_METRICS.map((value) => ({ value, label: t(`kpi.${value}`) }))}
        style={{ marginBottom: 12 }}
        data-testid="chart-metric"
      />
      <div ref={container} style={{ height, width: '100%' }} data-testid="district-chart" />
    </div>
  );
}
