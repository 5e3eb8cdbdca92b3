/**
 * One repository: its tags (digest, size, last pushed, last pulled from the audit log), the
 * pull command, "Delete" per tag through an in-page dialog (tags sharing the digest are kept,
 * as the API does), "Delete selected" for several tags at once with its progress
 * (tag-deletion.tsx), and "Who uses this image": the principals and hosts that pulled a digest.
 */
import { useState } from 'react';
import { call } from '../api/client.ts';
import type { Responses } from '../api/responses.ts';
import {
  ConfirmDialog,
  ErrorLine,
  formatBytes,
  Link,
  shortDigest,
  time,
  useLoad,
} from '../components/ui.tsx';
import { keptSiblings, TagDeletionProgress, useTagDeletion } from './tag-deletion.tsx';

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
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [confirmBulk, setConfirmBulk] = useState(false);
  const bulk = useTagDeletion(service, name, () => {
    setSelected(new Set());
    repo.reload();
  });
  const toggle = (tag: string, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(tag);
      else next.delete(tag);
      return next;
    });

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
          <div className="toolbar">
            <button
              type="button"
              className="danger"
              disabled={selected.size === 0 || bulk.run?.running === true}
              onClick={() => setConfirmBulk(true)}
            >
              Delete selected
            </button>
            <span>{selected.size === 0 ? 'No tag selected' : `${selected.size} selected`}</span>
          </div>
          {bulk.run && <TagDeletionProgress run={bulk.run} onClose={bulk.clear} />}
          <div className="table-scroll">
            <table>
              <caption>Tags</caption>
              <thead>
                <tr>
                  <th scope="col">
                    <input
                      type="checkbox"
                      aria-label="Select all tags"
                      checked={repo.data.tags.length > 0 && selected.size === repo.data.tags.length}
                      onChange={(e) =>
                        setSelected(new Set(e.target.checked ? repo.data!.tags.map((t) => t.tag) : []))
                      }
                    />
                  </th>
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
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Select ${t.tag}`}
                        checked={selected.has(t.tag)}
                        onChange={(e) => toggle(t.tag, e.target.checked)}
                      />
                    </td>
                    <th scope="row">{t.tag}</th>
                    <td>
                      <code title={t.digest ?? ''}>{shortDigest(t.digest)}</code>
                    </td>
                    <td className="nowrap">
                      {t.size === null ? (
                        '—'
                      ) : (
                        <data value={t.size} title={`${t.size} bytes (config and layers)`}>
                          {formatBytes(t.size)}
                        </data>
                      )}
                    </td>
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
          </div>
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
      {confirmBulk && repo.data && (
        <ConfirmDialog
          title={`Delete ${selected.size} ${selected.size === 1 ? 'tag' : 'tags'}?`}
          confirmLabel="Delete"
          onCancel={() => setConfirmBulk(false)}
          onConfirm={() => {
            setConfirmBulk(false);
            setNotice(undefined);
            void bulk.start([...selected].sort());
          }}
        >
          <p>
            These tags of {name} are removed from {service}: {[...selected].sort().join(', ')}.{' '}
            {keptSiblings(repo.data.tags, selected).length > 0
              ? `Tags of the same images are kept: ${keptSiblings(repo.data.tags, selected).join(', ')}.`
              : 'No other tag points to these images.'}
          </p>
        </ConfirmDialog>
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
