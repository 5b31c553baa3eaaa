import { ApiError } from '../../../app/api.ts';
import { useResource } from '../../../app/use-resource.ts';
import { identityApi, type Me } from '../api/identity.ts';

/** The signed-in account, or `me: undefined` with `signedOut` when there is no session. */
export function useSession(): { me: Me | undefined; signedOut: boolean; loading: boolean; error: unknown; reload: () => void } {
  const r = useResource((signal) => identityApi.me(signal), { key: 'identity.me' });
  const signedOut = r.error instanceof ApiError && r.error.status === 401;
  return { me: r.error ? undefined : r.data, signedOut, loading: r.loading, error: signedOut ? undefined : r.error, reload: r.reload };
}
