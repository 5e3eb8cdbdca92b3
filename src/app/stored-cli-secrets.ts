/**
 * OIDC people's CLI secrets in the store (table `identity_cli_secrets`, migration 005): the
 * salted hash only, the identity the provider gave at the last interactive login or sync, and
 * the provider's refresh token sealed with the master key like the vault's secrets (migration
 * 010; AAD `oidc-refresh:<source>:<username>`, so a sealed token moved to another row does not open).
 */
import type { Kysely } from 'kysely';
import type { SecretBox } from '../crypto/secret-box.ts';
import { type CliSecretRecord, type CliSecretStore, refreshTokenAad } from '../identity/cli-secret.ts';
import type { ExternalIdentity } from '../identity/identity-source.ts';
import type { Database } from '../store/schema.ts';

export class StoredCliSecrets implements CliSecretStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly box: SecretBox,
  ) {}

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
      ...this.#refreshToken(row.refresh_token, row.source, row.username),
    };
  }

  /** A token that no longer opens (a master key dropped too early) is as good as none: sync says so. */
  #refreshToken(sealed: string | null, source: string, username: string): { refreshToken?: string } {
    if (!sealed) return {};
    try {
      return { refreshToken: this.box.open(sealed, refreshTokenAad(source, username)) };
    } catch {
      return {};
    }
  }

  async save(record: CliSecretRecord): Promise<void> {
    const values = {
      hash: record.hash,
      identity: JSON.stringify(record.identity),
      issued_at: record.issuedAt,
      refresh_token: record.refreshToken
        ? this.box.seal(record.refreshToken, refreshTokenAad(record.source, record.username))
        : null,
    };
    await this.db
      .insertInto('identity_cli_secrets')
      .values({ source: record.source, username: record.username, ...values })
      .onConflict((oc) => oc.columns(['source', 'username']).doUpdateSet(values))
      .execute();
  }

  async updateIdentity(
    source: string,
    username: string,
    identity: ExternalIdentity,
    refreshToken?: string,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('identity_cli_secrets')
      .set({
        identity: JSON.stringify(identity),
        ...(refreshToken
          ? { refresh_token: this.box.seal(refreshToken, refreshTokenAad(source, username)) }
          : {}),
      })
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
