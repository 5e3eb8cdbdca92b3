/** What the `purser vault …` implementations share: the local vault, the environment, times. */

import { type LocalVault, openLocalVault } from '../../../app/local-vault.ts';
import { parseEnvironmentName } from '../../../vault/environment-settings.ts';
import type { GlobalOptions } from '../../options.ts';

export interface EnvOption extends GlobalOptions {
  readonly env?: string;
}

/** Opens the data directory's vault for one command (local mode only: --server is refused). */
export async function withVault<T>(
  options: GlobalOptions,
  fn: (local: LocalVault) => Promise<T>,
): Promise<T> {
  const local = await openLocalVault({ config: options.config, server: options.server });
  try {
    return await fn(local);
  } finally {
    await local.close();
  }
}

export const envOf = (options: EnvOption) => parseEnvironmentName(options.env);
export const when = (ms: number | null) =>
  ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
