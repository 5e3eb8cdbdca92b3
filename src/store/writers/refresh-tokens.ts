/**
 * Ends a principal's refresh tokens (deleted, disabled, or a new password or secret), and for a
 * user the CLI secret an OIDC login gave them.
 */
import type { ModelTransaction } from './model-change.ts';

export async function revokeRefreshTokens(
  trx: ModelTransaction,
  kind: 'user' | 'service' | 'robot',
  name: string,
): Promise<void> {
  await trx
    .deleteFrom('refresh_tokens')
    .where('principal_kind', '=', kind)
    .where('principal_name', '=', name)
    .execute();
  if (kind === 'user') await trx.deleteFrom('identity_cli_secrets').where('username', '=', name).execute();
}
