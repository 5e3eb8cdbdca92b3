/** Re-sealing the vault's secrets under the master key's current key. */
import type { Kysely } from 'kysely';
import type { SecretBox } from '../crypto/secret-box.ts';
import type { Database } from '../store/schema.ts';
import { secretAad } from './credential-record.ts';
import type { VaultJournal } from './vault-journal.ts';

/**
 * Re-seals every stored secret under `box`'s current key (after `vault rotate-key`); returns
 * how many changed. A row changed meanwhile (its sealed value differs) is left to the next run.
 */
export async function resealSecrets(
  db: Kysely<Database>,
  box: SecretBox,
  journal: VaultJournal,
): Promise<number> {
  const rows = await db
    .selectFrom('vault_credentials')
    .select(['id', 'environment', 'address', 'secret'])
    .where('secret', 'is not', null)
    .execute();
  let changed = 0;
  for (const row of rows) {
    const sealed = row.secret!;
    if (box.currentKeyId === keyIdOf(sealed)) continue;
    const aad = secretAad(row.environment, row.address);
    await db
      .updateTable('vault_credentials')
      .set({ secret: box.seal(box.open(sealed, aad), aad) })
      .where('id', '=', row.id)
      .where('secret', '=', sealed)
      .execute();
    changed += 1;
    journal.markChanged();
  }
  return changed;
}

function keyIdOf(sealed: string): string | undefined {
  return sealed.split('.')[1];
}
