/**
 * "Identities": users (with how they sign in), groups, apps, services and robots; a new
 * robot's secret is shown once with ready-made configuration for Docker, Kubernetes, podman,
 * Mesos and rkt; "Explain" shows the decision and the clause or rule behind each action.
 */
import { useState } from 'react';
import { call } from '../api/client.ts';
import { ErrorLine, useLoad } from '../components/ui.tsx';
import { Explain } from './explain-form.tsx';
import { CreateRobot } from './robot-form.tsx';
import { AddUser } from './user-form.tsx';

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
