/**
 * Identities: creating a robot, regenerating its secret, and the secret shown once with the same
 * ready-made configurations after either.
 */
import { type FormEvent, useState } from 'react';
import { call } from '../api/client.ts';
import type { Responses } from '../api/responses.ts';
import { ConfirmDialog, ErrorLine, Field } from '../components/ui.tsx';
import { names } from './user-form.tsx';

type Created = Responses<'postRobots'>;
/** What creation and regeneration both return: the name, the new secret, the configurations. */
type NewSecret = Pick<Created, 'name' | 'secret' | 'configs'>;

export function CreateRobot({ onCreated }: { onCreated: (robot: NewSecret) => void }) {
  const [name, setName] = useState('');
  const [repositories, setRepositories] = useState('');
  const [permission, setPermission] = useState<'read' | 'write' | 'admin'>('read');
  const [registry, setRegistry] = useState(window.location.host);
  const [error, setError] = useState<unknown>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const robot = await call('postRobots', {
        body: {
          name,
          permission,
          repositories: names(repositories),
        },
        query: { configs: registry },
      });
      onCreated(robot);
    } catch (e) {
      setError(e);
    }
  };
  return (
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
  );
}

export function RobotSecret({ robot }: { robot: NewSecret }) {
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

/**
 * "Regenerate secret": asks in an in-page dialog (the current secret stops working at once),
 * with the registry address the configurations are made for.
 */
export function RegenerateRobot(props: {
  name: string;
  onDone: (robot: NewSecret) => void;
  onCancel: () => void;
}) {
  const [registry, setRegistry] = useState(window.location.host);
  return (
    <ConfirmDialog
      title={`Regenerate the secret of ${props.name}?`}
      confirmLabel="Regenerate"
      onCancel={props.onCancel}
      onConfirm={async () =>
        props.onDone(
          await call('postRobotsNameRegenerate', {
            params: { name: props.name },
            query: registry.trim() === '' ? {} : { configs: registry.trim() },
          }),
        )
      }
    >
      <p>The current secret stops working at once; the new one is shown only once.</p>
      <Field label="Registry address for the configurations" value={registry} onChange={setRegistry} />
    </ConfirmDialog>
  );
}
