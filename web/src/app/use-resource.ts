import { useCallback, useEffect, useRef, useState } from 'react';
import { isAbort } from './api.ts';

export interface Resource<T> {
  data: T | undefined;
  /** The last failure; cleared by the next success. */
  error: unknown;
  loading: boolean;
  reload: () => void;
}

export interface ResourceOptions<T> {
  /** Reloads when the key changes. */
  key: string;
  /** Milliseconds until the next load after a load settles, or undefined to stop polling. */
  pollMs?: (data: T | undefined, error: unknown) => number | undefined;
}

/** Loads data with cancellation on unmount, optional polling, and a manual reload. */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, options: ResourceOptions<T>): Resource<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const [attempt, setAttempt] = useState(0);
  const loadRef = useRef(load);
  const pollRef = useRef(options.pollMs);
  useEffect(() => {
    loadRef.current = load;
    pollRef.current = options.pollMs;
  });

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async (): Promise<void> => {
      let data: T | undefined;
      let error: unknown;
      try {
        data = await loadRef.current(controller.signal);
        // A load that finished after its key changed must not overwrite the newer one's answer.
        if (controller.signal.aborted) return;
        setState({ data, error: undefined, loading: false });
      } catch (caught) {
        if (controller.signal.aborted || isAbort(caught)) return;
        error = caught;
        setState((prev) => ({ data: prev.data, error: caught, loading: false }));
      }
      const next = pollRef.current?.(data, error);
      if (next !== undefined && !controller.signal.aborted) timer = setTimeout(() => void run(), next);
    };
    setState((prev) => ({ ...prev, loading: true }));
    void run();
    return () => {
      controller.abort();
      if (timer) clearTimeout(timer);
    };
  }, [options.key, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, reload };
}
