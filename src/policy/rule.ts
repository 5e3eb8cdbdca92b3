/**
 * Custom access rules: an ordered list evaluated before the seed model.
 *
 * Precedence (see engine.ts for the whole order):
 *  1. disabled principals and expired robots get nothing; rules are not consulted;
 *  2. administrators get everything; rules are not consulted;
 *  3. rules apply to `repository` resources only (the catalog stays a seed decision). They are
 *     read in order, and for each action (`pull`, `push`, `delete`; `*` = all three) the FIRST
 *     rule that matches the request and lists the action decides it: `allow` grants it,
 *     `deny` removes it. Later rules never override an earlier decision for that action;
 *  4. actions no rule decided fall back to the seed model. The seed's derived clauses use the
 *     effective result: pull is allowed where push is (a push needs both), and delete follows
 *     push (except for robots, whose delete comes only from the `admin` permission). So a rule
 *     denying push also removes delete unless another rule allows delete explicitly.
 *
 * A rule matches when every condition it sets holds (AND); each list condition holds when
 * any of its entries does (OR); an absent condition always holds:
 *  - `registry`: glob over the registry's service name;
 *  - `repository`: glob over the repository name, with `${account}` and `${group}`;
 *  - `principals.kinds`: user | service | robot | anonymous;
 *  - `principals.accounts`: globs over the principal's name (anonymous has no name, never matches);
 *  - `principals.groups`: group names (or numeric ids) the user must belong to (users only);
 *  - `sources`: CIDR blocks containing the request's source address (no address = no match).
 */
import type { PrincipalKind } from '../domain/model.ts';
import { CidrSet, cidrProblem } from './cidr.ts';
import { type CompiledGlob, compileGlob, globProblems } from './matchers.ts';

export type RuleEffect = 'allow' | 'deny';
export type RuleAction = 'pull' | 'push' | 'delete' | '*';

export interface RulePrincipals {
  readonly kinds?: readonly PrincipalKind[];
  readonly accounts?: readonly string[];
  readonly groups?: readonly string[];
}

export interface AccessRule {
  readonly id?: string;
  readonly effect: RuleEffect;
  readonly actions: readonly RuleAction[];
  readonly registry?: string;
  readonly repository?: string;
  readonly principals?: RulePrincipals;
  readonly sources?: readonly string[];
  readonly comment?: string;
}

/** Action bits shared by the engine. */
export const PULL = 1;
export const PUSH = 2;
export const DELETE = 4;
export const CATALOG = 8;
export const REPOSITORY_BITS = PULL | PUSH | DELETE;

const KIND_BITS: Readonly<Record<PrincipalKind, number>> = { user: 1, service: 2, robot: 4, anonymous: 8 };
const ACTION_BITS: Readonly<Record<RuleAction, number>> = {
  pull: PULL,
  push: PUSH,
  delete: DELETE,
  '*': REPOSITORY_BITS,
};
const RULE_KEYS = new Set([
  'id',
  'effect',
  'actions',
  'registry',
  'repository',
  'principals',
  'sources',
  'comment',
]);
const PRINCIPAL_KEYS = new Set(['kinds', 'accounts', 'groups']);

export function kindBit(kind: PrincipalKind): number {
  return KIND_BITS[kind];
}

/** A validated rule ready for matching. */
export interface CompiledRule {
  readonly rule: AccessRule;
  /** 1-based position, as shown in explanations (`rule #2`). */
  readonly number: number;
  readonly effect: RuleEffect;
  readonly actionBits: number;
  /** Bit set of principal kinds; all bits when unrestricted. */
  readonly kindBits: number;
  readonly registry: CompiledGlob | undefined;
  readonly repository: CompiledGlob | undefined;
  readonly accounts: readonly CompiledGlob[] | undefined;
  /** Group names and numeric ids as given. */
  readonly groups: readonly string[] | undefined;
  /** The ids of those groups that exist (a rule naming only unknown groups matches no one). */
  readonly groupIds: ReadonlySet<number> | undefined;
  readonly sources: CidrSet | undefined;
}

/** `rule #2 'no-prod-push' (deny)` */
export function ruleLabel(rule: CompiledRule): string {
  const id = rule.rule.id === undefined ? '' : ` '${rule.rule.id}'`;
  return `rule #${rule.number}${id} (${rule.effect})`;
}

/**
 * Every problem in a list of rules as `path: message` (empty when valid). `value` is the raw
 * configuration value, so this also reports wrong types and unknown keys.
 */
