/**
 * `registry:catalog:*`: granted (as the single action `*`) to administrators and to users
 * holding DockerRegistriesManager (every user in public mode) who are responsible for R.
 * No other `registry:` resource exists. Custom rules do not apply here.
 */
import type { Principal, Registry } from '../domain/model.ts';
import type { AccessModel } from './access-model.ts';
import { CATALOG } from './rule.ts';
import { firstIn, type SeedNote } from './seed-policy.ts';

/** Returns CATALOG or 0; `note` receives the why when given. */
export function catalogSeed(
  model: AccessModel,
  principal: Principal,
  registry: Registry,
  name: string,
  note?: (note: SeedNote, allowed: boolean) => void,
): number {
  const say = (allowed: boolean, clause: SeedNote['clause'], text: string): number => {
    note?.({ clause, text }, allowed);
    return allowed ? CATALOG : 0;
  };
  if (name !== 'catalog') return say(false, 'unknown-resource', `registry:${name} is not a known resource`);
  if (principal.kind !== 'user') {
    const who = principal.kind === 'anonymous' ? 'anonymous requests' : `${principal.kind}s`;
    return say(false, 'catalog', `the catalog is for administrators and managers, not ${who}`);
  }
  const user = principal.user;
  if (user.admin) return say(true, 'admin', `${user.name} is an administrator`);
  const r = registry.service;
  if (model.mode !== 'public' && !user.privileges.includes('DockerRegistriesManager')) {
    return say(false, 'privilege', `${user.name} lacks the DockerRegistriesManager privilege`);
  }
  const responsible = firstIn(user.groups, model.registryView(registry).responsibles);
  if (responsible < 0) {
    const groups = model.groupNames(registry.responsibles).join(', ') || 'none';
    return say(false, 'responsible', `${user.name} is in none of ${r}'s responsible groups (${groups})`);
  }
  const group = model.groupName(responsible);
  return say(true, 'catalog', `${user.name} is a manager in group ${group}, a responsible group of ${r}`);
}
