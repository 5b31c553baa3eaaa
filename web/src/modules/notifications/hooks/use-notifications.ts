// The caller's notifications: the bell's live feed (unread count and the latest few, kept current by
// the server-sent event stream) and the page's filtered list. The two hear of each other's changes
// (a new notification, a read mark) through `announceChange`.
import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../../../app/api.ts';
import { useResource, type Resource } from '../../../app/use-resource.ts';
import { fetchNotifications, fetchUnreadCount, STREAM_URL, type Notification, type NotificationFilter, type NotificationList } from '../api/notifications-api.ts';

type ChangeSource = 'stream' | 'user';
const listeners = new Set<(source: ChangeSource) => void>();

/** Tell the bell and the page that notifications changed: new ones arrived (`stream`) or some were read (`user`). */
export function announceChange(source: ChangeSource): void {
  for (const l of listeners) l(source);
}

function useChanges(onChange: (source: ChangeSource) => void): void {
  const ref = useRef(onChange);
  ref.current = onChange;
  useEffect(() => {
    const l = (s: ChangeSource) => ref.current(s);
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);
}

/** The page's list, reloaded when anything changes. */
export function useNotificationList(filter: NotificationFilter): Resource<NotificationList> {
  const r = useResource((signal) => fetchNotifications(filter, signal), { key: `notifications-${JSON.stringify(filter)}` });
  useChanges(() => r.reload());
  return r;
}

const LATEST = 6;

export interface NotificationFeed {
  /** False while signed out or without the permission: the bell is not shown. */
  available: boolean;
  unread: number;
  latest: Notification[];
  /** Apply a read mark made here. */
  markedRead(ids: number[] | 'all'): void;
}

/**
 * The bell's feed. It opens the stream once the caller may read notifications, and looks again
 * after the page talks to /api/identity (a sign-in or sign-out on the page), so it needs no polling.
 */
export function useNotificationFeed(): NotificationFeed {
  const [available, setAvailable] = useState(false);
  const [unread, setUnread] = useState(0);
  const [latest, setLatest] = useState<Notification[]>([]);

  const refresh = useRef<() => void>(() => undefined);

  useEffect(() => {
    let closed = false;
    let source: EventSource | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const seen = new Set<number>();

    const loadLatest = async () => {
      const page = await fetchNotifications({ limit: LATEST, offset: 0 });
      if (closed) return;
      for (const n of page.items) seen.add(n.id);
      setLatest(page.items);
      setUnread(page.unread);
    };

    const disconnect = () => {
      source?.close();
      source = undefined;
    };

    const connect = () => {
      if (source || closed) return;
      const es = new EventSource(STREAM_URL);
      source = es;
      es.addEventListener('hello', (e: MessageEvent<string>) => {
        setUnread((JSON.parse(e.data) as { unread: number }).unread);
        void loadLatest().catch(() => undefined);
      });
      es.addEventListener('notification', (e: MessageEvent<string>) => {
        const n = JSON.parse(e.data) as Notification;
        // Delivery is at least once: count a notification once.
        if (seen.has(n.id)) return;
        seen.add(n.id);
        setUnread((u) => u + 1);
        setLatest((list) => [n, ...list.filter((x) => x.id !== n.id)].slice(0, LATEST));
        announceChange('stream');
      });
      es.onerror = () => {
        // CONNECTING: the browser retries by itself. CLOSED: refused (signed out) — look again.
        if (es.readyState === EventSource.CLOSED && source === es) {
          source = undefined;
          schedule(3000);
        }
      };
    };

    /** Is the caller allowed? Then stream; else hide the bell until identity changes. */
    const check = async () => {
      try {
        const { unread: n } = await fetchUnreadCount();
        if (closed) return;
        setAvailable(true);
        setUnread(n);
        connect();
      } catch (error) {
        if (closed) return;
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
          disconnect();
          setAvailable(false);
          setLatest([]);
        } else schedule(10_000);
      }
    };
    const schedule = (ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => void check(), ms);
    };
    refresh.current = () => {
      if (source) void loadLatest().catch(() => undefined);
      else schedule(0);
    };

    // A sign-in, TOTP step or sign-out on the page shows up as a call to /api/identity.
    let observer: PerformanceObserver | undefined;
    if (typeof PerformanceObserver !== 'undefined') {
      observer = new PerformanceObserver((entries) => {
        if (entries.getEntries().some((e) => e.name.includes('/api/identity/'))) schedule(300);
      });
      observer.observe({ type: 'resource', buffered: false });
    }
    void check();
    return () => {
      closed = true;
      clearTimeout(timer);
      observer?.disconnect();
      disconnect();
    };
  }, []);

  useChanges((s) => {
    if (s === 'user') refresh.current();
  });

  return {
    available,
    unread,
    latest,
    markedRead(ids) {
      setLatest((list) => list.map((n) => (ids === 'all' || ids.includes(n.id) ? { ...n, readAt: n.readAt ?? new Date().toISOString() } : n)));
      if (ids === 'all') setUnread(0);
      announceChange('user');
    },
  };
}
