/** Username and password, checked like `GET /token` checks them; a failure says only that. */
import { type FormEvent, useState } from 'react';
import { call } from '../api/client.ts';
import type { Responses } from '../api/responses.ts';
import { ErrorLine, Field } from '../components/ui.tsx';

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
    </main>
  );
}
