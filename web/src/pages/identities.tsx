/**
 * "Identities": users (with the identity source they sign in through), groups, apps, services
 * and robots, with their create and edit forms for administrators (hidden from anyone else; the
 * server refuses them anyway). A robot's secret is shown once, at creation or regeneration, with
 * ready-made configuration for Docker, Kubernetes, podman, Mesos and rkt; "Explain" shows the
 * decision and the clause or rule behind each action.
 */
import { call } from '../api/client.ts';
import { useLoad } from '../components/ui.tsx';
import { Explain } from './explain-form.tsx';
import { AppsSection, GroupsSection, UsersSection } from './identity-sections.tsx';
import { RobotsSection, ServicesSection } from './machine-sections.tsx';

export function IdentitiesPage({ admin }: { admin: boolean }) {
  const users = useLoad(() => call('getUsers', {}), 'users');
  const groups = useLoad(() => call('getGroups', {}), 'groups');
  const apps = useLoad(() => call('getApps', {}), 'apps');
  const appNames = apps.data?.apps.map((a) => a.name) ?? [];
  return (
    <>
      <h1>Identities</h1>
      <UsersSection users={users} admin={admin} onGroupsChanged={groups.reload} />
      <GroupsSection groups={groups} admin={admin} />
      <AppsSection apps={apps} admin={admin} onGroupsChanged={groups.reload} />
      <ServicesSection apps={appNames} admin={admin} />
      <RobotsSection admin={admin} />
      <Explain />
    </>
  );
}
