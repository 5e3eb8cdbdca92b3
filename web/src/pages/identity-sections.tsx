/** Identities: the users, groups and apps sections, each with its forms for administrators. */
import { useState } from 'react';
import { call } from '../api/client.ts';
import type { Responses } from '../api/responses.ts';
import { ErrorLine, type Loaded } from '../components/ui.tsx';
import { AddApp, AddGroup, EditApp } from './group-app-forms.tsx';
import { AddUser, EditUser } from './user-form.tsx';

type Users = Responses<'getUsers'>;
type Groups = Responses<'getGroups'>;
type Apps = Responses<'getApps'>;

export function UsersSection(props: { users: Loaded<Users>; admin: boolean; onGroupsChanged: () => void }) {
  const { users, admin } = props;
  const [error, setError] = useState<unknown>();
  const [editing, setEditing] = useState<string>();
  const setDisabled = async (name: string, disabled: boolean) => {
    setError(undefined);
    try {
      await call('patchUsersName', { params: { name }, body: { disabled } });
      users.reload();
    } catch (e) {
      setError(e);
    }
  };
  const edited = users.data?.users.find((u) => u.name === editing);
  const changed = () => {
    users.reload();
    props.onGroupsChanged();
  };
  return (
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
            {admin && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {users.data?.users.map((u) => (
            <tr key={u.name}>
              <th scope="row">{u.name}</th>
              <td>{u.source ?? 'local'}</td>
              <td>{u.groups.join(', ') || '—'}</td>
              <td>{u.privileges.join(', ') || '—'}</td>
              <td>{u.admin ? 'yes' : 'no'}</td>
              <td>{u.disabled ? 'Disabled' : 'Enabled'}</td>
              {admin && (
                <td>
                  <button type="button" onClick={() => setEditing(u.name)}>
                    Edit
                  </button>{' '}
                  <button type="button" onClick={() => setDisabled(u.name, !u.disabled)}>
                    {u.disabled ? 'Enable' : 'Disable'}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <ErrorLine error={error} />
      {admin && edited && (
        <EditUser
          key={edited.name}
          user={edited}
          onCancel={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            changed();
          }}
        />
      )}
      {admin && <AddUser onCreated={changed} />}
    </section>
  );
}

export function GroupsSection({ groups, admin }: { groups: Loaded<Groups>; admin: boolean }) {
  return (
    <section aria-labelledby="groups-title">
      <h2 id="groups-title">Groups</h2>
      <ErrorLine error={groups.error} />
      <ul className="chips">
        {groups.data?.groups.map((g) => (
          <li key={g.name}>{g.name}</li>
        ))}
      </ul>
      {admin && <AddGroup onCreated={groups.reload} />}
    </section>
  );
}

export function AppsSection(props: { apps: Loaded<Apps>; admin: boolean; onGroupsChanged: () => void }) {
  const { apps, admin } = props;
  const [editing, setEditing] = useState<string>();
  const edited = apps.data?.apps.find((a) => a.name === editing);
  const changed = () => {
    apps.reload();
    props.onGroupsChanged();
  };
  return (
    <section aria-labelledby="apps-title">
      <h2 id="apps-title">Apps</h2>
      <ErrorLine error={apps.error} />
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Publications</th>
            <th scope="col">Responsibles</th>
            <th scope="col">Services</th>
            {admin && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {apps.data?.apps.map((a) => (
            <tr key={a.name}>
              <th scope="row">{a.name}</th>
              <td>{a.publications.join(', ') || '—'}</td>
              <td>{a.responsibles.join(', ') || '—'}</td>
              <td>{a.services.join(', ') || '—'}</td>
              {admin && (
                <td>
                  <button type="button" onClick={() => setEditing(a.name)}>
                    Edit
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {admin && edited && (
        <EditApp
          key={edited.name}
          app={edited}
          onCancel={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            changed();
          }}
        />
      )}
      {admin && <AddApp onCreated={changed} />}
    </section>
  );
}
