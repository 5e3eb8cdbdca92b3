/**
 * Identities: the services and robots sections. A new secret (creation, regeneration) is shown
 * once, in one place per section; a robot's comes with its ready-made configurations.
 */
import { useState } from 'react';
import { call } from '../api/client.ts';
import { ConfirmDialog, ErrorLine, useLoad } from '../components/ui.tsx';
import { CreateRobot, RegenerateRobot, RobotSecret } from './robot-form.tsx';
import { AddService, EditService, ShownSecret } from './service-forms.tsx';

export function ServicesSection({ apps, admin }: { apps: string[]; admin: boolean }) {
  const services = useLoad(() => call('getServices', {}), 'services');
  const [editing, setEditing] = useState<string>();
  const [regenerating, setRegenerating] = useState<string>();
  const [secret, setSecret] = useState<{ name: string; secret: string }>();
  const edited = services.data?.services.find((s) => s.name === editing);
  return (
    <section aria-labelledby="services-title">
      <h2 id="services-title">Services</h2>
      <ErrorLine error={services.error} />
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">App</th>
            <th scope="col">State</th>
            {admin && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {services.data?.services.map((s) => (
            <tr key={s.name}>
              <th scope="row">{s.name}</th>
              <td>{s.app ?? '—'}</td>
              <td>{s.disabled ? 'Disabled' : 'Enabled'}</td>
              {admin && (
                <td>
                  <button type="button" onClick={() => setEditing(s.name)}>
                    Edit
                  </button>{' '}
                  <button type="button" onClick={() => setRegenerating(s.name)}>
                    Regenerate secret
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {admin && edited && (
        <EditService
          key={edited.name}
          service={edited}
          apps={apps}
          onCancel={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            services.reload();
          }}
        />
      )}
      {regenerating && (
        <ConfirmDialog
          title={`Regenerate the secret of ${regenerating}?`}
          confirmLabel="Regenerate"
          onCancel={() => setRegenerating(undefined)}
          onConfirm={async () => {
            setSecret(await call('postServicesNameRegenerate', { params: { name: regenerating } }));
            setRegenerating(undefined);
          }}
        >
          <p>The current secret stops working at once; the new one is shown only once.</p>
        </ConfirmDialog>
      )}
      {admin && (
        <AddService
          apps={apps}
          onCreated={() => {
            setSecret(undefined);
            services.reload();
          }}
        />
      )}
      {secret && <ShownSecret name={secret.name} secret={secret.secret} label="Service secret" />}
    </section>
  );
}

type NewRobotSecret = Parameters<typeof RobotSecret>[0]['robot'];

export function RobotsSection({ admin }: { admin: boolean }) {
  const robots = useLoad(() => call('getRobots', {}), 'robots');
  const [regenerating, setRegenerating] = useState<string>();
  const [secret, setSecret] = useState<NewRobotSecret>();
  return (
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
            {admin && <th scope="col">Actions</th>}
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
              {admin && (
                <td>
                  <button type="button" onClick={() => setRegenerating(r.name)}>
                    Regenerate secret
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {regenerating && (
        <RegenerateRobot
          name={regenerating}
          onCancel={() => setRegenerating(undefined)}
          onDone={(robot) => {
            setRegenerating(undefined);
            setSecret(robot);
          }}
        />
      )}
      {admin && (
        <CreateRobot
          onCreated={(robot) => {
            setSecret(robot);
            robots.reload();
          }}
        />
      )}
      {secret?.secret && <RobotSecret key={secret.secret} robot={secret} />}
    </section>
  );
}
