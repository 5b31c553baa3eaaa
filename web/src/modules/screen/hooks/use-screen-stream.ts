// The big screen's live state: KPIs and the stream list, loaded once and then updated only by the
// server-sent event stream. EventSource reconnects by itself (sending Last-Event-ID); when the
// server refuses (signed out), the browser goes to the sign-in page with a way back.
import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../../../app/api.ts';
import { identityApi } from '../../identity/api/identity.ts';
import { fetchKpis, fetchRecent, STREAM_URL, type Kpis, type LiveAlarm, type LiveEvent } from '../api/screen-api.ts';

export type StreamItem = ({ kind: 'event' } & LiveEvent) | ({ kind: 'alarm' } & LiveAlarm);

const MAX_ITEMS = 50;

export function signInUrl(): string {
  return `/console/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`;
}

export function useScreenStream(onChange: (item: StreamItem) => void): { kpis: Kpis | undefined; items: StreamItem[]; connected: boolean } {
  const [kpis, setKpis] = useState<Kpis>();
  const [items, setItems] = useState<StreamItem[]>([]);
  const [connected, setConnected] = useState(false);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  useEffect(() => {
    let closed = false;
    let source: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let lastEventId = '';

    const upsert = (item: StreamItem) => {
      setItems((list) => {
        const key = (x: StreamItem) => (x.kind === 'event' ? `e${x.eventId}` : `a${x.alarmId}`);
        return [item, ...list.filter((x) => key(x) !== key(item))].slice(0, MAX_ITEMS);
      });
      onChangeRef.current(item);
    };

    const loadSnapshot = async () => {
      try {
        const [k, recent] = await Promise.all([fetchKpis(), fetchRecent(20)]);
        if (closed) return;
        setKpis(k);
        setItems(recent.map((e) => ({ kind: 'event' as const, ...e })));
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) window.location.assign(signInUrl());
      }
    };

    const connect = () => {
      const url = lastEventId ? `${STREAM_URL}?lastEventId=${encodeURIComponent(lastEventId)}` : STREAM_URL;
      const es = new EventSource(url);
      source = es;
      const track = (e: MessageEvent<string>) => {
        if (e.lastEventId) lastEventId = e.lastEventId;
      };
      es.onopen = () => setConnected(true);
      es.addEventListener('kpi', (e: MessageEvent<string>) => {
        track(e);
        const k = JSON.parse(e.data) as Kpis | null;
        if (k) setKpis(k);
      });
      es.addEventListener('event', (e: MessageEvent<string>) => {
        track(e);
        upsert({ kind: 'event', ...(JSON.parse(e.data) as LiveEvent) });
      });
      es.addEventListener('alarm', (e: MessageEvent<string>) => {
        track(e);
        upsert({ kind: 'alarm', ...(JSON.parse(e.data) as LiveAlarm) });
      });
      es.addEventListener('reset', (e: MessageEvent<string>) => {
        track(e);
        void loadSnapshot();
      });
      es.onerror = () => {
        setConnected(false);
        // CONNECTING: the browser retries by itself. CLOSED: the server refused (401/403) or the
        // answer was not a stream; find out whether the session is gone, else try again later.
        if (es.readyState !== EventSource.CLOSED || closed) return;
        identityApi.me().then(
          () => {
            retry = setTimeout(connect, 3000);
          },
          (error: unknown) => {
            if (error instanceof ApiError && error.status === 401) window.location.assign(signInUrl());
            else retry = setTimeout(connect, 3000);
          },
        );
      };
    };

    void loadSnapshot().then(() => {
      if (!closed) connect();
    });
    return () => {
      closed = true;
      clearTimeout(retry);
      source?.close();
    };
  }, []);

  return { kpis, items, connected };
}
