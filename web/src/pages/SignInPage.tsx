import { SignInForm } from '../modules/identity/components/SignInForm.tsx';
import { navigate } from '../app/router.tsx';

/** /console/login: sign in, then go where `next` says (the console home by default). */
export function SignInPage() {
  const next = new URLSearchParams(window.location.search).get('next');
  const target = next && (next.startsWith('/console') || next === '/screen' || next.startsWith('/screen?')) ? next : '/console';
  return <SignInForm onDone={() => navigate(target)} ssoReturn={target} />;
}
