import { useEffect, useState } from 'preact/hooks';
import { get, token } from '../lib/api.js';
import type { Whoami } from '../lib/types.js';
import type { SignInConfig } from '../../api/contract/sign-in.js';

/** Sign in through the organisation's OpenID provider when flotte has one, or log in with an API token (`flotte tokens create`, or `.flotte/admin-token` on a laptop). */
export function Login({ onLogin }: { onLogin: (me: Whoami) => void }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string>();
  const [signIn, setSignIn] = useState<SignInConfig>();
  useEffect(() => {
    get<SignInConfig>('/api/auth/config').then(setSignIn, () => setSignIn({ oidc: false }));
  }, []);
  const submit = async (e: Event) => {
    e.preventDefault();
    token.set(value.trim());
    try {
      onLogin(await get<Whoami>('/api/v1/whoami'));
    } catch (err) {
      token.clear();
      setError((err as Error).message);
    }
  };
  return (
    <main>
      <form class="card" onSubmit={submit} style="max-width: 480px; margin: 10vh auto">
        <h1>flotte</h1>
        {signIn?.oidc && signIn.loginUrl && (
          <p>
            <a class="button primary" href={signIn.loginUrl}>
              Sign in with your organisation
            </a>
          </p>
        )}
        <label for="token">API token</label>
        <div class="row">
          <input id="token" name="token" type="password" autocomplete="current-password" value={value} onInput={(e) => setValue((e.target as HTMLInputElement).value)} style="flex: 1" autofocus />
          <button class="primary" type="submit">
            Log in
          </button>
        </div>
        <p class="muted">On a laptop, the admin token is in <code>.flotte/admin-token</code>; others get one from <code>flotte tokens create</code>.</p>
        {error && <p class="error" role="alert">{error}</p>}
      </form>
    </main>
  );
}
