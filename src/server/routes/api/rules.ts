/** /api/v1/rules (administrators only): parse, call the rule service, render. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { callerOf } from './caller.ts';
import { API_PREFIX } from './openapi.ts';

const tags = ['rules'];
const RuleList = Type.Array(
  Type.Unknown({
    description: 'A rule: {id?, effect, actions, registry?, repository?, principals?, sources?, comment?}',
  }),
  {
    maxItems: 10_000,
    hint: 'the body is the ordered list of rules (a JSON array)',
  },
);

export async function ruleRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const rules = ctx.services.rules;

  app.get(
    `${API_PREFIX}/rules`,
    { schema: { summary: 'The custom rules, in order', tags } },
    async (request) => ({ rules: await rules.list(callerOf(request)) }),
  );

  app.put<{ Body: unknown[] }>(
    `${API_PREFIX}/rules`,
    {
      schema: {
        summary: 'Replace the custom rules',
        description:
          'Every problem is reported as `rules[i].field: message`; nothing changes unless all rules are valid.',
        tags,
        body: RuleList,
      },
    },
    async (request) => ({ rules: await rules.replace(callerOf(request), request.body) }),
  );
}
