/**
 * The console: the session (asked of the server at start, so a reload keeps it; the CSRF token
 * stays in memory), the sign-in page, then the navigation and one page per path. A page the
 * caller may not use is not linked; the server refuses it anyway.
 */
import { useEffect, useState } from 'react';
import { ApiError, call, onSessionEnded, setCsrfToken } from './api/client.ts';
import type { Responses } from './api/responses.ts';
import { Link } from './components/ui.tsx';
import { AuditPage } from './pages/audit.tsx';
import { CredentialsPage } from './pages/credentials.tsx';
import { IdentitiesPage } from './pages/identities.tsx';
import { RegistriesPage } from './pages/registries.tsx';
import { RepositoriesPage } from './pages/repositories.tsx';
import { RepositoryPage } from './pages/repository.tsx';
import { SignInPage } from './pages/sign-in.tsx';
import { navigate, usePath } from './router.ts';

export type Session = Responses<'getSession'>;

export interface Visibility {
  readonly admin: boolean;
  readonly manager: boolean;
}

function visibility(session: Session): Visibility {
  const account = session.account;
  const admin = account.kind === 'user' && account.admin;
  return { admin, manager: admin || account.manages.length > 0 };
}

export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [error, setError] = useState<unknown>();
  const path = usePath();

  useEffect(() => {
    call('getSession', {}).then(
      (s) => {
        setCsrfToken(s.csrfToken);
        setSession(s);
      },
      (e: unknown) => {
        if (!(e instanceof ApiError && e.status === 401)) setError(e);
        setSession(null);
      },
    );
  }, []);

  // A call refused with 401 means the session ended (idle, signed out elsewhere, disabled).
  useEffect(() => {
    onSessionEnded(() => {
      setCsrfToken(undefined);
      setSession(null);
      setError(new ApiError(401, 'UNAUTHORIZED', 'Your session has ended: sign in again.'));
    });
    return () => onSessionEnded(undefined);
  }, []);

  if (session === undefined) return <p className="loading">Loading…</p>;
  if (session === null)
    return (
      <SignInPage
        notice={error}
        onSignedIn={(s) => {
          setError(undefined);
          setCsrfToken(s.csrfToken);
          setSession(s);
          if (path === '/' || path === '/sign-in') navigate('/repositories');
        }}
      />
    );

  const seen = visibility(session);
  const signOut = async () => {
    try {
      await call('deleteSession', {});
    } finally {
      setCsrfToken(undefined);
      setSession(null);
      navigate('/');
    }
  };

  return (
    <>
      <header className="top">
        <span className="brand">Purser</span>
        <nav aria-label="Main">
          <ul>
            {seen.manager && (
              <li>
                <Link to="/registries">Registries</Link>
              </li>
            )}
            <li>
              <Link to="/repositories">Repositories</Link>
            </li>
            {seen.admin && (
              <li>
                <Link to="/identities">Identities</Link>
              </li>
            )}
            {seen.admin && (
              <li>
                <Link to="/credentials">Credentials</Link>
              </li>
            )}
            {seen.manager && (
              <li>
                <Link to="/audit">Audit</Link>
              </li>
            )}
          </ul>
        </nav>
        <span className="account">{session.account.name}</span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main>
        <Page path={path} seen={seen} />
      </main>
    </>
  );
}

function Page({ path, seen }: { path: string; seen: Visibility }) {
  const repository = /^\/repositories\/([^/]+)\/(.+)$/.exec(path);
  if (repository)
    return (
      <RepositoryPage
        service={decodeURIComponent(repository[1]!)}
        name={decodeURIComponent(repository[2]!)}
        manager={seen.manager}
      />
    );
  if (path.startsWith('/registries')) return <RegistriesPage admin={seen.admin} />;
  if (path.startsWith('/identities')) return <IdentitiesPage admin={seen.admin} />;
  if (path.startsWith('/credentials')) return <CredentialsPage />;
  if (path.startsWith('/audit')) return <AuditPage />;
  return <RepositoriesPage seen={seen} />;
}
