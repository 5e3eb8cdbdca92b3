/**
 * One repository: its tags (digest, last pushed, last pulled from the audit log), the pull
 * command, "Delete" per tag through an in-page dialog (tags sharing the digest are kept, as
 * the API does) and "Who uses this image": the principals and hosts that pulled a digest.
 */
import { useState } from 'react';
import { call } from '../api/client.ts';
import type { Responses } from '../api/responses.ts';
import { ConfirmDialog, ErrorLine, Link, shortDigest, time, useLoad } from '../components/ui.tsx';

type Repository = Responses<'getRegistriesServiceRepositoriesName'>;
type Usage = Responses<'getAuditUsage'>;

export function RepositoryPage({
  service,
  name,
  manager,
}: {
  service: string;
  name: string;
  manager: boolean;
}) {
  const repo = useLoad(
    () => call('getRegistriesServiceRepositoriesName', { params: { service, '*': name } }),
    `${service}/${name}`,
  );
  const [deleting, setDeleting] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [usage, setUsage] = useState<{ digest: string; data?: Usage; error?: unknown }>();

  const siblings = (data: Repository, tag: string) => {
    const digest = data.tags.find((t) => t.tag === tag)?.digest;
    return digest ? data.tags.filter((t) => t.digest === digest && t.tag !== tag).map((t) => t.tag) : [];
  };
  const showUsage = async (digest: string) => {
    setUsage({ digest });
    try {
      setUsage({
        digest,
        data: await call('getAuditUsage', { query: { service, image: `${name}@${digest}` } }),
      });
    } catch (error) {
      setUsage({ digest, error });
    }
  };

  return (
    <>
      <p>
        <Link to="/repositories">Repositories</Link> / {service}
      </p>
      <h1>{name}</h1>
      <ErrorLine error={repo.error} />
      {notice && <output className="notice">{notice}</output>}
      {repo.data && (
        <>
          {repo.data.description && <p>{repo.data.description}</p>}
          <p>
            Pull:{' '}
            <code className="copy">{`docker pull ${service}/${name}:${repo.data.tags[0]?.tag ?? 'latest'}`}</code>
          </p>
          <table>
            <caption>Tags</caption>
            <thead>
              <tr>
                <th scope="col">Tag</th>
                <th scope="col">Digest</th>
                <th scope="col">Size</th>
                <th scope="col">Last pushed</th>
                <th scope="col">Last pulled</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {repo.data.tags.map((t) => (
                <tr key={t.tag}>
                  <th scope="row">{t.tag}</th>
                  <td>
                    <code title={t.digest ?? ''}>{shortDigest(t.digest)}</code>
                  </td>
                  <td>—</td>
                  <td>{time(t.updated)}</td>
                  <td>{time(t.last_pulled)}</td>
                  <td className="row-actions">
                    {manager && t.digest && (
                      <button type="button" onClick={() => showUsage(t.digest!)}>
                        Who uses this image
                      </button>
                    )}
                    <button type="button" className="danger" onClick={() => setDeleting(t.tag)}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {repo.data.tags.length === 0 && <p>No tags.</p>}
        </>
      )}
      {usage && (
        <section aria-labelledby="usage-title">
          <h2 id="usage-title">Who uses this image</h2>
          <p>
            Pulls of <code>{usage.digest}</code>
          </p>
          <ErrorLine error={usage.error} />
          {usage.data && usage.data.users.length === 0 && <p>Nobody has pulled it.</p>}
          {usage.data && usage.data.users.length > 0 && (
            <table>
              <thead>
                <tr>
                  <th scope="col">Principal</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Pulls</th>
                  <th scope="col">Last pull</th>
                  <th scope="col">Hosts</th>
                </tr>
              </thead>
              <tbody>
                {usage.data.users.map((u) => (
                  <tr key={u.principal}>
                    <td>{u.principal}</td>
                    <td>{u.kind}</td>
                    <td>{u.pulls}</td>
                    <td>{time(u.last_pull)}</td>
                    <td>{u.addresses.join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
      {deleting && repo.data && (
        <ConfirmDialog
          title={`Delete tag ${deleting}?`}
          confirmLabel="Delete"
          onCancel={() => setDeleting(undefined)}
          onConfirm={async () => {
            const outcome = await call('deleteRegistriesServiceTagsName', {
              params: { service, '*': `${name}:${deleting}` },
            });
            setDeleting(undefined);
            setNotice(
              outcome.deleted.length > 0
                ? `Deleted ${outcome.deleted.join(', ')}.`
                : `Nothing deleted (${outcome.missing.join(', ') || 'no such tag'}).`,
            );
            repo.reload();
          }}
        >
          <p>
            The tag {deleting} of {name} is removed from {service}.{' '}
            {siblings(repo.data, deleting).length > 0
              ? `Tags of the same image are kept: ${siblings(repo.data, deleting).join(', ')}.`
              : 'No other tag points to this image.'}
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
