/** Users, services and robots share one login namespace: a name belongs to one of them. */
import { Conflict } from '../../domain/errors.ts';
import type { ModelTransaction } from './model-change.ts';

export type LoginTable = 'users' | 'services' | 'robots';

export async function refuseNameTaken(trx: ModelTransaction, name: string, own: LoginTable): Promise<void> {
  for (const table of ['users', 'services', 'robots'] as const) {
    if (table === own) continue;
    const row = await trx.selectFrom(table).select('name').where('name', '=', name).executeTakeFirst();
    if (row) throw new Conflict(`the name "${name}" is already used by a ${table.slice(0, -1)}`);
  }
}
