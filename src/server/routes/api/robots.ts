/**
 * /api/v1/robots (administrators only): Quay-style robot accounts (`owner+name`) limited to
 * listed repositories (globs), with read | write | admin and an optional expiry. A secret is
 * shown once: in the create reply when generated, and in the regenerate reply.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ModelView } from '../../../app/views.ts';
import { BadRequest, Conflict, NotFound } from '../../../domain/errors.ts';
import { parseExpiry } from '../../../domain/expiry.ts';
import type { RobotPermission } from '../../../domain/model.ts';
import { generateSecret, hashSecret } from '../../../identity/password.ts';
import { globProblems } from '../../../policy/index.ts';
import { ModelWriter } from '../../../store/model-writer.ts';
import type { AppContext } from '../../context.ts';
import { auditChange, requireAdmin } from './access-guard.ts';
import { machineAccountRoutes } from './machine-account-routes.ts';
import { API_PREFIX } from './openapi.ts';
import { EXPIRES, NameParams, PERMISSION, ROBOT_NAME, SECRET, strictObject } from './schemas.ts';

const tags = ['robots'];
const REPOSITORIES = Type.Array(Type.String({ minLength: 1, maxLength: 255 }), {
  minItems: 1,
  maxItems: 1000,
  hint: 'give at least one repository name or glob (team/web, team/*, team/**)',
});
const CreateRobot = strictObject({
  name: ROBOT_NAME,
  repositories: REPOSITORIES,
  permission: PERMISSION,
  expires: Type.Optional(Type.Union([EXPIRES, Type.Null()])),
  secret: Type.Optional(SECRET),
  disabled: Type.Optional(Type.Boolean()),
});
const UpdateRobot = strictObject({
  repositories: Type.Optional(REPOSITORIES),
  permission: Type.Optional(PERMISSION),
  expires: Type.Optional(Type.Union([EXPIRES, Type.Null()])),
  disabled: Type.Optional(Type.Boolean()),
});

interface RobotBody {
  repositories?: string[];
  permission?: RobotPermission;
  expires?: string | null;
  disabled?: boolean;
}

export async function robotRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const writer = new ModelWriter(ctx.db);
  const view = () => new ModelView(ctx.authority.snapshot);
  const find = (name: string) => {
    const principal = ctx.authority.principalByName('robot', name);
    return principal?.kind === 'robot' ? principal.robot : undefined;
  };
  const require = (name: string) => {
    const found = find(name);
    if (!found) throw new NotFound(`no robot named "${name}"`);
    return found;
  };

  app.get(`${API_PREFIX}/robots`, { schema: { summary: 'List robot accounts', tags } }, async (request) => {
    requireAdmin(request);
    await ctx.authority.refresh();
    return { robots: ctx.authority.snapshot.robots.map((r) => view().robot(r)) };
  });

  app.get<{ Params: { name: string } }>(
    `${API_PREFIX}/robots/:name`,
    { schema: { summary: 'Show a robot account', tags, params: NameParams } },
    async (request) => {
      requireAdmin(request);
      await ctx.authority.refresh();
      return view().robot(require(request.params.name));
    },
  );

  app.post<{
    Body: RobotBody & { name: string; repositories: string[]; permission: RobotPermission; secret?: string };
  }>(
    `${API_PREFIX}/robots`,
    {
      schema: {
        summary: 'Create a robot account',
        description: 'Without `secret`, a secret is generated and returned once as `secret` in the reply.',
        tags,
        body: CreateRobot,
        'x-status': 201,
      },
    },
    async (request, reply) => {
      requireAdmin(request);
      const body = request.body;
      checkRepositories(body.repositories);
      const expiresAt = expiry(body.expires);
      await ctx.authority.refresh();
      if (ctx.authority.credential(body.name)) throw new Conflict(`the name "${body.name}" is already taken`);
      const generated = body.secret === undefined ? generateSecret() : undefined;
      await writer.upsertRobot({
        name: body.name,
        secretHash: hashSecret(body.secret ?? generated!),
        repositories: body.repositories,
        permission: body.permission,
        expiresAt: expiresAt ?? null,
        disabled: body.disabled ?? false,
      });
      await ctx.authority.refresh();
      const { secret: _omit, ...details } = body;
      auditChange(ctx, request, {
        action: 'robot.create',
        target: `robot:${body.name}`,
        details: { ...details, generatedSecret: generated !== undefined },
      });
      reply.code(201);
      return { ...view().robot(require(body.name)), ...(generated ? { secret: generated } : {}) };
    },
  );

  app.patch<{ Params: { name: string }; Body: RobotBody }>(
    `${API_PREFIX}/robots/:name`,
    {
      schema: {
        summary: 'Change repositories, permission, expiry or disabled',
        tags,
        params: NameParams,
        body: UpdateRobot,
      },
    },
    async (request) => {
      requireAdmin(request);
      const body = request.body;
      if (body.repositories) checkRepositories(body.repositories);
      const expiresAt = expiry(body.expires);
      await ctx.authority.refresh();
      require(request.params.name);
      await writer.upsertRobot({
        name: request.params.name,
        repositories: body.repositories,
        permission: body.permission,
        expiresAt,
        disabled: body.disabled,
      });
      await ctx.authority.refresh();
      auditChange(ctx, request, {
        action: 'robot.update',
        target: `robot:${request.params.name}`,
        details: { ...body },
      });
      return view().robot(require(request.params.name));
    },
  );

  machineAccountRoutes(app, ctx, writer, {
    kind: 'robot',
    plural: 'robots',
    label: 'robot account',
    tags,
    require,
    setSecretHash: (w, name, secretHash) => w.upsertRobot({ name, secretHash }),
    remove: (w, name) => w.deleteRobot(name),
  });
}

function checkRepositories(patterns: readonly string[]): void {
  const problems = patterns.flatMap((pattern, i) =>
    globProblems(pattern).map((p) => `body.repositories.${i}: ${p}`),
  );
  if (problems.length > 0) throw new BadRequest(`invalid request: ${problems.join('; ')}`);
}

/** undefined = unchanged, null = never expires. */
function expiry(text: string | null | undefined): number | null | undefined {
  if (text === undefined || text === null) return text;
  const ms = parseExpiry(text);
  if (ms === undefined)
    throw new BadRequest(
      `invalid request: body.expires: "${text}" is not a date (YYYY-MM-DD or an ISO date-time)`,
    );
  return ms;
}
