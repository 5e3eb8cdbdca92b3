/** Identities: the "Add user" and "Edit user" forms (groups are created when missing). */
import { type FormEvent, useState } from 'react';
import { call } from '../api/client.ts';
import type { Responses } from '../api/responses.ts';
import { ErrorLine, Field } from '../components/ui.tsx';

type User = Responses<'getUsers'>['users'][number];

export const names = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

export function AddUser({ onCreated }: { onCreated: () => void }) {
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
      <PrivilegeChoices value={privileges} onChange={setPrivileges} />
      <ErrorLine error={error} />
      {done && <output>{done}</output>}
      <button type="submit">Add user</button>
    </form>
  );
}

const PRIVILEGES = ['puller', 'pusher', 'manager'] as const;

/** The server replies with full names (DockerRegistriesPuller); the form speaks the aliases. */
const alias = (privilege: string) => privilege.toLowerCase().replace(/^dockerregistries/, '');

function PrivilegeChoices({ value, onChange }: { value: string[]; onChange: (value: string[]) => void }) {
  return (
    <fieldset>
      <legend>Privileges</legend>
      {PRIVILEGES.map((p) => (
        <label key={p} className="check">
          <input
            type="checkbox"
            checked={value.includes(p)}
            onChange={(e) => onChange(e.target.checked ? [...value, p] : value.filter((x) => x !== p))}
          />{' '}
          {p}
        </label>
      ))}
    </fieldset>
  );
}

/** A user's groups, privileges and administrator flag (the server refuses to demote the last one). */
export function EditUser({
  user,
  onSaved,
  onCancel,
}: {
  user: User;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const [groups, setGroups] = useState(user.groups.join(', '));
  const [privileges, setPrivileges] = useState<string[]>(user.privileges.map(alias));
  const [admin, setAdmin] = useState(user.admin);
  const [error, setError] = useState<unknown>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await call('patchUsersName', {
        params: { name: user.name },
        body: { groups: names(groups), privileges, admin },
      });
      onSaved();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <form onSubmit={submit} className="panel" aria-label="Edit user">
      <h3>Edit user {user.name}</h3>
      <Field label="Groups (comma-separated; missing ones are created)" value={groups} onChange={setGroups} />
      <PrivilegeChoices value={privileges} onChange={setPrivileges} />
      <label className="check">
        <input type="checkbox" checked={admin} onChange={(e) => setAdmin(e.target.checked)} /> Administrator
      </label>
      <ErrorLine error={error} />
      <div className="actions">
        <button type="submit">Save</button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
