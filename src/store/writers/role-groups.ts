/**
 * The groups an app or a registry names as publication or responsible groups (app_groups,
 * registry_groups). Missing groups are created; the order given is kept out of it (a set).
 */
import { ensureGroups } from './group-names.ts';
import type { ModelTransaction } from './model-change.ts';

export type GroupRole = 'publication' | 'responsible';

/** Replaces the app's groups in `role`; `names` undefined leaves them as they are. */
export async function setAppGroups(
  trx: ModelTransaction,
  appId: number,
  role: GroupRole,
  names: readonly string[] | undefined,
): Promise<void> {
  if (names === undefined) return;
  const ids = await ensureGroups(trx, names);
  await trx.deleteFrom('app_groups').where('app_id', '=', appId).where('role', '=', role).execute();
  if (ids.length > 0)
    await trx
      .insertInto('app_groups')
      .values(ids.map((group_id) => ({ app_id: appId, group_id, role })))
      .execute();
}

/** Replaces the registry's groups in `role`; `names` undefined leaves them as they are. */
export async function setRegistryGroups(
  trx: ModelTransaction,
  registryId: number,
  role: GroupRole,
  names: readonly string[] | undefined,
): Promise<void> {
  if (names === undefined) return;
  const ids = await ensureGroups(trx, names);
  await trx
    .deleteFrom('registry_groups')
    .where('registry_id', '=', registryId)
    .where('role', '=', role)
    .execute();
  if (ids.length > 0)
    await trx
      .insertInto('registry_groups')
      .values(ids.map((group_id) => ({ registry_id: registryId, group_id, role })))
      .execute();
}
