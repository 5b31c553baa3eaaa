// A minimal server-sent events reader over fetch, for the screen tests.
export interface SseMessage {
  id: string | undefined;
  event: string;
  data: unknown;
}

export interface SseConnection {
  messages: SseMessage[];
  comments: number;
  /** Resolves with the first message (already received or to come) that matches. */
  next(match: (m: SseMessage) => boolean, timeoutMs?: number): Promise<SseMessage>;
  close(): void;
  status: number;
  contentType: string | null;
}

export async function openSse(url: string, headers: Record<string, string>): Promise<SseConnection> {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  const conn: SseConnection = {
    messages: [],
    comments: 0,
    status: res.status,
    contentType: res.headers.get('content-type'),
    async next(match, timeoutMs = 10_000) {
      const t0 = Date.now();
      for (;;) {
        const m = conn.messages.find(match);
        if (m) return m;
        if (Date.now() - t0 > timeoutMs) throw new Error(`no matching SSE message in ${timeoutMs} ms; got ${JSON.stringify(conn.messages.map((x) => x.event))}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => controller.abort(),
  };
  if (!res.body || res.status !== 200) return conn;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let id: string | undefined;
          let event = 'message';
          const data: string[] = [];
          let comment = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comment = true;
            else if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (comment && data.length === 0) conn.comments++;
          else if (data.length > 0) conn.messages.push({ id, event, data: JSON.parse(data.join('\n')) as unknown });
        }
      }
    } catch {
      // aborted
    }
  })();
  return conn;
}
