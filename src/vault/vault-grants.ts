/**
 * Which services and robots may read an environment's secrets (administrators always may).
 * Grants name the principal; granting checks that it exists.
 */
import type { Kysely } from 'kysely';
import { NotFound } from '../domain/errors.ts';
import { isAdministrator, type Principal, principalName } from '../domain/model.ts';
import { mayAct } from '../domain/standing.ts';
import type { Database } from '../store/schema.ts';
import type { Actor } from './actor.ts';
import { parseEnvironmentName } from './environment-settings.ts';

export type GrantKind = 'service' | 'robot';

export interface EnvironmentGrant {
  readonly environment: string;
  readonly kind: GrantKind;
  readonly name: string;
  readonly createdAt: number;
  readonly createdBy: string;
}

export async function grantEnvironment(
  db: Kysely<Database>,
  environment: string,
  kind: GrantKind,
  name: string,
  actor: Actor,
): Promise<void> {
  const env = parseEnvironmentName(environment);
  const table = kind === 'service' ? 'services' : 'robots';
  const exists = await db.selectFrom(table).select('id').where('name', '=', name).executeTakeFirst();
  if (!exists) throw new NotFound(`no ${kind} named ${name}`);
  const now = Date.now();
  await db
    .insertInto('vault_environments')
    .values({
      name: env,
      default_registry: null,
      allowlist: null,
      created_at: now,
      updated_at: now,
      updated_by: actor.name,
    })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  await db
    .insertInto('vault_grants')
    .values({
      environment: env,
      principal_kind: kind,
      principal_name: name,
      created_at: now,
      created_by: actor.name,
    })
    .onConflict((oc) => oc.columns(['environment', 'principal_kind', 'principal_name']).doNothing())
    .execute();
}

export async function revokeEnvironment(
  db: Kysely<Database>,
  environment: string,
  kind: GrantKind,
  name: string,
): Promise<boolean> {
  const env = parseEnvironmentName(environment);
  const result = await db
    .deleteFrom('vault_grants')
    .where('environment', '=', env)
    .where('principal_kind', '=', kind)
    .where('principal_name', '=', name)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function listGrants(db: Kysely<Database>, environment?: string): Promise<EnvironmentGrant[]> {
  let query = db.selectFrom('vault_grants').selectAll();
  if (environment !== undefined) query = query.where('environment', '=', parseEnvironmentName(environment));
  const rows = await query
    .orderBy('environment')
    .orderBy('principal_kind')
    .orderBy('principal_name')
    .execute();
  return rows.map((r) => ({
    environment: r.environment,
    kind: r.principal_kind,
    name: r.principal_name,
    createdAt: Number(r.created_at),
    createdBy: r.created_by,
  }));
}

/** True when `principal` may read secrets of `environment`. */
export async function mayReadSecrets(
  db: Kysely<Database>,
  principal: Principal,
  environment: string,
): Promise<boolean> {
  if (principal.kind === 'user') return isAdministrator(principal);
  if (principal.kind === 'anonymous' || !mayAct(principal)) return false;
  const name = principalName(principal);
  const row = await db
    .selectFrom('vault_grants')
    .select('environment')
    .where('environment', '=', environment)
    .where('principal_kind', '=', principal.kind)
    .where('principal_name', '=', name)
    .executeTakeFirst();
  return row !== undefined;
}
