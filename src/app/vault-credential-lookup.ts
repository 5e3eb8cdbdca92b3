/**
 * The kubelet credential provider's answers from the vault, by the credential helper's rules:
 * with PURSER_URL (plus PURSER_USERNAME / PURSER_PASSWORD, a service or robot) a running Purser
 * answers and audits; otherwise the local data directory (PURSER_CONFIG / PURSER_DATA /
 * ./purser-data) in environment PURSER_ENV (default `default`): SQLite through the helper's
 * read-only fast path, PostgreSQL through the full vault. Deactivated or not-allowed registries
 * are refused with the helper's messages. Static credentials do not expire; the cloud kinds
 * (phase 2) will come with their expiry.
 */

import { appendAuditLine } from '../audit/local-audit.cts';
import { Denied } from '../domain/errors.ts';
import { normalizeRegistryAddress } from '../domain/server-address.cts';
import type { CredentialLookup, LookedUpCredential } from '../kubelet/credential-lookup.ts';
import { PROVIDER_NAME } from '../kubelet/credential-provider.ts';
import { HelperRefusal, LocalHelperStore } from '../vault/helper-local.cts';
import { resolveDataLocation } from './data-dir.ts';

export async function openVaultCredentialLookup(
  env: NodeJS.ProcessEnv = process.env,
): Promise<CredentialLookup> {
  const environment = env.PURSER_ENV || 'default';
  if (env.PURSER_URL) {
    const { RemoteHelperStore } = await import('../vault/helper-remote.ts');
    const remote = new RemoteHelperStore(env.PURSER_URL, env.PURSER_USERNAME, env.PURSER_PASSWORD);
    return {
      lookup: async (registry) => answer(await remote.get(environment, registry)),
    };
  }
  const location = resolveDataLocation({}, env);
  if (location.databaseUrl) {
    const { openLocalVault } = await import('./local-vault.ts');
    const { localActor } = await import('../vault/actor.ts');
    const opened = await openLocalVault(location.configFile ? { config: location.configFile } : {}, env);
    return {
      async lookup(registry) {
        try {
          return answer(
            await opened.vault.reveal(environment, registry, localActor(PROVIDER_NAME), 'kubelet'),
          );
        } catch (error) {
          if ((error as { code?: string }).code === 'NOT_FOUND') return undefined;
          throw error;
        }
      },
      close: () => opened.close(),
    };
  }
  const store = new LocalHelperStore(location.dataDir, env);
  return {
    async lookup(registry) {
      const address = normalizeRegistryAddress(registry);
      let found: Awaited<ReturnType<LocalHelperStore['get']>>;
      try {
        found = await store.get(environment, address);
      } catch (error) {
        // Deactivated, or outside the allowlist: the helper's own words.
        if (error instanceof HelperRefusal) throw new Denied(error.message);
        throw error;
      }
      if (found) auditRead(location.dataDir, environment, address, env);
      return answer(found);
    },
    close: async () => store.close(),
  };
}

function answer(found: { username: string; secret: string } | undefined): LookedUpCredential | undefined {
  return found && { username: found.username, password: found.secret };
}

/** The read goes to `<data>/audit/vault.jsonl`, as the credential helper's does. */
function auditRead(dataDir: string, environment: string, address: string, env: NodeJS.ProcessEnv): void {
  const user = env.USER ?? env.LOGNAME ?? `uid ${process.getuid?.() ?? 'unknown'}`;
  appendAuditLine(dataDir, {
    action: 'credential.read',
    actor: `local:${user}`,
    actorKind: 'system',
    target: `credential:${environment}/${address}`,
    outcome: 'success',
    userAgent: PROVIDER_NAME,
    details: { purpose: 'kubelet' },
  });
}
