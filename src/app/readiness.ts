/**
 * Whether this process can answer token requests (`/readyz`): the database answers, a signing
 * key is loaded, and every migration this build knows is applied; and the process is not
 * shutting down. Each check is bounded, so a hung database makes the probe fail, not hang.
 */
import { sql } from 'kysely';
import { pendingMigrations } from '../store/migrations/index.ts';
import type { Runtime } from './compose.ts';

export interface Readiness {
  readonly ready: boolean;
  /** Why not, in an operator's words (empty when ready). */
  readonly reasons: readonly string[];
}

const CHECK_TIMEOUT_MS = 2_000;

export async function checkReadiness(
  runtime: Pick<Runtime, 'db' | 'authority'>,
  options: { readonly draining?: boolean } = {},
): Promise<Readiness> {
  const reasons: string[] = [];
  if (options.draining) reasons.push('shutting down');
  try {
    await bounded(sql`select 1`.execute(runtime.db), 'the database did not answer');
    const pending = await bounded(pendingMigrations(runtime.db), 'the database did not answer');
    if (pending.length > 0) reasons.push(`migrations not applied: ${pending.join(', ')}`);
  } catch (error) {
    reasons.push(`database unreachable: ${error instanceof Error ? error.message : 'error'}`);
  }
  if (!runtime.authority.ring.signer?.kid) reasons.push('no signing key loaded');
  return { ready: reasons.length === 0, reasons };
}

function bounded<T>(promise: Promise<T>, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
