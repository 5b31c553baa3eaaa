import { useCallback, useState } from 'react';
import { ApiError } from '../../../app/api.ts';

/** A form's submit: busy while it runs, and the server's problem text (the field it names) when it fails. */
export function useAction(): { busy: boolean; error: string | undefined; run: (action: () => Promise<unknown>, onDone?: () => void) => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const run = useCallback((action: () => Promise<unknown>, onDone?: () => void) => {
    setBusy(true);
    setError(undefined);
    action()
      .then(() => onDone?.(), (e: unknown) => setError(e instanceof ApiError ? (e.detail ?? e.title) : String(e)))
      .finally(() => setBusy(false));
  }, []);
  return { busy, error, run };
}
