/**
 * Identities: "Edit robot" (administrators): its repositories, permission, expiry and disabled
 * flag, as PATCH /api/v1/robots/:name takes them. Only what changed is sent; an empty expiry
 * means never. A date already past is how an existing robot is made to stop working.
 */
import { type FormEvent, useId, useState } from 'react';
import { call } from '../api/client.ts';
import type { Responses } from '../api/responses.ts';
import { ErrorLine, Field } from '../components/ui.tsx';
import { names } from './user-form.tsx';

type Robot = Responses<'getRobots'>['robots'][number];
type Permission = 'read' | 'write' | 'admin';

export const EXPIRES_LABEL = 'Expires (YYYY-MM-DD or an ISO date-time; empty: never)';

export function PermissionChoice({
  value,
  onChange,
}: {
  value: Permission;
  onChange: (p: Permission) => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Permission</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as Permission)}>
        <option value="read">read</option>
        <option value="write">write</option>
        <option value="admin">admin</option>
      </select>
    </div>
  );
}

export function EditRobot(props: { robot: Robot; onSaved: () => void; onCancel: () => void }) {
  const { robot } = props;
  const [repositories, setRepositories] = useState(robot.repositories.join(', '));
  const [permission, setPermission] = useState(robot.permission as Permission);
  const [expires, setExpires] = useState(robot.expires ?? '');
  const [disabled, setDisabled] = useState(robot.disabled);
  const [error, setError] = useState<unknown>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    const expiry = expires.trim();
    try {
      await call('patchRobotsName', {
        params: { name: robot.name },
        body: {
          repositories: names(repositories),
          permission,
          disabled,
          ...(expiry === (robot.expires ?? '') ? {} : { expires: expiry === '' ? null : expiry }),
        },
      });
      props.onSaved();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <form onSubmit={submit} className="panel" aria-label="Edit robot">
      <h3>Edit robot {robot.name}</h3>
      <Field
        label="Robot repositories (comma-separated names or globs)"
        value={repositories}
        onChange={setRepositories}
        placeholder="team/*"
        required
      />
      <PermissionChoice value={permission} onChange={setPermission} />
      <Field label={EXPIRES_LABEL} value={expires} onChange={setExpires} placeholder="2027-12-31" />
      <label className="check">
        <input type="checkbox" checked={disabled} onChange={(e) => setDisabled(e.target.checked)} /> Disabled
      </label>
      <ErrorLine error={error} />
      <div className="actions">
        <button type="submit">Save</button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
