/**
 * /api/v1/users, /api/v1/me and htpasswd import.
 *
 * htpasswd import: new users are created with their bcrypt hash kept as-is (verified on login,
 * re-hashed to argon2id after the first successful one). Users that already exist are
 * skipped and reported, unless `update: true`, which replaces their password hash (and only
 * that). Lines that are not `name:bcrypt-hash` are reported by line number.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { BadRequest, Conflict, Denied, NotFound } from '../../../domain/errors.ts';
import { isAllDigits, type User } from '../../../domain/model.ts';
import { parsePrivileges } from '../../../domain/privilege.ts';
import { parseHtpasswd } from '../../../identity/htpasswd.ts';
import { hashPassword } from '../../../identity/password.ts';
import { ModelWriter } from '../../../store/model-writer.ts';
import type { AppContext } from '../../context.ts';
import { auditChange, isAdmin, managesRegistry, requireAdmin, requireAuthenticated } from './access-guard.ts';
import { API_PREFIX } from './openapi.ts';
import { GROUP_LIST, NameParams, PASSWORD, PRIVILEGE_LIST, strictObject, USER_NAME } from './schemas.ts';
import { ModelView } from './views.ts';

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

type CreateBody = {
  name: string;
  id?: number;
  password?: string;
  groups?: string[];
  privileges?: string[];
  admin?: boolean;
  disabled?: boolean;
};
type UpdateBody = { groups?: string[]; privileges?: string[]; admin?: boolean; disabled?: boolean };

export async function userRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const writer = new ModelWriter(ctx.db);
  const view = () => new ModelView(ctx.authority.snapshot);

  app.get(`${API_PREFIX}/me`, { schema: { summary: 'The authenticated caller', tags } }, async (request) => {
    const principal = requireAuthenticated(request);
    await ctx.authority.refresh();
    const manages = ctx.authority.snapshot.registries
      .filter((r) => managesRegistry(principal, r, ctx))
      .map((r) => r.service);
    if (principal.kind === 'user') {
      const user = findUser(ctx, principal.user.name) ?? principal.user;
      return { kind: 'user', ...view().user(user), manages };
    }
    if (principal.kind === 'service')
      return { kind: 'service', ...view().service(principal.service), manages };
    return { kind: 'robot', ...view().robot(principal.robot), manages };
  });

  app.get(`${API_PREFIX}/users`, { schema: { summary: 'List users', tags } }, async (request) => {
    requireAdmin(request);
    await ctx.authority.refresh();
    return { users: ctx.authority.snapshot.users.map((u) => view().user(u)) };
  });

  app.get<{ Params: { name: string } }>(
    `${API_PREFIX}/users/:name`,
    {
      schema: {
        summary: 'Show a user (administrators, or the user themself)',
        tags,
        params: NameParams,
      },
    },
    async (request) => {
      const principal = requireAuthenticated(request);
      if (
        !isAdmin(principal) &&
        !(principal.kind === 'user' && principal.user.name === request.params.name)
      ) {
        throw new Denied('only administrators may look at other users');
      }
      await ctx.authority.refresh();
      return view().user(requireUser(ctx, request.params.name));
    },
  );

  app.post<{ Body: CreateBody }>(
    `${API_PREFIX}/users`,
    { schema: { summary: 'Create a user', tags, body: CreateUser, 'x-status': 201 } },
    async (request, reply) => {
      requireAdmin(request);
      const body = request.body;
      refuseDigits(body.name);
      await ctx.authority.refresh();
      if (findUser(ctx, body.name)) throw new Conflict(`user "${body.name}" already exists`);
      await writer.upsertUser({
        name: body.name,
        id: body.id,
        passwordHash: body.password === undefined ? null : await hashPassword(body.password),
        groups: body.groups ?? [],
        privileges: parsePrivileges(body.privileges ?? []),
        admin: body.admin ?? false,
        disabled: body.disabled ?? false,
      });
      await ctx.authority.refresh();
      const { password: _omit, ...details } = body;
      auditChange(ctx, request, {
        action: 'user.create',
        target: `user:${body.name}`,
        details: { ...details, password: body.password !== undefined },
      });
      reply.code(201);
      return view().user(requireUser(ctx, body.name));
    },
  );

  app.patch<{ Params: { name: string }; Body: UpdateBody }>(
    `${API_PREFIX}/users/:name`,
    {
      schema: {
        summary: 'Change groups, privileges, admin or disabled',
        tags,
        params: NameParams,
        body: UpdateUser,
      },
    },
    async (request) => {
      requireAdmin(request);
      const { name } = request.params;
      const body = request.body;
      await ctx.authority.refresh();
      const user = requireUser(ctx, name);
      if (user.admin && (body.admin === false || body.disabled === true)) refuseLastAdmin(ctx, user);
      await writer.upsertUser({
        name,
        groups: body.groups,
        privileges: body.privileges === undefined ? undefined : parsePrivileges(body.privileges),
        admin: body.admin,
        disabled: body.disabled,
      });
      await ctx.authority.refresh();
      auditChange(ctx, request, {
        action:
          body.disabled === true
            ? 'user.disable'
            : body.disabled === false && Object.keys(body).length === 1
              ? 'user.enable'
              : 'user.update',
        target: `user:${name}`,
        details: { ...body },
      });
      return view().user(requireUser(ctx, name));
    },
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
      requireAdmin(request);
      const { name } = request.params;
      await ctx.authority.refresh();
      const user = requireUser(ctx, name);
      if (user.admin) refuseLastAdmin(ctx, user);
      await writer.deleteUser(name);
      await ctx.authority.refresh();
      auditChange(ctx, request, { action: 'user.delete', target: `user:${name}` });
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
      const principal = requireAuthenticated(request);
      const { name } = request.params;
      const self = principal.kind === 'user' && principal.user.name === name;
      if (!self && !isAdmin(principal)) throw new Denied('you may only change your own password');
      await ctx.authority.refresh();
      requireUser(ctx, name);
      await writer.upsertUser({ name, passwordHash: await hashPassword(request.body.password) });
      await ctx.authority.refresh();
      auditChange(ctx, request, { action: 'user.password', target: `user:${name}`, details: { self } });
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
    async (request) => {
      requireAdmin(request);
      const body = request.body;
      const parsed = parseHtpasswd(body.content);
      const problems = [...parsed.problems];
      const created: string[] = [];
      const updated: string[] = [];
      const skipped: { name: string; reason: string }[] = [];
      const grant = parsePrivileges(body.privileges ?? []);
      await ctx.authority.refresh();
      for (const entry of parsed.entries) {
        if (isAllDigits(entry.name) || !/^[A-Za-z0-9][A-Za-z0-9._@-]{0,254}$/.test(entry.name)) {
          problems.push(`line ${entry.line}: ${entry.name}: not a valid user name`);
          continue;
        }
        const exists = ctx.authority.snapshot.credentials.get(entry.name);
        if (exists && exists.kind !== 'user') {
          problems.push(`line ${entry.line}: ${entry.name}: the name is used by a ${exists.kind}`);
          continue;
        }
        if (exists && !body.update) {
          skipped.push({ name: entry.name, reason: 'exists (use update to replace the password)' });
          continue;
        }
        try {
          if (exists) {
            await writer.upsertUser({ name: entry.name, passwordHash: entry.hash });
            updated.push(entry.name);
          } else {
            await writer.upsertUser({
              name: entry.name,
              passwordHash: entry.hash,
              groups: body.groups ?? [],
              privileges: grant,
            });
            created.push(entry.name);
          }
        } catch (error) {
          problems.push(`line ${entry.line}: ${entry.name}: ${(error as Error).message}`);
        }
      }
      await ctx.authority.refresh();
      auditChange(ctx, request, {
        action: 'user.import',
        target: 'users',
        details: { created, updated, skipped: skipped.map((s) => s.name), problems: problems.length },
      });
      return { created, updated, skipped, problems };
    },
  );
}

function findUser(ctx: AppContext, name: string): User | undefined {
  const principal = ctx.authority.principalByName('user', name);
  return principal?.kind === 'user' ? principal.user : undefined;
}

function requireUser(ctx: AppContext, name: string): User {
  const user = findUser(ctx, name);
  if (!user) throw new NotFound(`no user named "${name}"`);
  return user;
}

function refuseDigits(name: string): void {
  if (isAllDigits(name)) throw new BadRequest(`body.name: user names must not be all digits ("${name}")`);
}

/** Keeps at least one enabled administrator. */
function refuseLastAdmin(ctx: AppContext, user: User): void {
  const others = ctx.authority.snapshot.users.filter((u) => u.admin && !u.disabled && u.name !== user.name);
  if (others.length === 0) throw new Conflict(`"${user.name}" is the last enabled administrator`);
}
