/**
 * The principals an access review looks at: every user of the model (local ones and those an
 * identity source has put in the model), every service and robot, and `anonymous`; disabled
 * principals and expired robots are left out, as the token endpoint refuses their login
 * (`mayAct` of domain/standing.ts, the check the credential authenticator makes) before any decision.
 *
 * Also the reverse indexes the review needs: which apps a group is published to or
 * responsible for.
 */
import { type App, type Principal, type PrincipalKind, principalName } from '../domain/model.ts';
import { mayAct } from '../domain/standing.ts';
import type { AccessModel } from './access-model.ts';

export interface ReviewPrincipal {
  readonly kind: PrincipalKind;
  /** `anonymous` for the anonymous principal. */
  readonly name: string;
  readonly principal: Principal;
}

const ANONYMOUS: ReviewPrincipal = Object.freeze({
  kind: 'anonymous',
  name: 'anonymous',
  principal: Object.freeze({ kind: 'anonymous' }),
});

/** Enabled principals at `now` (epoch ms), users first, then services, robots, anonymous. */
export function reviewPrincipals(model: AccessModel, now: number): ReviewPrincipal[] {
  const result: ReviewPrincipal[] = [];
  const add = (principal: Principal) => {
    if (mayAct(principal, now))
      result.push({ kind: principal.kind, name: principalName(principal), principal });
  };
  for (const user of model.users.byId.values()) add({ kind: 'user', user });
  for (const service of model.services.byId.values()) add({ kind: 'service', service });
  for (const robot of model.robots.byId.values()) add({ kind: 'robot', robot });
  result.push(ANONYMOUS);
  return result;
}

/** The review principal for a kind and name, enabled or not (undefined when unknown). */
export function findPrincipal(model: AccessModel, kind: PrincipalKind, name: string): Principal | undefined {
  switch (kind) {
    case 'user': {
      const user = model.users.byName.get(name);
      return user && { kind, user };
    }
    case 'service': {
      const service = model.services.byName.get(name);
      return service && { kind, service };
    }
    case 'robot': {
      const robot = model.robots.byName.get(name);
      return robot && { kind, robot };
    }
    case 'anonymous':
      return ANONYMOUS.principal;
  }
}

/** The display name of a principal in a review (`anonymous` for anonymous). */
export function reviewName(principal: Principal): string {
  return principal.kind === 'anonymous' ? 'anonymous' : principalName(principal);
}

/** Sort by kind, then name (code-unit order): the order of every review listing. */
export function byKindThenName(a: { kind: string; name: string }, b: { kind: string; name: string }): number {
  if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

const appsByGroup = new WeakMap<AccessModel, ReadonlyMap<number, readonly App[]>>();

/** Apps that group `id` is a publication or responsible group of. */
export function appsOfGroup(model: AccessModel, id: number): readonly App[] {
  let index = appsByGroup.get(model);
  if (!index) {
    const built = new Map<number, App[]>();
    for (const app of model.apps.byId.values()) {
      for (const group of new Set([...app.publications, ...app.responsibles])) {
        const list = built.get(group);
        if (list) list.push(app);
        else built.set(group, [app]);
      }
    }
    index = built;
    appsByGroup.set(model, index);
  }
  return index.get(id) ?? [];
}

/** The apps related to a user's groups, each once. */
export function appsOfUser(model: AccessModel, groups: readonly number[]): App[] {
  const apps = new Map<number, App>();
  for (const id of groups) for (const app of appsOfGroup(model, id)) apps.set(app.id, app);
  return [...apps.values()];
}
