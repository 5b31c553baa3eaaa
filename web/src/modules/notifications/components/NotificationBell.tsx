import { BellOutlined } from '@ant-design/icons';
import { App, Badge, Button, Empty, List, Popover, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { navigate } from '../../../app/router.tsx';
import { markAllRead, markRead, type Notification } from '../api/notifications-api.ts';
import { useNotificationFeed } from '../hooks/use-notifications.ts';
import { NotificationItem } from './NotificationItem.tsx';

/** 消息中心 in the console header: the unread count, live, and the latest few; hidden while signed out. */
export function NotificationBell() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const feed = useNotificationFeed();
  const [open, setOpen] = useState(false);
  if (!feed.available) return null;

  const openOne = (n: Notification) => {
    setOpen(false);
    if (n.readAt === null) void markRead(n.id).then(() => feed.markedRead([n.id]), () => undefined);
    navigate(n.link);
  };
  const readAll = () => {
    void markAllRead().then(
      (r) => {
        feed.markedRead('all');
        void message.success(t('notifications.markedAll', { n: r.marked }));
      },
      () => undefined,
    );
  };

  const content = (
    <div style={{ width: 360 }} data-testid="notification-dropdown">
      {feed.latest.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notifications.empty')} />
      ) : (
        <List
          size="small"
          dataSource={feed.latest}
          renderItem={(n) => (
            <List.Item style={{ cursor: 'pointer', paddingInline: 4 }} onClick={() => openOne(n)}>
              <NotificationItem n={n} compact />
            </List.Item>
          )}
        />
      )}
      <Space style={{ width: '100%', justifyContent: 'space-between', marginTop: 8 }}>
        <Button size="small" type="link" onClick={() => { setOpen(false); navigate('/console/notifications'); }}>
          {t('notifications.viewAll')}
        </Button>
        <Button size="small" disabled={feed.unread === 0} onClick={readAll}>
          {t('notifications.markAllRead')}
        </Button>
      </Space>
    </div>
  );

  return (
    <Popover trigger="click" placement="bottomRight" open={open} onOpenChange={setOpen} title={<Typography.Text strong>{t('notifications.latest')}</Typography.Text>} content={content}>
      <span data-testid="notification-count" data-count={feed.unread}>
        <Badge count={feed.unread} size="small" overflowCount={99}>
          <Button type="text" shape="circle" icon={<BellOutlined />} aria-label={t('notifications.bell')} data-testid="notification-bell" />
        </Badge>
      </span>
    </Popover>
  );
}
