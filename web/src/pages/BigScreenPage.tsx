// /screen 大屏: a full-screen dark city operations screen. The map in the middle, KPI tiles, trends
// and rankings in ECharts, and the live event stream — all updated by the server's event stream
// (no polling). Needs a signed-in account: without one it goes to the console's sign-in page and
// comes back here. Every figure is of the viewer's scope (城市/区县 两级大屏): the header says which.
import { Button, Spin } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLanguage } from '../app/i18n.ts';
import { useSession } from '../modules/identity/hooks/use-session.ts';
import type { MapLayer } from '../modules/map/api/map-api.ts';
import { useLayers } from '../modules/map/hooks/use-layers.ts';
import { LiveList } from '../modules/screen/components/LiveList.tsx';
import { rankingOption, ScreenChart, trendOption } from '../modules/screen/components/ScreenChart.tsx';
import { ScreenMap, type ScreenMapHandle } from '../modules/screen/components/ScreenMap.tsx';
import type { Kpis } from '../modules/screen/api/screen-api.ts';
import { signInUrl, useScreenStream } from '../modules/screen/hooks/use-screen-stream.ts';

const MAP_LAYERS = ['districts', 'events-heat', 'events-open', 'alarms'];
const PANEL = { background: 'rgba(8, 28, 52, 0.82)', border: '1px solid #1d3b5e', borderRadius: 6, padding: '8px 12px' } as const;
const KPI_KEYS = ['eventsToday', 'open', 'overdue', 'onTimeRate', 'devicesOnline', 'activeAlarms'] as const;

function kpiText(k: Kpis, key: (typeof KPI_KEYS)[number], language: string): string {
  if (key === 'onTimeRate') return k.onTimeRate === null ? '—' : `${(k.onTimeRate * 100).toFixed(1)}%`;
  if (key === 'devicesOnline') return `${k.devicesOnline.toLocaleString(language)}/${k.devicesTotal.toLocaleString(language)}`;
  return k[key].toLocaleString(language);
}

function Panel({ title, children, style }: { title: string; children: React.ReactNode; style?: React.CSSProperties }) {
  return (
    <section style={{ ...PANEL, ...style }}>
      <h3 style={{ margin: '0 0 6px', fontSize: 14, fontWeight: 600, color: '#69c0ff', letterSpacing: 1 }}>{title}</h3>
      {children}
    </section>
  );
}

