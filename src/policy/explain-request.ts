/**
 * The lookup behind `purser explain --account A --service S --scope SCOPE` (and the API):
 * resolve the account and the registry in a model, parse the scope(s), explain each resource.
 */
import { parseScopes } from '../domain/access.ts';
import { BadRequest, NotFound } from '../domain/errors.ts';
import type { Principal } from '../domain/model.ts';
import type { AccessModel } from './access-model.ts';
import type { Explanation } from './decision.ts';
import { explain } from './engine.ts';

export interface ExplainQuery {
  /** A user, service or robot name (in that order of lookup); `anonymous` or '' for none. */
  readonly account: string;
  /** The registry's service name. */
  readonly service: string;
  /** One or more scopes, e.g. `repository:team/web:pull,push registry:catalog:*`. */
  readonly scope: string | readonly string[];
  readonly sourceAddress?: string;
  /** Epoch milliseconds; defaults to Date.now(). */
  readonly now?: number;
}

/** One explanation per requested resource. Throws NotFound or BadRequest with one clear line. */
export function explainAccess(model: AccessModel, query: ExplainQuery, principal?: Principal): Explanation[] {
  const who = principal ?? model.principalFor(query.account);
  if (!who) throw new NotFound(`no user, service or robot named "${query.account}"`);
  const registry = model.registryByService(query.service);
  if (!registry) throw new NotFound(`no registry with service "${query.service}"`);
  const resources = parseScopes(typeof query.scope === 'string' ? [query.scope] : query.scope);
  if (resources.length === 0)
    throw new BadRequest('no scope of a known resource type (repository or registry) was given');
  const now = query.now ?? Date.now();
  return resources.map((resource) =>
    explain(model, {
      principal: who,
      registry,
      resource,
      now,
      ...(query.sourceAddress === undefined ? {} : { sourceAddress: query.sourceAddress }),
    }),
  );
}
