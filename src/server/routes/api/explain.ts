/**
 * GET /api/v1/explain: why an account gets (or does not get) each action on a resource of a
 * registry, naming the deciding seed clause or custom rule. Administrators may explain any
 * account, managers any account on the registries they are responsible for, and everyone
 * their own access.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { parseScopes } from '../../../domain/access.ts';
import { BadRequest, Denied, NotFound } from '../../../domain/errors.ts';
import { type Principal, principalName } from '../../../domain/model.ts';
import { formatExplanation } from '../../../policy/index.ts';
import type { AppContext } from '../../context.ts';
import { managesRegistry, requireAuthenticated } from './access-guard.ts';
import { API_PREFIX } from './openapi.ts';
import { strictObject } from './schemas.ts';

const SCOPE = Type.String({
  minLength: 1,
  maxLength: 4096,
  description: 'type:name:actions, e.g. repository:team/web:pull,push',
});
const ExplainQuery = strictObject({
  account: Type.String({ minLength: 1, maxLength: 255, description: 'The user, service or robot name' }),
  kind: Type.Optional(
    Type.Union([Type.Literal('user'), Type.Literal('service'), Type.Literal('robot')], {
      hint: 'kind is user, service or robot',
    }),
  ),
  service: Type.String({ minLength: 1, maxLength: 255, description: "The registry's token service" }),
  scope: Type.Union([SCOPE, Type.Array(SCOPE, { minItems: 1, maxItems: 50 })], {
    description: 'One or more scopes (repeat the parameter or separate with spaces)',
  }),
  source: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, description: 'Client address, for rules with sources' }),
  ),
});

interface ExplainQueryValue {
  account: string;
  kind?: 'user' | 'service' | 'robot';
  service: string;
  scope: string | string[];
  source?: string;
}

export async function explainRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get<{ Querystring: ExplainQueryValue }>(
    `${API_PREFIX}/explain`,
    {
      schema: {
        summary: 'Explain an access decision',
        description:
          'For each requested resource: the allowed and granted actions, one verdict per action with the deciding seed clause or rule (`decidedBy`, `clause`, `rule`, `reason`), and the trace of custom rules. `text` is the same as `purser explain` prints.',
        tags: ['explain'],
        querystring: ExplainQuery,
      },
    },
    async (request) => {
      const caller = requireAuthenticated(request);
      const query = request.query;
      await ctx.authority.refresh();
      const registry = ctx.authority.registry(query.service);
      if (!registry)
        throw new BadRequest(`unknown registry service "${query.service}" (see purser registry list)`);
      const self = principalName(caller) === query.account;
      if (!self && !managesRegistry(caller, registry, ctx)) {
        throw new Denied(
          `only administrators and managers of ${registry.service} may explain another account's access`,
        );
      }
      const principal = findPrincipal(ctx, query.account, query.kind);
      const accesses = parseScopes(Array.isArray(query.scope) ? query.scope : [query.scope]);
      if (accesses.length === 0)
        throw new BadRequest(
          'scope: no repository or registry scope given (e.g. repository:team/web:pull,push)',
        );
      const explanations = accesses.map((access) =>
        ctx.authority.explain(principal, registry, access, query.source),
      );
      return { explanations, text: explanations.map((e) => formatExplanation(e)).join('\n\n') };
    },
  );
}

function findPrincipal(ctx: AppContext, account: string, kind: ExplainQueryValue['kind']): Principal {
  const record = ctx.authority.credential(account);
  if (!record) throw new NotFound(`no user, service or robot named "${account}"`);
  if (kind && record.kind !== kind) throw new NotFound(`"${account}" is a ${record.kind}, not a ${kind}`);
  const principal = ctx.authority.principal(record);
  if (!principal) throw new NotFound(`no ${record.kind} named "${account}"`);
  return principal;
}