/** 部门排行 units by events over 30 days, each with its on-time rate (按时办结率). */
function DepartmentRanking({ departments }: { departments: Kpis['departments'] }) {
  const { t } = useTranslation();
  const max = Math.max(1, ...departments.map((d) => d.total));
  return (
    <table data-testid="screen-departments" style={{ width: '100%', fontSize: 12, borderCollapse: 'collapse' }}>
      <thead>
        <tr style={{ color: '#7f9cbf' }}>
          <th style={{ textAlign: 'left', fontWeight: 400 }}>{t('screen.unit')}</th>
          <th style={{ textAlign: 'right', fontWeight: 400, width: 110 }}>{t('screen.events')}</th>
          <th style={{ textAlign: 'right', fontWeight: 400, width: 70 }}>{t('screen.onTime')}</th>
        </tr>
      </thead>
      <tbody>
        {departments.slice(0, 7).map((d) => (
          <tr key={d.code} data-testid="screen-department" data-code={d.code}>
            <td style={{ padding: '2px 0', whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis', maxWidth: 140 }}>{d.name}</td>
            <td style={{ textAlign: 'right' }}>
              <span style={{ display: 'inline-block', height: 6, width: `${Math.round((d.total / max) * 60)}px`, background: '#597ef7', marginRight: 6, verticalAlign: 'middle' }} />
              {d.total}
            </td>
            <td data-testid="screen-department-rate" style={{ textAlign: 'right', fontVariantNumeric: 'tabular-nums', color: d.onTimeRate === null ? '#7f9cbf' : d.onTimeRate >= 0.9 ? '#52c41a' : d.onTimeRate >= 0.7 ? '#faad14' : '#ff7875' }}>
              {d.onTimeRate === null ? '—' : `${(d.onTimeRate * 100).toFixed(0)}%`}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** 数据范围 which part of the city the screen shows: 全市, or the district / department of the viewer's grant. */
function ScopeBadge({ scope }: { scope: Kpis['scope'] | undefined }) {
  const { t } = useTranslation();
  if (!scope) return null;
  const text = scope.all ? t('screen.scope.city') : `${t(`screen.scope.${scope.level}`)} · ${scope.units.map((u) => u.name).join('、')}`;
  return (
    <span data-testid="screen-scope" data-all={scope.all ? 'true' : 'false'} data-units={scope.units.map((u) => u.code).join(',')} title={t('screen.scopeTitle')}
      style={{ border: '1px solid #1668dc', borderRadius: 4, padding: '1px 8px', color: '#91caff', whiteSpace: 'nowrap' }}>
      {text}
    </span>
  );
}

function Clock() {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(timer);
  }, []);
  return <span style={{ fontVariantNumeric: 'tabular-nums' }}>{now.toLocaleString('zh-CN', { hour12: false })}</span>;
}

function Screen() {
  const { t } = useTranslation();
  const [language, setLanguage] = useLanguage();
  const map = useRef<ScreenMapHandle>(null);
  const { kpis, items, connected } = useScreenStream((item) => map.current?.show(item));
  const catalogue = useLayers({ group: undefined, limit: 100, offset: 0 });
  const layers = useMemo(
    () => MAP_LAYERS.map((id) => catalogue.data?.items.find((l) => l.id === id)).filter((l): l is MapLayer => l !== undefined),
    [catalogue.data],
  );
  const hours = kpis?.trendHours ?? [];
  const days = kpis?.trendDays ?? [];
  const names = { created: t('screen.created'), closed: t('screen.closed') };

  return (
    <div data-testid="big-screen" style={{ position: 'fixed', inset: 0, background: 'radial-gradient(ellipse at center, #0a2142 0%, #020b1a 75%)', color: '#d6e4ff', display: 'grid', gridTemplateRows: '64px 1fr', fontFamily: 'system-ui, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif' }}>
      <style>{'@keyframes ocb-screen-in { from { background: rgba(54, 207, 201, 0.35); } to { background: transparent; } }'}</style>
      <header style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', padding: '0 20px', borderBottom: '1px solid #1d3b5e' }}>
        <div style={{ display: 'flex', gap: 12, alignItems: 'center', fontSize: 12, color: '#7f9cbf' }}>
          {t('screen.subtitle')}
          <ScopeBadge scope={kpis?.scope} />
        </div>
        <h1 style={{ margin: 0, fontSize: 26, letterSpacing: 4, color: '#e6f4ff', textShadow: '0 0 12px #1668dc' }}>
          {kpis && !kpis.scope.all ? `${kpis.scope.units.map((u) => u.name).join('、')} · ` : ''}{t('screen.title')}
        </h1>
        <div style={{ display: 'flex', gap: 12, alignItems: 'center', fontSize: 13 }}>
          <span data-testid="screen-status" data-connected={connected ? 'true' : 'false'} style={{ color: connected ? '#52c41a' : '#faad14' }}>
            ● {connected ? t('screen.live') : t('screen.reconnecting')}
          </span>
          <Clock />
          <Button size="small" ghost onClick={() => setLanguage(language === 'en' ? 'zh-CN' : 'en')}>{language === 'en' ? '中文' : 'EN'}</Button>
        </div>
      </header>
      <main style={{ display: 'grid', gridTemplateColumns: '24% 1fr 26%', gap: 12, padding: 12, minHeight: 0 }}>
        <div style={{ display: 'flex', flexDirection: 'column', gap: 12, minHeight: 0 }}>
          <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 8 }}>
            {KPI_KEYS.map((key) => (
              <div key={key} style={{ ...PANEL, textAlign: 'center' }}>
                <div style={{ fontSize: 12, color: '#7f9cbf' }}>{t(`screen.kpi.${key}`)}</div>
                <div data-testid={`screen-kpi-${key}`} style={{ fontSize: 26, fontWeight: 700, color: key === 'overdue' || key === 'activeAlarms' ? '#ff7875' : '#36cfc9', fontVariantNumeric: 'tabular-nums' }}>
                  {kpis ? kpiText(kpis, key, language) : '—'}
                </div>
              </div>
            ))}
          </div>
          <Panel title={t('screen.trendHours')}>
            <ScreenChart testId="screen-trend-hours" height={170} option={trendOption(hours.map((p) => new Date(p.at).getHours().toString().padStart(2, '0')), hours.map((p) => p.created), hours.map((p) => p.closed), names)} />
          </Panel>
          <Panel title={t('screen.trendDays')} style={{ flex: 1 }}>
            <ScreenChart testId="screen-trend-days" height={170} option={trendOption(days.map((p) => p.at.slice(5)), days.map((p) => p.created), days.map((p) => p.closed), names)} />
          </Panel>
        </div>
        <div style={{ ...PANEL, position: 'relative', padding: 0, overflow: 'hidden' }}>
          {layers.length > 0 ? <ScreenMap ref={map} layers={layers} focus={kpis?.scope.level === 'district' && kpis.scope.units.length === 1 ? kpis.scope.units[0]?.code : undefined} /> : <Spin style={{ margin: '30% auto', display: 'block' }} />}
        </div>
        <div style={{ display: 'flex', flexDirection: 'column', gap: 12, minHeight: 0 }}>
          <Panel title={kpis?.areaLevel === 'town' ? t('screen.towns') : t('screen.districts')}>
            <ScreenChart testId="screen-districts" height={200} option={rankingOption((kpis?.districts ?? []).map((d) => d.name), (kpis?.districts ?? []).map((d) => d.open), '#36cfc9')} />
          </Panel>
          <Panel title={t('screen.departments')}>
            <DepartmentRanking departments={kpis?.departments ?? []} />
          </Panel>
          <Panel title={t('screen.stream')} style={{ flex: 1, minHeight: 0, overflow: 'hidden' }}>
            <LiveList items={items} />
          </Panel>
        </div>
      </main>
    </div>
  );
}

/** 大屏 the big screen (standalone, outside the console layout). */
export function BigScreenPage() {
  const session = useSession();
  useEffect(() => {
    if (session.signedOut || session.me?.restriction) window.location.assign(signInUrl());
  }, [session.signedOut, session.me]);
  if (!session.me || session.me.restriction) return <div style={{ position: 'fixed', inset: 0, background: '#020b1a' }}><Spin size="large" style={{ display: 'block', margin: '30vh auto' }} /></div>;
  return <Screen />;
}
