/** Privileges as people write them: the full names, or the aliases puller, pusher and manager. */
import { BadRequest } from './errors.ts';
import { PRIVILEGE_ALIASES, PRIVILEGES, type Privilege } from './model.ts';

export function normalizePrivilege(name: string): Privilege | undefined {
  if ((PRIVILEGES as readonly string[]).includes(name)) return name as Privilege;
  return PRIVILEGE_ALIASES[name.toLowerCase()];
}

/** The privileges named, without duplicates; BadRequest naming every unknown one. */
export function parsePrivileges(names: readonly string[]): Privilege[] {
  const result: Privilege[] = [];
  const unknown: string[] = [];
  for (const name of names) {
    const privilege = normalizePrivilege(name);
    if (!privilege) unknown.push(name);
    else if (!result.includes(privilege)) result.push(privilege);
  }
  if (unknown.length > 0) {
    throw new BadRequest(
      `unknown privilege${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}: use DockerRegistriesPuller, DockerRegistriesPusher, DockerRegistriesManager (or puller, pusher, manager)`,
    );
  }
  return result;
}
