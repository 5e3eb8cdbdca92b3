/**
 * "Credentials": the vault, per environment (Rancher's Registries page). The stored password
 * never reaches the browser: "Edit" starts with an empty password field, and an empty one
 * keeps the stored secret. The newest credential for an address wins, as the vault does.
 */
import { type FormEvent, useState } from 'react';
import { call } from '../api/client.ts';
import type { Responses } from '../api/responses.ts';
import { ConfirmDialog, ErrorLine, Field, time, useLoad } from '../components/ui.tsx';

type Credential = Responses<'getEnvironmentsEnvCredentials'>['credentials'][number];

const DEFAULT_ENVIRONMENT = 'default';

export function CredentialsPage() {
  const environments = useLoad(() => call('getEnvironments', {}), 'environments');
  const [environment, setEnvironment] = useState(DEFAULT_ENVIRONMENT);
  const names = [
    ...new Set([DEFAULT_ENVIRONMENT, ...(environments.data?.environments.map((e) => e.name) ?? [])]),
  ];
  return (
    <>
      <h1>Credentials</h1>
      <ErrorLine error={environments.error} />
      <div className="field inline">
        <label htmlFor="environment">Environment</label>
        <select id="environment" value={environment} onChange={(e) => setEnvironment(e.target.value)}>
          {names.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </div>
      <EnvironmentCredentials key={environment} environment={environment} />
    </>
  );
}

type Editing = { mode: 'add' } | { mode: 'edit'; credential: Credential };

function EnvironmentCredentials({ environment }: { environment: string }) {
  const list = useLoad(
    () => call('getEnvironmentsEnvCredentials', { params: { env: environment } }),
    `credentials:${environment}`,
  );
  const [editing, setEditing] = useState<Editing>();
  const [deleting, setDeleting] = useState<Credential>();
  const [error, setError] = useState<unknown>();
  const setState = async (c: Credential, active: boolean) => {
    setError(undefined);
    try {
      const params = { env: environment, address: c.address };
      if (active) await call('postEnvironmentsEnvCredentialsAddressActivate', { params });
      else await call('postEnvironmentsEnvCredentialsAddressDeactivate', { params });
      list.reload();
    } catch (e) {
      setError(e);
    }
  };
  const credentials = (list.data?.credentials ?? []).filter((c) => c.state !== 'deleted');
  return (
    <>
      <ErrorLine error={list.error ?? error} />
      <button type="button" onClick={() => setEditing({ mode: 'add' })}>
        Add credential
      </button>
      {editing && (
        <CredentialForm
          environment={environment}
          editing={editing}
          onDone={() => {
            setEditing(undefined);
            list.reload();
          }}
          onCancel={() => setEditing(undefined)}
        />
      )}
      <table>
        <caption>Credentials of {environment}</caption>
        <thead>
          <tr>
            <th scope="col">Address</th>
            <th scope="col">Username</th>
            <th scope="col">Kind</th>
            <th scope="col">State</th>
            <th scope="col">Updated</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {credentials.map((c) => (
            <tr key={c.address}>
              <th scope="row">{c.address}</th>
              <td>{c.username}</td>
              <td>{c.kind}</td>
              <td>
                {c.state === 'active' ? 'Active' : 'Deactivated'}
                {!c.allowed && ' (outside the allowlist)'}
              </td>
              <td>{time(c.updatedAt)}</td>
              <td className="row-actions">
                <button type="button" onClick={() => setEditing({ mode: 'edit', credential: c })}>
                  Edit
                </button>
                {c.state === 'active' ? (
                  <button type="button" onClick={() => setState(c, false)}>
                    Deactivate
                  </button>
                ) : (
                  <button type="button" onClick={() => setState(c, true)}>
                    Activate
                  </button>
                )}
                <button type="button" className="danger" onClick={() => setDeleting(c)}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data && credentials.length === 0 && <p>No credentials yet.</p>}
      {deleting && (
        <ConfirmDialog
          title={`Delete the credential for ${deleting.address}?`}
          confirmLabel="Delete"
          onCancel={() => setDeleting(undefined)}
          onConfirm={async () => {
            await call('deleteEnvironmentsEnvCredentialsAddress', {
              params: { env: environment, address: deleting.address },
            });
            setDeleting(undefined);
            list.reload();
          }}
        >
          <p>Its secret is erased from the vault; clients of {environment} can no longer use it.</p>
        </ConfirmDialog>
      )}
      <EnvironmentSettingsForm environment={environment} />
    </>
  );
}

function CredentialForm(props: {
  environment: string;
  editing: Editing;
  onDone: () => void;
  onCancel: () => void;
}) {
  const existing = props.editing.mode === 'edit' ? props.editing.credential : undefined;
  const [address, setAddress] = useState(existing?.address ?? '');
  const [username, setUsername] = useState(existing?.username ?? '');
  // Never the stored password: it is not sent to the browser.
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      if (existing)
        await call('patchEnvironmentsEnvCredentialsAddress', {
          params: { env: props.environment, address: existing.address },
          body: { username, ...(password === '' ? {} : { secret: password }) },
        });
      else
        await call('postEnvironmentsEnvCredentials', {
          params: { env: props.environment },
          body: { address, username, secret: password },
        });
      props.onDone();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <form onSubmit={submit} className="panel" aria-label={existing ? 'Edit credential' : 'Add credential'}>
      <h2>{existing ? `Edit ${existing.address}` : 'Add credential'}</h2>
      <Field label="Address" value={address} onChange={setAddress} readOnly={!!existing} required />
      <Field label="Username" value={username} onChange={setUsername} />
      <Field
        label="Password"
        type="password"
        value={password}
        onChange={setPassword}
        autoComplete="new-password"
        required={!existing}
        placeholder={existing ? 'unchanged unless you type a new one' : ''}
      />
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

function EnvironmentSettingsForm({ environment }: { environment: string }) {
  const settings = useLoad(
    () => call('getEnvironmentsEnv', { params: { env: environment } }),
    `settings:${environment}`,
  );
  const [defaultRegistry, setDefaultRegistry] = useState<string>();
  const [allowlist, setAllowlist] = useState<string>();
  const [result, setResult] = useState<{ error?: unknown; saved?: boolean }>({});
  const shownDefault = defaultRegistry ?? settings.data?.defaultRegistry ?? '';
  const shownAllowlist = allowlist ?? (settings.data?.allowlist ?? []).join('\n');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const entries = shownAllowlist
      .split(/[\n,]/)
      .map((s) => s.trim())
      .filter((s) => s !== '');
    try {
      await call('putEnvironmentsEnvSettings', {
        params: { env: environment },
        body: {
          defaultRegistry: shownDefault === '' ? null : shownDefault,
          allowlist: entries.length ? entries : null,
        },
      });
      setResult({ saved: true });
    } catch (error) {
      setResult({ error });
    }
  };
  return (
    <form onSubmit={submit} className="panel" aria-label="Environment settings">
      <h2>Default registry and allowlist</h2>
      <Field
        label="Default registry"
        value={shownDefault}
        onChange={setDefaultRegistry}
        placeholder="docker.io when empty"
      />
      <div className="field">
        <label htmlFor="allowlist">Allowlist (one registry per line; empty allows every registry)</label>
        <textarea
          id="allowlist"
          rows={3}
          value={shownAllowlist}
          onChange={(e) => setAllowlist(e.target.value)}
        />
      </div>
      <ErrorLine error={settings.error ?? result.error} />
      {result.saved && <output>Saved.</output>}
      <button type="submit">Save settings</button>
    </form>
  );
}
