/**
 * What a caller may see and do in the catalog, from the access model:
 *  - repository actions come from the policy (pull to see, push to edit, delete to remove tags);
 *  - a registry's events and sync are for administrators and the registry's responsible
 *    managers, i.e. exactly those the policy grants `registry:catalog:*`.
 */
import { Denied, NotFound, Unauthorized } from '../domain/errors.ts';
import { isAdministrator, type Principal, type Registry } from '../domain/model.ts';
import type { AccessModel } from '../policy/access-model.ts';
import { allowedBits } from '../policy/engine.ts';
import { CATALOG, DELETE, PULL, PUSH } from '../policy/rule.ts';
import { repositoryBits } from './repository-access.ts';

/** Administrators and managers responsible for the registry. */
export function managesRegistry(model: AccessModel, principal: Principal, registry: Registry): boolean {
  if (isAdministrator(principal)) return true;
  return (
    (allowedBits(model, {
      principal,
      registry,
      resource: { type: 'registry', name: 'catalog', actions: ['*'] },
    }) &
      CATALOG) !==
    0
  );
}

/** Services whose events the principal may read; undefined = every service (administrators). */
export function auditScope(model: AccessModel, principal: Principal): string[] | undefined {
  if (isAdministrator(principal)) return undefined;
  if (principal.kind === 'anonymous') throw new Unauthorized('the audit log needs credentials');
  const services = model
    .registries()
    .filter((registry) => managesRegistry(model, principal, registry))
    .map((registry) => registry.service);
  if (services.length === 0)
    throw new Denied("only administrators and a registry's responsible managers may read its audit log");
  return services;
}

export function requireManager(model: AccessModel, principal: Principal, registry: Registry): void {
  if (principal.kind === 'anonymous') throw new Unauthorized();
  if (!managesRegistry(model, principal, registry)) {
    throw new Denied(`only administrators and managers responsible for ${registry.service} may do this`);
  }
}

export type RepositoryAction = 'pull' | 'push' | 'delete';
const BITS: Record<RepositoryAction, number> = { pull: PULL, push: PUSH, delete: DELETE };

/**
 * Requires `action` on the repository. A caller who may not even pull gets NotFound (the
 * repository's existence is not revealed); one who may pull but not `action` gets Denied.
 */
export function requireRepository(
  model: AccessModel,
  principal: Principal,
  registry: Registry,
  repository: string,
  action: RepositoryAction,
  sourceAddress?: string,
): void {
  const bits = repositoryBits(model, principal, registry, repository, sourceAddress);
  if (bits & BITS[action]) return;
  if (principal.kind === 'anonymous' && action !== 'pull') throw new Unauthorized();
  if (!(bits & PULL)) throw new NotFound(`repository ${repository} not found on ${registry.service}`);
  throw new Denied(
    `${action} on ${repository} is not allowed${action === 'delete' ? ' (deleting needs the right to push)' : ''}`,
  );
}

/** The principal's name for stars and audit entries (`user:alice`). */
export function principalLabel(principal: Principal): string {
  switch (principal.kind) {
    case 'user':
      return `user:${principal.user.name}`;
    case 'service':
      return `service:${principal.service.name}`;
    case 'robot':
      return `robot:${principal.robot.name}`;
    case 'anonymous':
      return 'anonymous';
  }
}
