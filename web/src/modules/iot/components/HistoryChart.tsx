// Loaded lazily (ECharts): one attribute over time — the average line and the min–max band.
import { theme } from 'antd';
import { LineChart, type LineSeriesOption } from 'echarts/charts';
import { GridComponent, TooltipComponent, type GridComponentOption, type TooltipComponentOption } from 'echarts/components';
import { init, use, type ComposeOption } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import type { History } from '../api/iot-api.ts';

use([LineChart, GridComponent, TooltipComponent, CanvasRenderer]);

type ChartOption = ComposeOption<LineSeriesOption | GridComponentOption | TooltipComponentOption>;

export function HistoryChart({ history, unit, height = 280 }: { history: History; unit: string; height?: number }) {
  const { token } = theme.useToken();
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const chart = init(element, undefined, { renderer: 'canvas' });
    const at = (p: History['points'][number]) => Date.parse(p.t);
    const option: ChartOption = {
      animation: false,
      grid: { left: 48, right: 16, top: 16, bottom: 32 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'time' },
      yAxis: { type: 'value', scale: true, name: unit, axisLabel: { color: token.colorTextSecondary } },
      series: [
        { name: 'min', type: 'line', data: history.points.map((p) => [at(p), p.min]), stack: 'band', lineStyle: { opacity: 0 }, symbol: 'none' },
        { name: 'max−min', type: 'line', data: history.points.map((p) => [at(p), p.max - p.min]), stack: 'band', lineStyle: { opacity: 0 }, areaStyle: { color: token.colorPrimaryBg }, symbol: 'none' },
        { name: 'avg', type: 'line', data: history.points.map((p) => [at(p), p.avg]), showSymbol: false, lineStyle: { color: token.colorPrimary, width: 2 } },
      ],
    };
    chart.setOption(option);
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [history, unit, token]);

  return <div ref={container} style={{ height }} data-testid="history-chart" />;
}
