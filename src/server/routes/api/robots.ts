/**
 * /api/v1/robots (administrators only): parse, call the robot service, render. Quay-style robot
 * accounts (`owner+name`) limited to listed repositories (globs), with read | write | admin and
 * an optional expiry. A secret is shown once: in the create reply when generated, and in the
 * regenerate reply.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { BadRequest } from '../../../domain/errors.ts';
import { parseExpiry } from '../../../domain/expiry.ts';
import type { RobotPermission } from '../../../domain/model.ts';
import type { AppContext } from '../../context.ts';
import { callerOf } from './caller.ts';
import { machineAccountRoutes } from './machine-account-routes.ts';
import { API_PREFIX } from './openapi.ts';
import { CONFIGS_QUERY, robotConfigs } from './robot-configs.ts';
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
  const robots = ctx.services.robots;

  app.get(`${API_PREFIX}/robots`, { schema: { summary: 'List robot accounts', tags } }, async (request) => ({
    robots: await robots.list(callerOf(request)),
  }));

  app.get<{ Params: { name: string } }>(
    `${API_PREFIX}/robots/:name`,
    { schema: { summary: 'Show a robot account', tags, params: NameParams } },
    async (request) => robots.show(callerOf(request), request.params.name),
  );

  app.post<{
    Body: RobotBody & { name: string; repositories: string[]; permission: RobotPermission; secret?: string };
    Querystring: { configs?: string };
  }>(
    `${API_PREFIX}/robots`,
    {
      schema: {
        summary: 'Create a robot account',
        description: 'Without `secret`, a secret is generated and returned once as `secret` in the reply.',
        tags,
        body: CreateRobot,
        querystring: Type.Object({
          configs: Type.Optional(CONFIGS_QUERY),
        }),
        'x-status': 201,
      },
    },
    async (request, reply) => {
      const { expires, ...body } = request.body;
      const created = await robots.create(callerOf(request), { ...body, expiresAt: expiry(expires) });
      reply.code(201);
      const registry = request.query.configs;
      if (registry === undefined || created.secret === undefined) return created;
      return { ...created, configs: await robotConfigs(registry, created.name, created.secret) };
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
      const { expires, ...body } = request.body;
      const expiresAt = expiry(expires);
      return robots.update(callerOf(request), request.params.name, {
        ...body,
        ...(expiresAt === undefined ? {} : { expiresAt }),
      });
    },
  );

  machineAccountRoutes(app, {
    plural: 'robots',
    label: 'robot account',
    tags,
    accounts: robots,
    configs: true,
  });
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