export function validateRules(value: unknown, path = 'rules'): string[] {
  const problems: string[] = [];
  if (value === undefined) return problems;
  if (!Array.isArray(value)) return [`${path}: must be a list of rules`];
  const ids = new Map<string, number>();
  value.forEach((rule: unknown, index) => {
    const at = `${path}[${index}]`;
    if (!isObject(rule)) {
      problems.push(`${at}: must be an object with effect and actions`);
      return;
    }
    for (const key of Object.keys(rule)) {
      if (!RULE_KEYS.has(key))
        problems.push(`${at}.${key}: unknown key (expected one of ${[...RULE_KEYS].join(', ')})`);
    }
    if (rule.id !== undefined) {
      if (typeof rule.id !== 'string' || rule.id === '')
        problems.push(`${at}.id: must be a non-empty string`);
      else if (ids.has(rule.id))
        problems.push(`${at}.id: duplicate id "${rule.id}" (also ${path}[${ids.get(rule.id)}])`);
      else ids.set(rule.id, index);
    }
    if (rule.effect !== 'allow' && rule.effect !== 'deny')
      problems.push(`${at}.effect: must be "allow" or "deny"`);
    if (!Array.isArray(rule.actions) || rule.actions.length === 0) {
      problems.push(`${at}.actions: must be a non-empty list of pull, push, delete or *`);
    } else {
      rule.actions.forEach((action: unknown, i) => {
        if (typeof action !== 'string' || !(action in ACTION_BITS)) {
          problems.push(
            `${at}.actions[${i}]: unknown action ${JSON.stringify(action)} (pull, push, delete or *)`,
          );
        }
      });
    }
    checkGlob(problems, `${at}.registry`, rule.registry, false);
    checkGlob(problems, `${at}.repository`, rule.repository, true);
    if (rule.comment !== undefined && typeof rule.comment !== 'string')
      problems.push(`${at}.comment: must be a string`);
    if (rule.principals !== undefined) checkPrincipals(problems, `${at}.principals`, rule.principals);
    if (rule.sources !== undefined) {
      if (!Array.isArray(rule.sources) || rule.sources.length === 0) {
        problems.push(`${at}.sources: must be a non-empty list of CIDR strings`);
      } else {
        rule.sources.forEach((cidr: unknown, i) => {
          const problem = cidrProblem(cidr);
          if (problem) problems.push(`${at}.sources[${i}]: ${problem}`);
        });
      }
    }
  });
  return problems;
}

/**
 * Compile rules that passed validateRules (throws TypeError otherwise). `resolveGroup` maps a
 * group name or numeric id of `principals.groups` to a group id (undefined when unknown).
 */
export function compileRules(
  rules: readonly AccessRule[],
  resolveGroup: (key: string) => number | undefined = () => undefined,
): CompiledRule[] {
  const problems = validateRules(rules);
  if (problems.length > 0) throw new TypeError(`invalid rules: ${problems.join('; ')}`);
  return rules.map((rule, index) => compileRule(rule, index + 1, resolveGroup));
}

function compileRule(
  rule: AccessRule,
  number: number,
  resolveGroup: (key: string) => number | undefined,
): CompiledRule {
  let actionBits = 0;
  for (const action of rule.actions) actionBits |= ACTION_BITS[action];
  let kindBits = 0xf;
  if (rule.principals?.kinds) {
    kindBits = 0;
    for (const kind of rule.principals.kinds) kindBits |= KIND_BITS[kind];
  }
  return Object.freeze({
    rule,
    number,
    effect: rule.effect,
    actionBits,
    kindBits,
    registry: rule.registry === undefined ? undefined : compileGlob(rule.registry),
    repository:
      rule.repository === undefined ? undefined : compileGlob(rule.repository, { placeholders: true }),
    accounts: rule.principals?.accounts?.map((pattern) => compileGlob(pattern)),
    groups: rule.principals?.groups,
    groupIds: rule.principals?.groups ? groupIds(rule.principals.groups, resolveGroup) : undefined,
    sources: rule.sources === undefined ? undefined : new CidrSet(rule.sources),
  });
}

function groupIds(
  keys: readonly string[],
  resolveGroup: (key: string) => number | undefined,
): ReadonlySet<number> {
  const ids = new Set<number>();
  for (const key of keys) {
    const id = resolveGroup(key);
    if (id !== undefined) ids.add(id);
  }
  return ids;
}

function checkPrincipals(problems: string[], at: string, value: unknown): void {
  if (!isObject(value)) {
    problems.push(`${at}: must be an object with kinds, accounts and/or groups`);
    return;
  }
  for (const key of Object.keys(value)) {
    if (!PRINCIPAL_KEYS.has(key))
      problems.push(`${at}.${key}: unknown key (expected kinds, accounts or groups)`);
  }
  if (value.kinds !== undefined) {
    if (!Array.isArray(value.kinds) || value.kinds.length === 0)
      problems.push(`${at}.kinds: must be a non-empty list`);
    else
      value.kinds.forEach((kind: unknown, i) => {
        if (typeof kind !== 'string' || !(kind in KIND_BITS)) {
          problems.push(
            `${at}.kinds[${i}]: unknown kind ${JSON.stringify(kind)} (user, service, robot or anonymous)`,
          );
        }
      });
  }
  if (value.accounts !== undefined) {
    if (!Array.isArray(value.accounts) || value.accounts.length === 0)
      problems.push(`${at}.accounts: must be a non-empty list`);
    else
      value.accounts.forEach((pattern: unknown, i) => {
        checkGlob(problems, `${at}.accounts[${i}]`, pattern, false);
      });
  }
  if (value.groups !== undefined) {
    if (!Array.isArray(value.groups) || value.groups.length === 0)
      problems.push(`${at}.groups: must be a non-empty list`);
    else
      value.groups.forEach((group: unknown, i) => {
        if (typeof group !== 'string' || group === '')
          problems.push(`${at}.groups[${i}]: must be a group name or id`);
      });
  }
}

function checkGlob(problems: string[], at: string, value: unknown, placeholders: boolean): void {
  if (value === undefined) return;
  if (typeof value !== 'string') {
    problems.push(`${at}: must be a glob string`);
    return;
  }
  for (const problem of globProblems(value, { placeholders })) problems.push(`${at}: "${value}" ${problem}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
