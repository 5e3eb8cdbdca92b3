/**
 * The authority's access controller: holds the current AccessModel (swapped atomically when
 * the data changes) and turns requested accesses into granted ones.
 */
import { type Action, intersectActions, type ResourceActions } from '../domain/access.ts';
import type { Principal, Registry } from '../domain/model.ts';
import type { AccessModel } from './access-model.ts';
import type { Decision, DecisionRequest, Explanation } from './decision.ts';
import { allowedBits, allowedSet, decide, explain } from './engine.ts';

export class AccessController {
  #model: AccessModel;

  constructor(model: AccessModel) {
    this.#model = model;
  }

  get model(): AccessModel {
    return this.#model;
  }

  /** Use a new snapshot from now on (decisions in progress keep the old one). */
  replaceModel(model: AccessModel): void {
    this.#model = model;
  }

  /**
   * One entry per requested resource, in order, each holding intersect(requested, allowed);
   * `actions` is empty when nothing is allowed. Never throws for a partial or empty grant.
   * `now` (epoch ms, default Date.now()) decides robot expiry.
   */
  authorize(
    principal: Principal,
    registry: Registry,
    accesses: readonly ResourceActions[],
    sourceAddress?: string,
    now?: number,
  ): ResourceActions[] {
    const model = this.#model;
    const at = now ?? Date.now();
    return accesses.map((resource) => {
      const request: DecisionRequest = { principal, registry, resource, sourceAddress, now: at };
      const granted: Action[] = intersectActions(resource.actions, allowedSet(allowedBits(model, request)));
      return { type: resource.type, name: resource.name, actions: granted };
    });
  }

  decide(request: DecisionRequest): Decision {
    return decide(this.#model, request);
  }

  explain(request: DecisionRequest): Explanation {
    return explain(this.#model, request);
  }
}
