/** Identities: the "Add user" form (groups are created when missing). */
import { type FormEvent, useState } from 'react';
import { call } from '../api/client.ts';
import { ErrorLine, Field } from '../components/ui.tsx';

export const names = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

const PRIVILEGES = ['puller', 'pusher', 'manager'] as const;

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
