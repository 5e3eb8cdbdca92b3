/**
 * OIDC people's CLI secrets in the store (table `identity_cli_secrets`, migration 005): the
 * salted hash only, and the identity the provider gave at the last interactive login or sync.
 */
import type { Kysely } from 'kysely';
import type { CliSecretRecord, CliSecretStore } from '../identity/cli-secret.ts';
import type { ExternalIdentity } from '../identity/identity-source.ts';
import type { Database } from '../store/schema.ts';

export class StoredCliSecrets implements CliSecretStore {
  constructor(private readonly db: Kysely<Database>) {}

  async find(source: string, username: string): Promise<CliSecretRecord | undefined> {
    const row = await this.db
      .selectFrom('identity_cli_secrets')
      .selectAll()
      .where('source', '=', source)
      .where('username', '=', username)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      source: row.source,
      username: row.username,
      hash: row.hash,
      identity: JSON.parse(row.identity) as ExternalIdentity,
      issuedAt: Number(row.issued_at),
    };
  }

  async save(record: CliSecretRecord): Promise<void> {
    const values = {
      hash: record.hash,
      identity: JSON.stringify(record.identity),
      issued_at: record.issuedAt,
    };
    await this.db
      .insertInto('identity_cli_secrets')
      .values({ source: record.source, username: record.username, ...values })
      .onConflict((oc) => oc.columns(['source', 'username']).doUpdateSet(values))
      .execute();
  }

  async updateIdentity(source: string, username: string, identity: ExternalIdentity): Promise<boolean> {
    const result = await this.db
      .updateTable('identity_cli_secrets')
      .set({ identity: JSON.stringify(identity) })
      .where('source', '=', source)
      .where('username', '=', username)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async revoke(source: string, username: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('identity_cli_secrets')
      .where('source', '=', source)
      .where('username', '=', username)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
