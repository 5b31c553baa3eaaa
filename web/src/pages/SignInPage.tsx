import { SignInForm } from '../modules/identity/components/SignInForm.tsx';
import { navigate } from '../app/router.tsx';

/** /console/login: sign in, then go where `next` says (the console home by default). */
export function SignInPage() {
  const next = new URLSearchParams(window.location.search).get('next');
  return <SignInForm onDone={() => navigate(next?.startsWith('/console') ? next : '/console')} />;
}
