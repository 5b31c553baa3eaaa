import { App, Button, Card, List, Segmented, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorResult } from '../app/ErrorResult.tsx';
import { navigate } from '../app/router.tsx';
import { RequireSignIn } from '../modules/identity/components/RequireSignIn.tsx';
import { markAllRead, markRead, NOTIFICATION_KINDS, type Notification, type NotificationKind } from '../modules/notifications/api/notifications-api.ts';
import { kindKey, NotificationItem } from '../modules/notifications/components/NotificationItem.tsx';
import { announceChange, useNotificationList } from '../modules/notifications/hooks/use-notifications.ts';

const PAGE_SIZE = 20;

/** 消息中心: the caller's notifications, newest first, by read state and kind; 全部已读 marks them all. */
function NotificationsInbox() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [show, setShow] = useState<'all' | 'unread'>('all');
  const [kind, setKind] = useState<NotificationKind>();
  const [page, setPage] = useState(1);
  const { data, error, loading, reload } = useNotificationList({ ...(show === 'unread' ? { unread: true } : {}), ...(kind ? { kind } : {}), limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });

  const read = async (n: Notification) => {
    if (n.readAt === null) {
      await markRead(n.id);
      announceChange('user');
    }
  };
  const open = (n: Notification) => {
    void read(n).catch(() => undefined);
    navigate(n.link);
  };
  const readAll = () => {
    markAllRead().then(
      (r) => {
        announceChange('user');
        void message.success(t('notifications.markedAll', { n: r.marked }));
      },
      () => undefined,
    );
  };

  if (error !== undefined && !data) return <ErrorResult error={error} onRetry={reload} />;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <div>
        <Typography.Title level={3} style={{ margin: 0 }}>{t('notifications.title')}</Typography.Title>
        <Typography.Text type="secondary">{t('notifications.subtitle')}</Typography.Text>
      </div>
      <Card>
        <Space wrap style={{ marginBottom: 12 }}>
          <Segmented<'all' | 'unread'>
            value={show}
            onChange={(v) => { setShow(v); setPage(1); }}
            options={[{ value: 'all', label: t('notifications.all') }, { value: 'unread', label: t('notifications.unreadOnly') }]}
            data-testid="notification-filter-read"
          />
          <Select<NotificationKind>
            allowClear
            placeholder={t('notifications.allKinds')}
            style={{ width: 200 }}
            value={kind}
            onChange={(v) => { setKind(v); setPage(1); }}
            options={NOTIFICATION_KINDS.map((k) => ({ value: k, label: t(`notifications.kind.${kindKey(k)}`) }))}
            data-testid="notification-filter-kind"
          />
          <Button onClick={readAll} disabled={!data || data.unread === 0} data-testid="notification-read-all">{t('notifications.markAllRead')}</Button>
          <Typography.Text type="secondary">{t('notifications.total', { total: data?.total ?? 0, unread: data?.unread ?? 0 })}</Typography.Text>
        </Space>
        <List
          loading={loading && !data}
          dataSource={data?.items ?? []}
          locale={{ emptyText: t('notifications.empty') }}
          pagination={{ current: page, pageSize: PAGE_SIZE, total: data?.total ?? 0, onChange: setPage, showSizeChanger: false, hideOnSinglePage: true }}
          renderItem={(n) => (
            <List.Item
              style={{ cursor: 'pointer' }}
              onClick={() => open(n)}
              actions={n.readAt === null ? [
                <Button key="read" size="small" type="link" onClick={(e) => { e.stopPropagation(); void read(n).catch(() => undefined); }}>{t('notifications.markRead')}</Button>,
              ] : []}
              data-testid="notification-row"
            >
              <NotificationItem n={n} />
            </List.Item>
          )}
          data-testid="notification-list"
        />
      </Card>
    </Space>
  );
}

/** Signed-in staff: the notifications of their units. */
export function NotificationsPage() {
  return <RequireSignIn>{() => <NotificationsInbox />}</RequireSignIn>;
}
