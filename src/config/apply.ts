/**
 * Creates or updates, at start, the objects the configuration declares. Objects created
 * through the API or CLI are left alone. Passwords and secrets are re-hashed only when they
 * changed, so a restart does not invalidate refresh tokens.
 */
import crypto from 'node:crypto';
import type { Runtime } from '../app/compose.ts';
import { parseExpiry } from '../domain/expiry.ts';
import type { Privilege } from '../domain/model.ts';
import { normalizePrivilege } from '../domain/privilege.ts';
import type { Config } from './load.ts';

export interface ApplyResult {
  /** Set when the bootstrap administrator was created with a generated password. */
  readonly generatedAdminPassword?: string;
  readonly changes: number;
}

export async function applyDeclared(
  runtime: Pick<Runtime, 'services' | 'changes'>,
  config: Config,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ApplyResult> {
  const { services } = runtime;
  const c = config.declared;
  let changes = 0;
  for (const group of c.groups ?? []) {
    if ((await services.groups.declare(group)) === 'created') changes++;
  }
  for (const app of c.apps ?? []) {
    await services.apps.declare({
      name: app.name,
      id: app.id,
      publications: app.publications ?? [],
      responsibles: app.responsibles ?? [],
    });
    changes++;
  }
  for (const user of c.users ?? []) {
    await services.users.declare({
      name: user.name,
      id: user.id,
      password: user.password,
      passwordHash: user.password_hash,
      groups: user.groups ?? [],
      privileges: (user.privileges ?? []).map((p) => normalizePrivilege(p) as Privilege),
      admin: user.admin ?? false,
      disabled: user.disabled ?? false,
    });
    changes++;
  }
  for (const service of c.services ?? []) {
    await services.serviceAccounts.declare(service);
    changes++;
  }
  for (const [i, robot] of (c.robots ?? []).entries()) {
    await services.robots.declare(
      {
        name: robot.name,
        secret: robot.secret,
        repositories: robot.repositories,
        permission: robot.permission,
        expiresAt: robot.expires ? (parseExpiry(robot.expires) ?? null) : null,
        disabled: robot.disabled ?? false,
      },
      `robots[${i}]`,
    );
    changes++;
  }
  for (const registry of c.registries ?? []) {
    await services.registries.declare({
      service: registry.service,
      url: registry.url,
      insecure: registry.insecure ?? false,
      restricted: registry.restricted ?? false,
      publications: registry.publications ?? [],
      responsibles: registry.responsibles ?? [],
      syncInterval: registry.sync_interval ?? null,
    });
    changes++;
  }
  if (c.rules !== undefined) {
    await services.rules.declare(c.rules);
    changes++;
  }
  const bootstrap = await ensureBootstrapAdmin(runtime, env);
  await runtime.changes.notify();
  return { changes, ...(bootstrap ? { generatedAdminPassword: bootstrap } : {}) };
}

/**
 * The first start creates `admin` (administrator) unless an administrator exists. Its password
 * comes from PURSER_ADMIN_PASSWORD, or is generated and returned so the caller prints it once.
 */
async function ensureBootstrapAdmin(
  runtime: Pick<Runtime, 'services'>,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  const generated = env.PURSER_ADMIN_PASSWORD ? undefined : crypto.randomBytes(18).toString('base64url');
  const created = await runtime.services.users.ensureFirstAdministrator(
    env.PURSER_ADMIN_PASSWORD ?? generated!,
  );
  return created ? generated : undefined;
}
