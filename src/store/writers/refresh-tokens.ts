/** Ends a principal's refresh tokens (deleted, disabled, or a new password or secret). */
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
}
