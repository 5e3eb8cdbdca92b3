/** Identities: "Add group", and "Add app" / "Edit app" (its publication and responsible groups). */
import { type FormEvent, useState } from 'react';
import { call } from '../api/client.ts';
import type { Responses } from '../api/responses.ts';
import { ErrorLine, Field } from '../components/ui.tsx';
import { names } from './user-form.tsx';

type App = Responses<'getApps'>['apps'][number];

/** Runs `action` on submit; its error stays in the form. */
function useSubmit(action: () => Promise<void>) {
  const [error, setError] = useState<unknown>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setError(e);
    }
  };
  return { error, submit };
}

export function AddGroup({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const { error, submit } = useSubmit(async () => {
    await call('postGroups', { body: { name } });
    setName('');
    onCreated();
  });
  return (
    <form onSubmit={submit} className="panel" aria-label="Add group">
      <h3>Add group</h3>
      <Field label="Group name" value={name} onChange={setName} required />
      <ErrorLine error={error} />
      <button type="submit">Add group</button>
    </form>
  );
}

function AppGroups(props: {
  publications: string;
  responsibles: string;
  setPublications: (v: string) => void;
  setResponsibles: (v: string) => void;
}) {
  return (
    <>
      <Field
        label="Publications (comma-separated groups that may pull)"
        value={props.publications}
        onChange={props.setPublications}
      />
      <Field
        label="Responsibles (comma-separated groups that manage it)"
        value={props.responsibles}
        onChange={props.setResponsibles}
      />
    </>
  );
}

export function AddApp({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [publications, setPublications] = useState('');
  const [responsibles, setResponsibles] = useState('');
  const { error, submit } = useSubmit(async () => {
    await call('postApps', {
      body: { name, publications: names(publications), responsibles: names(responsibles) },
    });
    setName('');
    setPublications('');
    setResponsibles('');
    onCreated();
  });
  return (
    <form onSubmit={submit} className="panel" aria-label="Add app">
      <h3>Add app</h3>
      <Field label="App name" value={name} onChange={setName} required />
      <AppGroups {...{ publications, responsibles, setPublications, setResponsibles }} />
      <ErrorLine error={error} />
      <button type="submit">Add app</button>
    </form>
  );
}

export function EditApp({ app, onSaved, onCancel }: { app: App; onSaved: () => void; onCancel: () => void }) {
  const [publications, setPublications] = useState(app.publications.join(', '));
  const [responsibles, setResponsibles] = useState(app.responsibles.join(', '));
  const { error, submit } = useSubmit(async () => {
    await call('patchAppsName', {
      params: { name: app.name },
      body: { publications: names(publications), responsibles: names(responsibles) },
    });
    onSaved();
  });
  return (
    <form onSubmit={submit} className="panel" aria-label="Edit app">
      <h3>Edit app {app.name}</h3>
      <AppGroups {...{ publications, responsibles, setPublications, setResponsibles }} />
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
