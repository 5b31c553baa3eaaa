import { Badge, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../../app/format.ts';
import { useLanguage } from '../../../app/i18n.ts';
import type { Notification, NotificationKind } from '../api/notifications-api.ts';
import type { notificationsZhCN } from '../locales.ts';

const SEVERITY_COLOR = { info: 'blue', warning: 'orange', critical: 'red' } as const;

type KindKey = keyof typeof notificationsZhCN.kind;

/** A kind's key among the texts (`event.warned` → `event_warned`: dots separate i18n keys). */
export const kindKey = (kind: NotificationKind): KindKey => kind.replace('.', '_') as KindKey;

/** One notification: severity, kind, title in the current language, body, unit and time; unread ones carry a dot. */
export function NotificationItem({ n, compact = false }: { n: Notification; compact?: boolean }) {
  const { t } = useTranslation();
  const [language] = useLanguage();
  return (
    <Space orientation="vertical" size={2} style={{ width: '100%' }} data-testid="notification-item" data-id={n.id} data-read={n.readAt !== null}>
      <Space size={6} wrap>
        {n.readAt === null && <Badge status="processing" />}
        <Tag color={SEVERITY_COLOR[n.severity]} style={{ marginInlineEnd: 0 }}>{t(`notifications.severity.${n.severity}`)}</Tag>
        <Typography.Text type="secondary">{t(`notifications.kind.${kindKey(n.kind)}`)}</Typography.Text>
      </Space>
      <Typography.Text strong={n.readAt === null} ellipsis={compact ? { tooltip: true } : false} style={compact ? { maxWidth: 320 } : undefined}>
        {language === 'en' ? n.titleEn : n.titleZh}
      </Typography.Text>
      {n.body && !compact && <Typography.Text type="secondary">{n.body}</Typography.Text>}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {n.unitName ?? n.unitCode} · {formatDateTime(n.createdAt, language)}
      </Typography.Text>
    </Space>
  );
}
