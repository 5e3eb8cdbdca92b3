/**
 * `what-can`: for one principal and each registry, the namespaces (and rule or robot
 * patterns) where it may pull, push or delete, and the catalog, each action with the seed
 * clause or custom rule that grants it. Every answer is `explain` (the engine /token decides
 * with) on the namespace's witness repository (review-witnesses.ts).
 *
 * A rule or robot pattern is listed only where a rule or the robot's pattern decided one of
 * its actions; otherwise it says nothing its namespace does not already say.
 */
import type { Action } from '../domain/access.ts';
import type { Principal, PrincipalKind, Registry } from '../domain/model.ts';
import { mayAct } from '../domain/standing.ts';
import type { AccessModel } from './access-model.ts';
import type { DecisionRequest, RuleRef, SeedClause } from './decision.ts';
import { allowedBits, explain } from './engine.ts';
import { reviewName } from './review-principals.ts';
import { type Candidate, WitnessPlanner } from './review-witnesses.ts';
import { RuleContext, ruleFailure } from './rule-matcher.ts';
import type { ReviewOptions } from './who-can.ts';

export interface ActionGrant {
  readonly action: Action;
  readonly clause: SeedClause | 'rule';
  readonly rule?: RuleRef;
  /** `push allowed: alice is in group ops, a responsible group of registry.test` */
  readonly reason: string;
}

export interface NamespaceAccess {
  /** `users/alice/*`, `groups/dev/*`, `apps/shop/*`, a rule's or robot's pattern, `*` (any other), `catalog`. */
  readonly namespace: string;
  readonly source: Candidate['source'] | 'catalog';
  /** The repository the decision was asked for (the catalog: `catalog`). */
  readonly repository: string;
  readonly actions: Action[];
  readonly grants: ActionGrant[];
}

export interface RegistryAccess {
  readonly registry: string;
  readonly namespaces: NamespaceAccess[];
}

export interface PrincipalAccess {
  readonly kind: PrincipalKind;
  readonly name: string;
  readonly registries: RegistryAccess[];
}

const REPOSITORY_ACTIONS: readonly Action[] = ['pull', 'push', 'delete'];

export function whatCan(
  model: AccessModel,
  principal: Principal,
  registries: readonly Registry[],
  options: ReviewOptions = {},
  planner: WitnessPlanner = new WitnessPlanner(model),
): PrincipalAccess {
  const now = options.now ?? Date.now();
  return {
    kind: principal.kind,
    name: reviewName(principal),
    registries: registries.map((registry) => ({
      registry: registry.service,
      namespaces: namespacesOn(model, principal, registry, now, options.sourceAddress, planner),
    })),
  };
}

/** The namespaces of one registry, in candidate order (own namespaces, patterns, `*`, catalog). */
export function namespacesOn(
  model: AccessModel,
  principal: Principal,
  registry: Registry,
  now: number,
  sourceAddress: string | undefined,
  planner: WitnessPlanner,
): NamespaceAccess[] {
  const result: NamespaceAccess[] = [];
  // The login refuses these before any decision (as who-can leaves them out).
  if (!mayAct(principal, now)) return result;
  const base = { principal, registry, now, ...(sourceAddress === undefined ? {} : { sourceAddress }) };
  for (const { candidate, witness } of planner.candidates(principal, false)) {
    const request: DecisionRequest = {
      ...base,
      resource: { type: 'repository', name: witness, actions: REPOSITORY_ACTIONS },
    };
    // A rule pattern is shown where its rule decides: when the rule does not even match, skip
    // it before the decision (the cheap check: one rule, not all of them).
    if (candidate.rules) {
      const ctx = new RuleContext(model, request);
      if (!candidate.rules.some((rule) => ruleFailure(rule, ctx) === 0)) continue;
    }
    if (allowedBits(model, request) === 0) continue;
    const explanation = explain(model, request);
    const pattern = candidate.source === 'rule' || candidate.source === 'robot';
    if (
      pattern &&
      !explanation.actions.some((v) => v.decidedBy === 'rule' || v.clause === 'robot-permission')
    )
      continue;
    const grants = explanation.actions
      .filter((v) => v.allowed)
      .map((v) => ({
        action: v.action,
        clause: v.clause,
        ...(v.rule ? { rule: v.rule } : {}),
        reason: v.reason,
      }));
    result.push({
      namespace: candidate.label,
      source: candidate.source,
      repository: witness,
      actions: grants.map((g) => g.action),
      grants,
    });
  }
  const catalog: DecisionRequest = {
    ...base,
    resource: { type: 'registry', name: 'catalog', actions: ['*'] },
  };
  if (allowedBits(model, catalog) !== 0) {
    const verdict = explain(model, catalog).actions.find((v) => v.action === '*')!;
    result.push({
      namespace: 'catalog',
      source: 'catalog',
      repository: 'catalog',
      actions: ['*'],
      grants: [{ action: '*', clause: verdict.clause, reason: verdict.reason }],
    });
  }
  return result;
}
