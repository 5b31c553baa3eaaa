// 实时事件流 the live list: events with their latest state, alarms raised and cleared.
import { useTranslation } from 'react-i18next';
import { useLanguage } from '../../../app/i18n.ts';
import type { StreamItem } from '../hooks/use-screen-stream.ts';

const SEVERITY_COLOR: Record<string, string> = { urgent: '#ff4d4f', major: '#ff7a45', normal: '#ffc53d', critical: '#ff4d4f', minor: '#ffc53d', warning: '#ffc53d' };

export function LiveList({ items }: { items: readonly StreamItem[] }) {
  const { t } = useTranslation();
  const [language] = useLanguage();
  if (items.length === 0) return <div style={{ color: '#5c7390', padding: 12 }}>{t('screen.empty')}</div>;
  return (
    <ul data-testid="screen-stream" style={{ listStyle: 'none', margin: 0, padding: 0, overflow: 'hidden' }}>
      {items.map((item) => {
        const key = item.kind === 'event' ? `e${item.eventId}` : `a${item.alarmId}`;
        const stateText = item.kind === 'event'
          ? t(`events.state.${item.state as 'created'}`, { defaultValue: item.state })
          : item.status === 'cleared' ? t('screen.alarmCleared') : t('screen.alarmRaised');
        return (
          <li
            key={key}
            data-testid="screen-stream-item"
            data-kind={item.kind}
            data-id={item.kind === 'event' ? item.eventId : item.alarmId}
            data-state={item.kind === 'event' ? item.state : item.status}
            style={{ display: 'flex', gap: 8, alignItems: 'baseline', padding: '6px 4px', borderBottom: '1px solid #132a44', animation: 'ocb-screen-in 0.6s ease-out' }}
          >
            <span style={{ width: 8, height: 8, borderRadius: 4, flex: 'none', background: SEVERITY_COLOR[item.severity] ?? '#36cfc9' }} />
            <span style={{ flex: 1, minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', color: '#e6f4ff' }}>
              {item.kind === 'event' ? item.title : `${item.deviceName} · ${item.message}`}
            </span>
            <span data-testid="screen-stream-state" style={{ flex: 'none', fontSize: 12, color: item.kind === 'alarm' && item.status !== 'cleared' ? '#ff7875' : '#69c0ff' }}>
              {stateText}
            </span>
            <span style={{ flex: 'none', fontSize: 11, color: '#5c7390' }}>{new Date(item.at).toLocaleTimeString(language, { hour12: false })}</span>
          </li>
        );
      })}
    </ul>
  );
}
