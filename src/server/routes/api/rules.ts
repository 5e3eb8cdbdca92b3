/**
 * /api/v1/rules (administrators only): the ordered custom allow/deny rules evaluated before
 * the seed access model (see src/policy/rule.ts for the precedence).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { BadRequest } from '../../../domain/errors.ts';
import { validateRules } from '../../../policy/index.ts';
import { ModelWriter } from '../../../store/model-writer.ts';
import type { AppContext } from '../../context.ts';
import { auditChange, requireAdmin } from './access-guard.ts';
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
  const writer = new ModelWriter(ctx.db);

  app.get(
    `${API_PREFIX}/rules`,
    { schema: { summary: 'The custom rules, in order', tags } },
    async (request) => {
      requireAdmin(request);
      await ctx.authority.refresh();
      return { rules: ctx.authority.snapshot.rules };
    },
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
    async (request) => {
      requireAdmin(request);
      const problems = validateRules(request.body);
      if (problems.length > 0) throw new BadRequest(`invalid rules: ${problems.join('; ')}`);
      await writer.replaceRules(request.body);
      await ctx.authority.refresh();
      auditChange(ctx, request, {
        action: 'rules.replace',
        target: 'rules',
        details: { count: request.body.length },
      });
      return { rules: ctx.authority.snapshot.rules };
    },
  );
}
