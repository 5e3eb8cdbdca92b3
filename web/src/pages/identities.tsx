/**
 * "Identities": users (with how they sign in), groups, apps, services and robots; a new
 * robot's secret is shown once with ready-made configuration for Docker, Kubernetes, podman,
 * Mesos and rkt; "Explain" shows the decision and the clause or rule behind each action.
 */
import { type FormEvent, useState } from 'react';
import { call } from '../api/client.ts';
import type { Responses } from '../api/responses.ts';
import { ErrorLine, Field, useLoad } from '../components/ui.tsx';

export function IdentitiesPage() {
  const users = useLoad(() => call('getUsers', {}), 'users');
  const groups = useLoad(() => call('getGroups', {}), 'groups');
  const apps = useLoad(() => call('getApps', {}), 'apps');
  const services = useLoad(() => call('getServices', {}), 'services');
  const robots = useLoad(() => call('getRobots', {}), 'robots');
  const [userError, setUserError] = useState<unknown>();
  const setDisabled = async (name: string, disabled: boolean) => {
    setUserError(undefined);
    try {
      await call('patchUsersName', { params: { name }, body: { disabled } });
      users.reload();
    } catch (e) {
      setUserError(e);
    }
  };
  return (
    <>
      <h1>Identities</h1>
      <section aria-labelledby="users-title">
        <h2 id="users-title">Users</h2>
        <ErrorLine error={users.error} />
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Source</th>
              <th scope="col">Groups</th>
              <th scope="col">Privileges</th>
              <th scope="col">Administrator</th>
              <th scope="col">State</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.data?.users.map((u) => (
              <tr key={u.name}>
                <th scope="row">{u.name}</th>
                <td>{u.password === 'none' ? 'identity source' : `local (${u.password})`}</td>
                <td>{u.groups.join(', ') || '—'}</td>
                <td>{u.privileges.join(', ') || '—'}</td>
                <td>{u.admin ? 'yes' : 'no'}</td>
                <td>{u.disabled ? 'Disabled' : 'Enabled'}</td>
                <td>
                  <button type="button" onClick={() => setDisabled(u.name, !u.disabled)}>
                    {u.disabled ? 'Enable' : 'Disable'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <ErrorLine error={userError} />
        <AddUser onCreated={users.reload} />
      </section>
      <section aria-labelledby="groups-title">
        <h2 id="groups-title">Groups</h2>
        <ErrorLine error={groups.error} />
        <ul className="chips">
          {groups.data?.groups.map((g) => (
            <li key={g.name}>{g.name}</li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="apps-title">
        <h2 id="apps-title">Apps</h2>
        <ErrorLine error={apps.error} />
        <ul>
          {apps.data?.apps.map((a) => (
            <li key={a.name}>{a.name}</li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="services-title">
        <h2 id="services-title">Services</h2>
        <ErrorLine error={services.error} />
        <ul>
          {services.data?.services.map((s) => (
            <li key={s.name}>
              {s.name}
              {s.disabled ? ' (disabled)' : ''}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="robots-title">
        <h2 id="robots-title">Robots</h2>
        <ErrorLine error={robots.error} />
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Repositories</th>
              <th scope="col">Permission</th>
              <th scope="col">Expires</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {robots.data?.robots.map((r) => (
              <tr key={r.name}>
                <th scope="row">{r.name}</th>
                <td>{r.repositories.join(', ')}</td>
                <td>{r.permission}</td>
                <td>{r.expires ?? 'never'}</td>
                <td>{r.disabled ? 'Disabled' : r.expired ? 'Expired' : 'Enabled'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <CreateRobot onCreated={robots.reload} />
      </section>
      <Explain />
    </>
  );
}

const names = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

const PRIVILEGES = ['puller', 'pusher', 'manager'] as const;

function AddUser({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [groups, setGroups] = useState('');
  const [privileges, setPrivileges] = useState<string[]>(['puller']);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const user = await call('postUsers', {
        body: { name, ...(password ? { password } : {}), groups: names(groups), privileges },
      });
      setDone(`Created ${user.name}.`);
      setName('');
      setPassword('');
      onCreated();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <form onSubmit={submit} className="panel" aria-label="Add user">
      <h3>Add user</h3>
      <Field label="User name" value={name} onChange={setName} required />
      <Field
        label="Initial password"
        type="password"
        value={password}
        onChange={setPassword}
        autoComplete="new-password"
        placeholder="empty: signs in through an identity source"
      />
      <Field label="Groups (comma-separated; missing ones are created)" value={groups} onChange={setGroups} />
      <fieldset>
        <legend>Privileges</legend>
        {PRIVILEGES.map((p) => (
          <label key={p} className="check">
            <input
              type="checkbox"
              checked={privileges.includes(p)}
              onChange={(e) =>
                setPrivileges((list) => (e.target.checked ? [...list, p] : list.filter((x) => x !== p)))
              }
            />{' '}
            {p}
          </label>
        ))}
      </fieldset>
      <ErrorLine error={error} />
      {done && <output>{done}</output>}
      <button type="submit">Add user</button>
    </form>
  );
}

type Created = Responses<'postRobots'>;

function CreateRobot({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [repositories, setRepositories] = useState('');
  const [permission, setPermission] = useState<'read' | 'write' | 'admin'>('read');
  const [registry, setRegistry] = useState(window.location.host);
  const [created, setCreated] = useState<Created>();
  const [error, setError] = useState<unknown>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const robot = await call('postRobots', {
        body: {
          name,
          permission,
          repositories: repositories
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== ''),
        },
        query: { configs: registry },
      });
      setCreated(robot);
      onCreated();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <form onSubmit={submit} className="panel" aria-label="Create robot">
        <h3>Create robot</h3>
        <Field label="Robot name" value={name} onChange={setName} placeholder="owner+name" required />
        <Field
          label="Robot repositories"
          value={repositories}
          onChange={setRepositories}
          placeholder="team/*"
          required
        />
        <div className="field">
          <label htmlFor="robot-permission">Permission</label>
          <select
            id="robot-permission"
            value={permission}
            onChange={(e) => setPermission(e.target.value as 'read' | 'write' | 'admin')}
          >
            <option value="read">read</option>
            <option value="write">write</option>
            <option value="admin">admin</option>
          </select>
        </div>
        <Field label="Registry address for the configurations" value={registry} onChange={setRegistry} />
        <ErrorLine error={error} />
        <button type="submit">Create robot</button>
      </form>
      {created?.secret && <RobotSecret robot={created} />}
    </>
  );
}

function RobotSecret({ robot }: { robot: Created }) {
  const configs = robot.configs;
  const files: { label: string; file: string; text: string; type: string }[] = configs
    ? [
        { label: 'Docker config.json', file: 'config.json', text: configs.docker, type: 'application/json' },
        {
          label: 'Kubernetes Secret',
          file: `${robot.name}-secret.yaml`,
          text: configs.kubernetes,
          type: 'application/yaml',
        },
        { label: 'podman auth.json', file: 'auth.json', text: configs.podman, type: 'application/json' },
        ...configs.rkt.map((f) => ({
          label: `rkt ${f.name}`,
          file: f.name,
          text: f.content,
          type: 'application/json',
        })),
      ]
    : [];
  return (
    <section aria-labelledby="robot-secret-title" className="panel secret">
      <h3 id="robot-secret-title">Secret of {robot.name}</h3>
      <output>This secret is shown only once: copy it or download a configuration now.</output>
      <div className="field">
        <label htmlFor="robot-secret">Robot secret</label>
        <input id="robot-secret" readOnly value={robot.secret ?? ''} />
      </div>
      {files.map((f) => (
        <details key={f.file}>
          <summary>{f.label}</summary>
          <pre>{f.text}</pre>
          <a href={dataUrl(f.text, f.type)} download={f.file}>
            Download {f.file}
          </a>
        </details>
      ))}
      {configs?.mesos && (
        <p>
          <a href={`data:application/gzip;base64,${configs.mesos}`} download="docker.tar.gz">
            Download Mesos docker.tar.gz
          </a>
        </p>
      )}
    </section>
  );
}

function dataUrl(text: string, type: string): string {
  return `data:${type};charset=utf-8,${encodeURIComponent(text)}`;
}

function Explain() {
  const [account, setAccount] = useState('');
  const [service, setService] = useState('');
  const [scope, setScope] = useState('');
  const [result, setResult] = useState<{ data?: Responses<'getExplain'>; error?: unknown }>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      setResult({ data: await call('getExplain', { query: { account, service, scope } }) });
    } catch (error) {
      setResult({ error });
    }
  };
  return (
    <section aria-labelledby="explain-title">
      <h2 id="explain-title">Explain</h2>
      <form onSubmit={submit} className="panel" aria-label="Explain">
        <Field label="Principal" value={account} onChange={setAccount} required />
        <Field label="Registry service" value={service} onChange={setService} required />
        <Field
          label="Scope"
          value={scope}
          onChange={setScope}
          placeholder="repository:team/app:pull,push"
          required
        />
        <button type="submit">Explain</button>
      </form>
      <ErrorLine error={result?.error} />
      {result?.data?.explanations.map((e) => (
        <table key={`${e.registry}:${e.resource.type}:${e.resource.name}`}>
          <caption>
            {e.principal.name} on {e.resource.type}:{e.resource.name}: granted{' '}
            {e.granted.join(', ') || 'nothing'}
          </caption>
          <thead>
            <tr>
              <th scope="col">Action</th>
              <th scope="col">Decision</th>
              <th scope="col">Decided by</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {e.actions.map((a) => (
              <tr key={a.action}>
                <td>{a.action}</td>
                <td>{a.allowed ? 'allowed' : 'denied'}</td>
                <td>
                  {a.decidedBy === 'rule'
                    ? `rule ${a.rule ? JSON.stringify(a.rule) : ''}`
                    : `seed: ${a.clause}`}
                </td>
                <td>{a.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </section>
  );
}
