// 消息中心: the notifications module's HTTP API (/api/notifications); new ones arrive over /api/notifications/stream (SSE).
import { fetchJson } from '../../../app/api.ts';

export const NOTIFICATION_KINDS = [
  'event.dispatched', 'event.reassigned', 'event.reopened', 'event.joined', 'event.rejected', 'event.returned', 'event.reported', 'event.warned', 'event.escalated',
  'quality.ticket', 'iot.alarm',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
export type NotificationSeverity = 'info' | 'warning' | 'critical';

export interface Notification {
  id: number;
  unitCode: string;
  unitName: string | null;
  accountId: string | null;
  kind: NotificationKind;
  severity: NotificationSeverity;
  titleZh: string;
  titleEn: string;
  body: string;
  link: string;
  subjectRef: string;
  sourceEventId: string;
  createdAt: string;
  readAt: string | null;
}

export interface NotificationList {
  total: number;
  unread: number;
  items: Notification[];
}

export interface NotificationFilter {
  unread?: boolean;
  kind?: NotificationKind;
  limit: number;
  offset: number;
}

export const STREAM_URL = '/api/notifications/stream';

export function fetchNotifications(f: NotificationFilter, signal?: AbortSignal): Promise<NotificationList> {
  const params = new URLSearchParams({ limit: String(f.limit), offset: String(f.offset) });
  if (f.unread) params.set('unread', 'true');
  if (f.kind) params.set('kind', f.kind);
  return fetchJson(`/api/notifications?${params.toString()}`, { signal });
}

export const fetchUnreadCount = (signal?: AbortSignal): Promise<{ unread: number }> => fetchJson('/api/notifications/unread-count', { signal });
export const markRead = (id: number): Promise<Notification> => fetchJson(`/api/notifications/${id}/read`, { method: 'POST' });
export const markAllRead = (): Promise<{ marked: number }> => fetchJson('/api/notifications/read-all', { method: 'POST' });
