/**
 * "May this principal pull (push) repository X on registry R", cheaply and in bulk.
 *
 * The seed model decides by the repository's namespace (`users/<x>/`, `groups/<x>/`,
 * `apps/<x>/`, or anything else), so a search decides once per distinct namespace and reuses
 * the answer for every repository in it. Only robots (whose patterns match whole names) and
 * custom rules with a `repository` glob need a decision per name.
 */
import type { Principal, Registry } from '../domain/model.ts';
import type { AccessModel } from '../policy/access-model.ts';
import { allowedBits } from '../policy/engine.ts';
import { repositoryNamespace } from '../policy/namespace.ts';
import { PULL, PUSH } from '../policy/rule.ts';

export const PULL_BIT = PULL;
export const PUSH_BIT = PUSH;

/** The allowed action bits (PULL | PUSH | DELETE) for one repository. */
export function repositoryBits(
  model: AccessModel,
  principal: Principal,
  registry: Registry,
  repository: string,
  sourceAddress?: string,
): number {
  return allowedBits(model, {
    principal,
    registry,
    resource: { type: 'repository', name: repository, actions: ['pull'] },
    ...(sourceAddress === undefined ? {} : { sourceAddress }),
  });
}

export function mayPull(
  model: AccessModel,
  principal: Principal,
  registry: Registry,
  repository: string,
  sourceAddress?: string,
): boolean {
  return (repositoryBits(model, principal, registry, repository, sourceAddress) & PULL) !== 0;
}

export function mayPush(
  model: AccessModel,
  principal: Principal,
  registry: Registry,
  repository: string,
  sourceAddress?: string,
): boolean {
  return (repositoryBits(model, principal, registry, repository, sourceAddress) & PUSH) !== 0;
}

/**
 * The key under which repositories share a decision: the namespace (`users/alice`, `groups/dev`,
 * `apps/shop`, or `` for everything else), or undefined when decisions depend on the full name.
 */
export function namespaceKey(name: string): string {
  const ns = repositoryNamespace(name);
  return ns.kind === 'other' ? '' : `${ns.kind}/${ns.owner}`;
}

/** Whether decisions for this principal must be made per repository name. */
export function decidesPerName(model: AccessModel, principal: Principal): boolean {
  if (principal.kind === 'robot') return true;
  if (principal.kind === 'user' && principal.user.admin) return false;
  return model.rules.some((rule) => rule.repository !== undefined);
}

/** Whether any custom rule looks at the source address (then it is part of cache keys). */
export function rulesUseSources(model: AccessModel): boolean {
  return model.rules.some((rule) => rule.sources !== undefined);
}

/** A stable cache key for a principal. */
export function principalKey(principal: Principal): string {
  switch (principal.kind) {
    case 'user':
      return `user:${principal.user.id}:${principal.user.name}`;
    case 'service':
      return `service:${principal.service.id}:${principal.service.name}`;
    case 'robot':
      return `robot:${principal.robot.id}:${principal.robot.name}`;
    case 'anonymous':
      return 'anonymous';
  }
}
