// Loaded lazily with the page (ECharts): a score over time, 0–100.
import { theme } from 'antd';
import { LineChart, type LineSeriesOption } from 'echarts/charts';
import { GridComponent, TooltipComponent, type GridComponentOption, type TooltipComponentOption } from 'echarts/components';
import { init, use, type ComposeOption } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

use([LineChart, GridComponent, TooltipComponent, CanvasRenderer]);

type ChartOption = ComposeOption<LineSeriesOption | GridComponentOption | TooltipComponentOption>;

export function ScoreTrendChart({ points, height = 220 }: { points: Array<{ at: string; score: number }>; height?: number }) {
  const { token } = theme.useToken();
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const chart = init(element, undefined, { renderer: 'canvas' });
    const option: ChartOption = {
      animation: false,
      grid: { left: 40, right: 16, top: 16, bottom: 32 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'time' },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { color: token.colorTextSecondary } },
      series: [{ name: 'score', type: 'line', step: 'end', data: points.map((p) => [Date.parse(p.at), p.score]), showSymbol: points.length < 40, lineStyle: { color: token.colorPrimary, width: 2 }, itemStyle: { color: token.colorPrimary }, areaStyle: { color: token.colorPrimaryBg } }],
    };
    chart.setOption(option);
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [points, token]);

  return <div ref={container} style={{ height }} data-testid="score-trend" />;
}
