/**
 * Username and password, checked like `GET /token` checks them; a failure says only that. With
 * an `oidc` identity source, one "Sign in with …" button per source: the browser goes to the
 * provider through the server (code flow with PKCE) and comes back signed in; a failed or
 * cancelled attempt comes back with `?sso=failed`, and the server's message is asked for (the
 * page never shows text taken from its URL).
 */
import { type FormEvent, useEffect, useState } from 'react';
import { call, urlOf } from '../api/client.ts';
import type { Responses } from '../api/responses.ts';
import { ErrorLine, Field, useLoad } from '../components/ui.tsx';

export function SignInPage({
  onSignedIn,
  notice,
}: {
  onSignedIn: (session: Responses<'postSession'>) => void;
  /** Why the console is back here (the session ended), until the next attempt. */
  notice?: unknown;
}) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const sso = useLoad(() => call('getSessionSso', {}), 'sso');
  useEffect(() => {
    const query = new URLSearchParams(window.location.search);
    if (query.get('sso') !== 'failed') return;
    window.history.replaceState(null, '', window.location.pathname);
    call('getSessionSsoFailure', {}).then(
      (r) => setError(new Error(r.message ?? 'The single sign-on did not finish: try again.')),
      setError,
    );
  }, []);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await call('postSession', { body: { username, password } }));
    } catch (e) {
      setError(e);
      setPassword('');
    } finally {
      setBusy(false);
    }
  };
  const sources = sso.data?.sources ?? [];
  return (
    <main className="sign-in">
      <h1>Sign in to Purser</h1>
      <form onSubmit={submit}>
        <Field label="Username" value={username} onChange={setUsername} autoComplete="username" required />
        <Field
          label="Password"
          type="password"
          value={password}
          onChange={setPassword}
          autoComplete="current-password"
          required
        />
        <ErrorLine error={error ?? notice} />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      {sources.length > 0 && (
        <section aria-label="Single sign-on" className="sso">
          {sources.map((s) => (
            <button
              key={s.name}
              type="button"
              onClick={() => {
                setBusy(true);
                window.location.assign(urlOf('getSessionSsoSourceStart', { params: { source: s.name } }));
              }}
              disabled={busy}
            >
              Sign in with {s.label}
            </button>
          ))}
        </section>
      )}
    </main>
  );
}
