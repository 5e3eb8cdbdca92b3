/**
 * Matching one custom rule against one request: the per-request context (computed lazily:
 * the placeholder subject and the parsed source address are built only when a rule needs
 * them), the match itself as a failure code (0 = match), and the words for a failure.
 */

import { principalName, type User } from '../domain/model.ts';
import type { AccessModel } from './access-model.ts';
import { parseAddress } from './cidr.ts';
import type { DecisionRequest } from './decision.ts';
import { globMatches, placeholderSubject } from './matchers.ts';
import { type CompiledRule, kindBit } from './rule.ts';
import { firstIn } from './seed-policy.ts';

/** Per-request values rules need, computed lazily. */
export class RuleContext {
  readonly kind: number;
  readonly account: string;
  readonly service: string;
  readonly repository: string;
  readonly user: User | undefined;
  readonly source: string | undefined;
  readonly #model: AccessModel;
  #address: Uint8Array | null | undefined = null;
  #accountSubject: string | undefined;
  #groupSubject: string | undefined;

  constructor(model: AccessModel, request: DecisionRequest) {
    this.#model = model;
    this.kind = kindBit(request.principal.kind);
    this.account = principalName(request.principal);
    this.service = request.registry.service;
    this.repository = request.resource.name;
    this.user = request.principal.kind === 'user' ? request.principal.user : undefined;
    this.source = request.sourceAddress;
  }

  get address(): Uint8Array | undefined {
    if (this.#address === null)
      this.#address = this.source === undefined ? undefined : parseAddress(this.source);
    return this.#address;
  }

  /** The subject for a placeholder glob; group names are joined only when it uses `${group}`. */
  placeholderSubject(withGroups: boolean): string {
    if (!withGroups) {
      this.#accountSubject ??= placeholderSubject(this.account, '', this.repository);
      return this.#accountSubject;
    }
    if (this.#groupSubject === undefined) {
      const groups = this.user ? this.#model.joinedGroupNames(this.user) : '\u0001';
      this.#groupSubject = placeholderSubject(this.account, groups, this.repository);
    }
    return this.#groupSubject;
  }
}

const KIND = 1;
const REGISTRY = 2;
const REPOSITORY = 3;
const ACCOUNT = 4;
const GROUP = 5;
const SOURCE = 6;

/** 0 when the rule matches, else the code of the first condition that failed. */
export function ruleFailure(rule: CompiledRule, ctx: RuleContext): number {
  if ((rule.kindBits & ctx.kind) === 0) return KIND;
  if (rule.registry && !globMatches(rule.registry, ctx.service)) return REGISTRY;
  if (rule.repository) {
    const glob = rule.repository;
    if (glob.usesAccount || glob.usesGroup) {
      if (ctx.account === '' || !glob.regex.test(ctx.placeholderSubject(glob.usesGroup))) return REPOSITORY;
    } else if (!globMatches(glob, ctx.repository)) return REPOSITORY;
  }
  if (rule.accounts) {
    if (ctx.account === '' || !rule.accounts.some((glob) => globMatches(glob, ctx.account))) return ACCOUNT;
  }
  if (rule.groupIds) {
    const user = ctx.user;
    if (!user || firstIn(user.groups, rule.groupIds) < 0) return GROUP;
  }
  if (rule.sources) {
    const address = ctx.address;
    if (!address || !rule.sources.containsParsed(address)) return SOURCE;
  }
  return 0;
}

export function describeFailure(code: number, rule: CompiledRule, ctx: RuleContext): string {
  const who = ctx.account === '' ? 'anonymous' : ctx.account;
  switch (code) {
    case KIND:
      return `principal kind is not one of ${rule.rule.principals?.kinds?.join(', ')}`;
    case REGISTRY:
      return `registry "${ctx.service}" does not match "${rule.rule.registry}"`;
    case REPOSITORY:
      return `repository "${ctx.repository}" does not match "${rule.rule.repository}"${
        rule.repository?.usesAccount || rule.repository?.usesGroup ? ` for ${who}` : ''
      }`;
    case ACCOUNT:
      return `account ${who} does not match ${rule.rule.principals?.accounts?.join(', ')}`;
    case GROUP:
      return `${who} is in none of the groups ${rule.rule.principals?.groups?.join(', ')}`;
    default:
      return ctx.address
        ? `source address ${ctx.source} is outside ${rule.rule.sources?.join(', ')}`
        : `no valid source address is known, so ${rule.rule.sources?.join(', ')} cannot match`;
  }
}
