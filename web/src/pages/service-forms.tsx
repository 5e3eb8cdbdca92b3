/**
 * Identities: "Add service" (its generated secret shown once) and "Edit service" (its app,
 * disabled). A service pulls what its app publishes.
 */
import { type FormEvent, useId, useState } from 'react';
import { call } from '../api/client.ts';
import type { Responses } from '../api/responses.ts';
import { ErrorLine, Field } from '../components/ui.tsx';

type Service = Responses<'getServices'>['services'][number];

function AppChoice({
  apps,
  value,
  onChange,
}: {
  apps: string[];
  value: string;
  onChange: (v: string) => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>App</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">(none)</option>
        {apps.map((a) => (
          <option key={a} value={a}>
            {a}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A machine account's new secret, shown once. */
export function ShownSecret({ name, secret, label }: { name: string; secret: string; label: string }) {
  const id = useId();
  return (
    <section aria-label={`Secret of ${name}`} className="panel secret">
      <h3>Secret of {name}</h3>
      <output>This secret is shown only once: copy it now.</output>
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <input id={id} readOnly value={secret} />
      </div>
    </section>
  );
}

export function AddService({ apps, onCreated }: { apps: string[]; onCreated: () => void }) {
  const [name, setName] = useState('');
  const [app, setApp] = useState('');
  const [created, setCreated] = useState<{ name: string; secret: string }>();
  const [error, setError] = useState<unknown>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const service = await call('postServices', { body: { name, app: app === '' ? null : app } });
      setCreated(service.secret ? { name: service.name, secret: service.secret } : undefined);
      setName('');
      onCreated();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <form onSubmit={submit} className="panel" aria-label="Add service">
        <h3>Add service</h3>
        <Field label="Service name" value={name} onChange={setName} required />
        <AppChoice apps={apps} value={app} onChange={setApp} />
        <ErrorLine error={error} />
        <button type="submit">Add service</button>
      </form>
      {created && <ShownSecret name={created.name} secret={created.secret} label="Service secret" />}
    </>
  );
}

export function EditService(props: {
  service: Service;
  apps: string[];
  onSaved: () => void;
  onCancel: () => void;
}) {
  const { service } = props;
  const [app, setApp] = useState(service.app ?? '');
  const [disabled, setDisabled] = useState(service.disabled);
  const [error, setError] = useState<unknown>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await call('patchServicesName', {
        params: { name: service.name },
        body: { app: app === '' ? null : app, disabled },
      });
      props.onSaved();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <form onSubmit={submit} className="panel" aria-label="Edit service">
      <h3>Edit service {service.name}</h3>
      <AppChoice apps={props.apps} value={app} onChange={setApp} />
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
