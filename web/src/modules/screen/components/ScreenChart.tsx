// ECharts on the dark screen: the 24-hour / 7-day trend (lines) and the rankings (bars).
import { BarChart, LineChart, type BarSeriesOption, type LineSeriesOption } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, type GridComponentOption, type LegendComponentOption, type TooltipComponentOption } from 'echarts/components';
import { init, use, type ComposeOption, type ECharts } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export type ScreenChartOption = ComposeOption<BarSeriesOption | LineSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>;

const TEXT = '#9fb3c8';
const AXIS = { axisLine: { lineStyle: { color: '#27425f' } }, axisLabel: { color: TEXT, fontSize: 11 }, splitLine: { lineStyle: { color: '#132a44' } } };

export function trendOption(labels: string[], created: number[], closed: number[], names: { created: string; closed: string }): ScreenChartOption {
  return {
    grid: { left: 32, right: 12, top: 28, bottom: 22 },
    tooltip: { trigger: 'axis' },
    legend: { textStyle: { color: TEXT }, right: 0, top: 0, itemHeight: 8 },
    xAxis: { type: 'category', data: labels, ...AXIS },
    yAxis: { type: 'value', minInterval: 1, ...AXIS },
    series: [
      { name: names.created, type: 'line', smooth: true, data: created, areaStyle: { opacity: 0.18 }, color: '#36cfc9', symbol: 'none' },
      { name: names.closed, type: 'line', smooth: true, data: closed, color: '#ffc53d', symbol: 'none' },
    ],
  };
}

export function rankingOption(names: string[], values: number[], color: string): ScreenChartOption {
  return {
    grid: { left: 110, right: 28, top: 6, bottom: 6 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'value', minInterval: 1, ...AXIS, axisLabel: { show: false } },
    yAxis: { type: 'category', data: names, inverse: true, ...AXIS, axisLabel: { color: TEXT, fontSize: 11, width: 100, overflow: 'truncate' } },
    series: [{ type: 'bar', data: values, color, barMaxWidth: 12, label: { show: true, position: 'right', color: TEXT, fontSize: 11 } }],
  };
}

export function ScreenChart({ option, height, testId }: { option: ScreenChartOption; height: number; testId?: string }) {
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
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);
  return <div ref={container} style={{ height }} data-testid={testId} />;
}
