/**
 * What the policy is asked and what it answers: DecisionRequest, Decision, and the
 * structured Explanation behind `purser explain`.
 */
import type { Action, ResourceActions, ResourceType } from '../domain/access.ts';
import type { Principal, PrincipalKind, Registry } from '../domain/model.ts';
import type { Namespace } from './namespace.ts';
import type { RuleEffect } from './rule.ts';

export interface DecisionRequest {
  readonly principal: Principal;
  readonly registry: Registry;
  /** The requested resource and actions (`*` = every allowed action). */
  readonly resource: ResourceActions;
  /** The client's address (IPv4, IPv6 or IPv4-mapped IPv6), for rules with `sources`. */
  readonly sourceAddress?: string;
  /** Epoch milliseconds, for robot expiry; defaults to Date.now(). */
  readonly now?: number;
}

export interface Decision {
  /** Every action the principal may perform on the resource (`*` only for registry:catalog). */
  readonly allowed: ReadonlySet<Action>;
  /** intersect(requested, allowed); a requested `*` means every allowed action. */
  readonly granted: Action[];
  /** One short sentence per action considered: `pull allowed: alice is in group dev, ...`. */
  readonly reasons: Readonly<Record<Action, string>>;
}

/**
 * Which part of the policy decided an action. Seed clauses:
 * - `disabled`, `robot-expired`, `anonymous`, `admin`, `unknown-action`, `unknown-resource`
 * - `privilege` (missing Puller/Pusher/Manager), `publication` (not published on R),
 *   `responsible` (not responsible for R, or R restricted), `user-namespace`,
 *   `group-namespace`, `app-namespace`, `registry-groups` (any other prefix)
 * - `service-app` (the service's app), `service-never` (users/, groups/, push, delete)
 * - `robot-repositories`, `robot-permission`
 * - `push-implies-pull`, `delete-follows-push`, `catalog`
 */
export type SeedClause =
  | 'disabled'
  | 'robot-expired'
  | 'anonymous'
  | 'admin'
  | 'unknown-action'
  | 'unknown-resource'
  | 'privilege'
  | 'publication'
  | 'responsible'
  | 'user-namespace'
  | 'group-namespace'
  | 'app-namespace'
  | 'registry-groups'
  | 'service-app'
  | 'service-never'
  | 'robot-repositories'
  | 'robot-permission'
  | 'push-implies-pull'
  | 'delete-follows-push'
  | 'catalog';

export interface RuleRef {
  /** 1-based position in the rule list. */
  readonly number: number;
  readonly id?: string;
  readonly effect: RuleEffect;
  readonly comment?: string;
}

export interface ActionVerdict {
  readonly action: Action;
  readonly allowed: boolean;
  /** `rule` when a custom rule decided, `seed` otherwise (bypasses count as seed). */
  readonly decidedBy: 'rule' | 'seed';
  readonly clause: SeedClause | 'rule';
  readonly rule?: RuleRef;
  readonly reason: string;
}

export interface RuleTrace {
  readonly rule: RuleRef;
  /** Whether every condition held. */
  readonly matched: boolean;
  /** The first condition that failed, when not matched (`repository "x" does not match "y"`). */
  readonly mismatch?: string;
  /** The actions this rule decided (first match per action). */
  readonly decided: readonly Action[];
}

export interface Explanation {
  readonly principal: { readonly kind: PrincipalKind; readonly name: string };
  readonly registry: string;
  readonly resource: { readonly type: ResourceType; readonly name: string };
  /** For repositories, the namespace the name falls in. */
  readonly namespace?: Namespace;
  readonly requested: readonly Action[];
  readonly allowed: readonly Action[];
  readonly granted: readonly Action[];
  /** One verdict per action considered, pull/push/delete (or `*` for the catalog) first. */
  readonly actions: readonly ActionVerdict[];
  /** Every custom rule and whether it matched; empty when rules were not consulted. */
  readonly rules: readonly RuleTrace[];
  /** Why rules were not consulted (disabled, admin, catalog), if they were not. */
  readonly rulesSkipped?: string;
}
