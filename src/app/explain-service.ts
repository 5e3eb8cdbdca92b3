/**
 * Why an account gets (or does not get) each action on a resource of a registry, naming the
 * deciding seed clause or custom rule. Administrators may explain any account, managers any
 * account on the registries they are responsible for, and everyone their own access.
 *
 * The answer comes from the decision code /token uses (Authority.explain, the policy engine),
 * never from a second implementation; an access review (who can, what can) is built on it.
 */
import { parseScopes } from '../domain/access.ts';
import { BadRequest, Denied, NotFound } from '../domain/errors.ts';
import { type Principal, principalName } from '../domain/model.ts';
import { type Explanation, formatExplanation } from '../policy/index.ts';
import type { Authority } from './authority.ts';
import { managesRegistry, requireAuthenticated } from './authorization.ts';
import type { Caller } from './caller.ts';

export interface ExplainRequest {
  /** The user, service or robot name. */
  readonly account: string;
  readonly kind?: 'user' | 'service' | 'robot' | undefined;
  /** The registry's token service. */
  readonly service: string;
  /** `type:name:actions` scopes, as /token takes them. */
  readonly scopes: readonly string[];
  /** Client address, for rules with sources. */
  readonly source?: string | undefined;
}

export interface ExplainResult {
  readonly explanations: Explanation[];
  /** The same as `purser explain` prints. */
  readonly text: string;
}

export class ExplainService {
  constructor(private readonly deps: { readonly authority: Authority }) {}

  async explain(caller: Caller, request: ExplainRequest): Promise<ExplainResult> {
    const principal = requireAuthenticated(caller);
    const { authority } = this.deps;
    await authority.refresh();
    const registry = authority.registry(request.service);
    if (!registry)
      throw new BadRequest(`unknown registry service "${request.service}" (see purser registry list)`);
    const self = principalName(principal) === request.account;
    if (!self && !managesRegistry(principal, registry, authority.snapshot.mode)) {
      throw new Denied(
        `only administrators and managers of ${registry.service} may explain another account's access`,
      );
    }
    const subject = this.#principal(request.account, request.kind);
    const accesses = parseScopes(request.scopes);
    if (accesses.length === 0)
      throw new BadRequest(
        'scope: no repository or registry scope given (e.g. repository:team/web:pull,push)',
      );
    const explanations = accesses.map((access) =>
      authority.explain(subject, registry, access, request.source),
    );
    return { explanations, text: explanations.map((e) => formatExplanation(e)).join('\n\n') };
  }

  #principal(account: string, kind: ExplainRequest['kind']): Principal {
    const record = this.deps.authority.credential(account);
    if (!record) throw new NotFound(`no user, service or robot named "${account}"`);
    if (kind && record.kind !== kind) throw new NotFound(`"${account}" is a ${record.kind}, not a ${kind}`);
    const principal = this.deps.authority.principal(record);
    if (!principal) throw new NotFound(`no ${record.kind} named "${account}"`);
    return principal;
  }
}
