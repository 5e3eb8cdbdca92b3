/**
 * `who-can`: every principal that would get at least one of a scope's actions on a registry,
 * with the actions each would get, asked of the decision code /token uses (`allowedBits`, the
 * engine) for each principal — never a second reading of the model.
 *
 * A literal scope is one decision per principal. A scope with a wildcard asks about the
 * witnesses of review-witnesses.ts that the pattern matches, and a principal gets the union
 * of what it is granted on them: "push to some repository under apps/shop/".
 */
import { type Action, intersectActions, type ResourceActions } from '../domain/access.ts';
import type { PrincipalKind, Registry } from '../domain/model.ts';
import type { AccessModel } from './access-model.ts';
import { allowedBits, allowedSet } from './engine.ts';
import { byKindThenName, reviewPrincipals } from './review-principals.ts';
import { WitnessPlanner } from './review-witnesses.ts';
import { type ScopePattern, sortActions } from './scope-pattern.ts';

export interface WhoCanEntry {
  readonly kind: PrincipalKind;
  readonly name: string;
  readonly actions: Action[];
}

export interface ReviewOptions {
  /** Epoch milliseconds (robot expiry, disabled checks); default Date.now(). */
  readonly now?: number;
  /** The client address rules with `sources` see; without it such rules match no one. */
  readonly sourceAddress?: string;
}

/** Sorted by kind, then name. */
export function whoCan(
  model: AccessModel,
  registry: Registry,
  scope: ScopePattern,
  options: ReviewOptions = {},
): WhoCanEntry[] {
  const now = options.now ?? Date.now();
  const planner = scope.wildcard ? new WitnessPlanner(model, scope.pattern) : undefined;
  const entries: WhoCanEntry[] = [];
  for (const { kind, name, principal } of reviewPrincipals(model, now)) {
    const names = planner
      ? [...new Set(planner.candidates(principal).flatMap((c) => c.witnesses))]
      : [scope.name];
    const granted = new Set<Action>();
    for (const repository of names) {
      const resource: ResourceActions = { type: scope.type, name: repository, actions: scope.actions };
      const bits = allowedBits(model, {
        principal,
        registry,
        resource,
        now,
        ...(options.sourceAddress === undefined ? {} : { sourceAddress: options.sourceAddress }),
      });
      if (bits === 0) continue;
      for (const action of intersectActions(scope.actions, allowedSet(bits))) granted.add(action);
    }
    if (granted.size > 0) entries.push({ kind, name, actions: sortActions(granted) });
  }
  return entries.sort(byKindThenName);
}
