/**
 * "Repositories": the search box. Plain text finds repositories and, for those who may list
 * them, registries and identities whose name matches; `docker:` in front shows only registry
 * objects (repositories). Results show description, stars, official and automated flags.
 */
import { type FormEvent, useState } from 'react';
import { call } from '../api/client.ts';
import type { Visibility } from '../app.tsx';
import { ErrorLine, Link, time, useLoad } from '../components/ui.tsx';

const DOCKER_PREFIX = 'docker:';

export function parseSearch(text: string): { query: string; registryOnly: boolean } {
  const trimmed = text.trim();
  if (trimmed.toLowerCase().startsWith(DOCKER_PREFIX))
    return { query: trimmed.slice(DOCKER_PREFIX.length).trim(), registryOnly: true };
  return { query: trimmed, registryOnly: false };
}

interface OtherMatch {
  readonly kind: string;
  readonly name: string;
  readonly to: string;
}

async function otherMatches(query: string, seen: Visibility): Promise<OtherMatch[]> {
  const needle = query.toLowerCase();
  const matches: OtherMatch[] = [];
  const has = (name: string) => needle !== '' && name.toLowerCase().includes(needle);
  if (seen.manager) {
    const { registries } = await call('getRegistries', {});
    for (const r of registries)
      if (has(r.service)) matches.push({ kind: 'Registry', name: r.service, to: '/registries' });
  }
  if (seen.admin) {
    const [users, robots] = await Promise.all([call('getUsers', {}), call('getRobots', {})]);
    for (const u of users.users)
      if (has(u.name)) matches.push({ kind: 'User', name: u.name, to: '/identities' });
    for (const r of robots.robots)
      if (has(r.name)) matches.push({ kind: 'Robot', name: r.name, to: '/identities' });
  }
  return matches;
}

export function RepositoriesPage({ seen }: { seen: Visibility }) {
  const [text, setText] = useState(() => new URLSearchParams(window.location.search).get('q') ?? '');
  const [submitted, setSubmitted] = useState(text);
  const { query, registryOnly } = parseSearch(submitted);
  const results = useLoad(() => call('getSearch', { query: { q: query, n: '100' } }), `search:${query}`);
  const others = useLoad(
    () => (registryOnly ? Promise.resolve([]) : otherMatches(query, seen)),
    `others:${registryOnly}:${query}`,
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(text);
    const url = new URL(window.location.href);
    if (text) url.searchParams.set('q', text);
    else url.searchParams.delete('q');
    window.history.replaceState(null, '', url);
  };
  return (
    <>
      <h1>Repositories</h1>
      <form onSubmit={submit} className="search">
        <label htmlFor="search">Search</label>
        <input
          id="search"
          type="search"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="name or description; docker: for registry objects only"
        />
        <button type="submit">Search</button>
      </form>
      <ErrorLine error={results.error} />
      {results.data && (
        <table>
          <caption>
            {results.data.num_results} {results.data.num_results === 1 ? 'repository' : 'repositories'}
          </caption>
          <thead>
            <tr>
              <th scope="col">Repository</th>
              <th scope="col">Registry</th>
              <th scope="col">Description</th>
              <th scope="col">Stars</th>
              <th scope="col">Official</th>
              <th scope="col">Automated</th>
              <th scope="col">Last push</th>
            </tr>
          </thead>
          <tbody>
            {results.data.results.map((r) => (
              <tr key={`${r.registry}/${r.name}`}>
                <td>
                  <Link to={`/repositories/${encodeURIComponent(r.registry)}/${r.name}`}>{r.name}</Link>
                </td>
                <td>{r.registry}</td>
                <td>{r.description}</td>
                <td>{r.star_count}</td>
                <td>{r.is_official ? 'yes' : 'no'}</td>
                <td>{r.is_automated ? 'yes' : 'no'}</td>
                <td>{time(r.last_push)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {!registryOnly && others.data && others.data.length > 0 && (
        <section aria-labelledby="other-matches">
          <h2 id="other-matches">Other matches</h2>
          <ul>
            {others.data.map((m) => (
              <li key={`${m.kind}:${m.name}`}>
                {m.kind}: <Link to={m.to}>{m.name}</Link>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
