/** GET /api/v1/explain: parse, call the explain service (src/app/explain-service.ts), render. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { callerOf } from './caller.ts';
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
      const query = request.query;
      return ctx.services.explain.explain(callerOf(request), {
        account: query.account,
        kind: query.kind,
        service: query.service,
        scopes: Array.isArray(query.scope) ? query.scope : [query.scope],
        source: query.source,
      });
    },
  );
}
