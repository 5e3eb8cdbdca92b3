/**
 * /api/v1/users, /api/v1/me and htpasswd import: parse, call the user service, render.
 * The rules (who may do what, the last administrator, htpasswd lines) are the service's
 * (src/app/user-service.ts).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { CreateUserInput, UpdateUserInput } from '../../../app/user-service.ts';
import type { AppContext } from '../../context.ts';
import { callerOf } from './caller.ts';
import { API_PREFIX } from './openapi.ts';
import { GROUP_LIST, NameParams, PASSWORD, PRIVILEGE_LIST, strictObject, USER_NAME } from './schemas.ts';

const tags = ['users'];

const CreateUser = strictObject({
  name: USER_NAME,
  id: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
  password: Type.Optional(PASSWORD),
  groups: Type.Optional(GROUP_LIST),
  privileges: Type.Optional(PRIVILEGE_LIST),
  admin: Type.Optional(Type.Boolean()),
  disabled: Type.Optional(Type.Boolean()),
});
const UpdateUser = strictObject({
  groups: Type.Optional(GROUP_LIST),
  privileges: Type.Optional(PRIVILEGE_LIST),
  admin: Type.Optional(Type.Boolean()),
  disabled: Type.Optional(Type.Boolean()),
});
const SetPassword = strictObject({ password: PASSWORD });
const ImportHtpasswd = strictObject({
  content: Type.String({
    maxLength: 10 * 1024 * 1024,
    description: 'The htpasswd file (name:bcrypt-hash lines)',
  }),
  update: Type.Optional(
    Type.Boolean({
      description: 'Replace the password hash of users that already exist (default: skip them)',
    }),
  ),
  groups: Type.Optional(GROUP_LIST),
  privileges: Type.Optional(PRIVILEGE_LIST),
});

export async function userRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const users = ctx.services.users;

  app.get(`${API_PREFIX}/me`, { schema: { summary: 'The authenticated caller', tags } }, async (request) =>
    users.me(callerOf(request)),
  );

  app.get(`${API_PREFIX}/users`, { schema: { summary: 'List users', tags } }, async (request) => ({
    users: await users.list(callerOf(request)),
  }));

  app.get<{ Params: { name: string } }>(
    `${API_PREFIX}/users/:name`,
    {
      schema: {
        summary: 'Show a user (administrators, or the user themself)',
        tags,
        params: NameParams,
      },
    },
    async (request) => users.show(callerOf(request), request.params.name),
  );

  app.post<{ Body: CreateUserInput }>(
    `${API_PREFIX}/users`,
    { schema: { summary: 'Create a user', tags, body: CreateUser, 'x-status': 201 } },
    async (request, reply) => {
      const user = await users.create(callerOf(request), request.body);
      reply.code(201);
      return user;
    },
  );

  app.patch<{ Params: { name: string }; Body: UpdateUserInput }>(
    `${API_PREFIX}/users/:name`,
    {
      schema: {
        summary: 'Change groups, privileges, admin or disabled',
        tags,
        params: NameParams,
        body: UpdateUser,
      },
    },
    async (request) => users.update(callerOf(request), request.params.name, request.body),
  );

  app.delete<{ Params: { name: string } }>(
    `${API_PREFIX}/users/:name`,
    {
      schema: {
        summary: 'Delete a user (their refresh tokens die with them)',
        tags,
        params: NameParams,
        'x-status': 204,
      },
    },
    async (request, reply) => {
      await users.remove(callerOf(request), request.params.name);
      return reply.code(204).send();
    },
  );

  app.put<{ Params: { name: string }; Body: { password: string } }>(
    `${API_PREFIX}/users/:name/password`,
    {
      schema: {
        summary: 'Set a password (the user themself, or an administrator)',
        description: 'Existing refresh tokens of the user stop working.',
        tags,
        params: NameParams,
        body: SetPassword,
        'x-status': 204,
      },
    },
    async (request, reply) => {
      await users.setPassword(callerOf(request), request.params.name, request.body.password);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { name: string } }>(
    `${API_PREFIX}/users/:name/unlock`,
    {
      schema: {
        summary: "Forget a user's failed logins (administrators)",
        description:
          'Every (user, client address) pair that is waiting or counting failures starts again, on every replica within one poll of the model version.',
        tags,
        params: NameParams,
        'x-status': 204,
      },
    },
    async (request, reply) => {
      await users.unlock(callerOf(request), request.params.name);
      return reply.code(204).send();
    },
  );

  app.post<{ Body: { content: string; update?: boolean; groups?: string[]; privileges?: string[] } }>(
    `${API_PREFIX}/users/import-htpasswd`,
    {
      schema: {
        summary: 'Import users from an htpasswd file (bcrypt hashes)',
        description:
          'New users keep their bcrypt hash until their first login, when it is re-hashed to argon2id. Existing users are skipped unless `update` is true (then only their password hash is replaced). Problems are reported per line; valid lines are imported anyway.',
        tags,
        body: ImportHtpasswd,
      },
    },
    async (request) => users.importHtpasswd(callerOf(request), request.body),
  );
}
