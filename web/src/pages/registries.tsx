/**
 * "Registries": service, URL, mode, publications, responsibles, last discovery and its result;
 * add and edit (administrators; managers edit theirs), "Sync now" with progress, and the
 * downloads a registry needs to trust Purser (config.yml fragment, nginx block, certificates),
 * and for administrators the token signing keys and their rotation (signing-keys.tsx).
 */
import { type FormEvent, useState } from 'react';
import { call, callLines, urlOf } from '../api/client.ts';
import type { Responses } from '../api/responses.ts';
import { ErrorLine, Field, time, useLoad } from '../components/ui.tsx';
import { SigningKeys } from './signing-keys.tsx';

type Registry = Responses<'getRegistries'>['registries'][number];

const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

export function RegistriesPage({ admin }: { admin: boolean }) {
  const registries = useLoad(() => call('getRegistries', {}), 'registries');
  const [editing, setEditing] = useState<Registry | 'new'>();
  return (
    <>
      <h1>Registries</h1>
      <ErrorLine error={registries.error} />
      {admin && (
        <button type="button" onClick={() => setEditing('new')}>
          Add registry
        </button>
      )}
      {editing && (
        <RegistryForm
          registry={editing === 'new' ? undefined : editing}
          onDone={() => {
            setEditing(undefined);
            registries.reload();
          }}
          onCancel={() => setEditing(undefined)}
        />
      )}
      <div className="table-scroll">
        <table>
          <caption>Registries you manage</caption>
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">URL</th>
              <th scope="col">Mode</th>
              <th scope="col">Publications</th>
              <th scope="col">Responsibles</th>
              <th scope="col">Last discovery</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {registries.data?.registries.map((r) => (
              <RegistryRow key={r.service} registry={r} onEdit={() => setEditing(r)} />
            ))}
          </tbody>
        </table>
      </div>
      {admin && <SigningKeys />}
    </>
  );
}

function RegistryRow({ registry, onEdit }: { registry: Registry; onEdit: () => void }) {
  const service = registry.service;
  const sync = useLoad(() => call('getRegistriesServiceSync', { params: { service } }), `sync:${service}`);
  const [running, setRunning] = useState<{
    busy: boolean;
    error?: unknown;
    report?: string;
    progress?: { phase: string; done: number; total: number };
  }>();
  const syncNow = async () => {
    setRunning({ busy: true });
    let report: string | undefined;
    let failed: unknown;
    try {
      // Progress lines while discovery runs, then its report (or the server's error message).
      await callLines(
        'postRegistriesServiceSync',
        { params: { service }, query: { stream: 'ndjson' } },
        (line) => {
          const l = line as {
            progress?: { phase: string; done: number; total: number };
            report?: unknown;
            error?: string;
          };
          if (l.progress) setRunning({ busy: true, progress: l.progress });
          if (l.report !== undefined) report = summary(l.report);
          if (l.error !== undefined) failed = new Error(l.error);
        },
      );
      setRunning(
        failed === undefined ? { busy: false, report: report ?? 'Done.' } : { busy: false, error: failed },
      );
      sync.reload();
    } catch (error) {
      setRunning({ busy: false, error });
    }
  };
  const download = (format: 'distribution' | 'nginx' | 'bundle') =>
    urlOf('getRegistriesServiceConfig', { params: { service }, query: { format } });
  return (
    <tr>
      <th scope="row">{service}</th>
      <td>{registry.url}</td>
      <td>{registry.restricted ? 'restricted' : 'open'}</td>
      <td>{registry.publications.join(', ') || '—'}</td>
      <td>{registry.responsibles.join(', ') || '—'}</td>
      <td>
        <ErrorLine error={sync.error} />
        {sync.data &&
          (sync.data.state === 'never'
            ? 'never'
            : `${time(sync.data.finished_at ?? sync.data.started_at)}: ${sync.data.state}${
                sync.data.last_error
                  ? ` (${sync.data.last_error})`
                  : `, ${sync.data.repositories} repositories`
              }`)}
        {running?.busy && (
          <output>
            <progress
              aria-label={`Discovery of ${service}`}
              {...(running.progress && running.progress.total > 0
                ? { value: running.progress.done, max: running.progress.total }
                : {})}
            />{' '}
            {running.progress
              ? `${running.progress.phase}: ${running.progress.done} of ${running.progress.total}`
              : 'discovering…'}
          </output>
        )}
        {running?.report && <output> {running.report}</output>}
        <ErrorLine error={running?.error} />
      </td>
      <td className="row-actions">
        <button type="button" onClick={syncNow} disabled={running?.busy}>
          Sync now
        </button>
        <button type="button" onClick={onEdit}>
          Edit
        </button>
        <a href={download('distribution')} download={`${service}-config.yml`}>
          config.yml
        </a>
        <a href={download('nginx')} download={`${service}-nginx.conf`}>
          nginx
        </a>
        <a href={download('bundle')} download={`${service}-bundle.pem`}>
          certificates
        </a>
      </td>
    </tr>
  );
}

function summary(report: unknown): string {
  if (report && typeof report === 'object') {
    const r = report as Record<string, unknown>;
    const parts = Object.entries(r)
      .filter(([, v]) => typeof v === 'number')
      .map(([k, v]) => `${k} ${v}`);
    if (parts.length) return `Done: ${parts.join(', ')}.`;
  }
  return 'Done.';
}

function RegistryForm(props: { registry: Registry | undefined; onDone: () => void; onCancel: () => void }) {
  const r = props.registry;
  const [service, setService] = useState(r?.service ?? '');
  const [url, setUrl] = useState(r?.url ?? '');
  const [publications, setPublications] = useState(r?.publications.join(', ') ?? '');
  const [responsibles, setResponsibles] = useState(r?.responsibles.join(', ') ?? '');
  const [restricted, setRestricted] = useState(r?.restricted ?? false);
  const [error, setError] = useState<unknown>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    const body = { url, restricted, publications: list(publications), responsibles: list(responsibles) };
    try {
      if (r) await call('patchRegistriesService', { params: { service: r.service }, body });
      else await call('postRegistries', { body: { service, ...body } });
      props.onDone();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <form onSubmit={submit} className="panel" aria-label={r ? `Edit ${r.service}` : 'Add registry'}>
      <h2>{r ? `Edit ${r.service}` : 'Add registry'}</h2>
      <Field label="Service" value={service} onChange={setService} readOnly={!!r} required />
      <Field label="URL" value={url} onChange={setUrl} required placeholder="https://registry.example.com" />
      <Field label="Publications (groups, comma-separated)" value={publications} onChange={setPublications} />
      <Field label="Responsibles (groups, comma-separated)" value={responsibles} onChange={setResponsibles} />
      <div className="field checkbox">
        <input
          id="restricted"
          type="checkbox"
          checked={restricted}
          onChange={(e) => setRestricted(e.target.checked)}
        />
        <label htmlFor="restricted">Restricted (push needs a responsible group)</label>
      </div>
      <ErrorLine error={error} />
      <div className="actions">
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit">Save</button>
      </div>
    </form>
  );
}
