/**
 * The kubelet credential provider's answers from the vault, by the credential helper's rules:
 * with PURSER_URL (plus PURSER_USERNAME / PURSER_PASSWORD, a service or robot) a running Purser
 * answers and audits; otherwise the local data directory (PURSER_CONFIG / PURSER_DATA /
 * ./purser-data) in environment PURSER_ENV (default `default`): SQLite through the helper's
 * read-only fast path, PostgreSQL through the full vault. Deactivated or not-allowed registries
 * are refused with the helper's messages. Static credentials do not expire; the cloud kinds
 * come with their token's expiry and half-life (the answer's cacheDuration follows them).
 */

import { readFileSync } from 'node:fs';
import { appendAuditLine } from '../audit/local-audit.cts';
import { BadRequest, Denied } from '../domain/errors.ts';
import { normalizeRegistryAddress } from '../domain/server-address.cts';
import type { CredentialLookup, LookedUpCredential } from '../kubelet/credential-lookup.ts';
import { PROVIDER_NAME } from '../kubelet/credential-provider.ts';
import { HelperRefusal, LocalHelperStore, NEEDS_MINT } from '../vault/helper-local.cts';
import { resolveDataLocation } from './data-dir.ts';

export async function openVaultCredentialLookup(
  env: NodeJS.ProcessEnv = process.env,
): Promise<CredentialLookup> {
  const environment = env.PURSER_ENV || 'default';
  if (env.PURSER_URL) {
    const { RemoteHelperStore } = await import('../vault/helper-remote.ts');
    const remote = new RemoteHelperStore(env.PURSER_URL, env.PURSER_USERNAME, remotePassword(env));
    return {
      lookup: async (registry) => answer(await remote.get(environment, registry)),
    };
  }
  const location = resolveDataLocation({}, env);
  // The full vault: PostgreSQL, and the cloud kinds (their tokens are minted or read from the cache).
  let opened: Promise<import('./local-vault.ts').LocalVault> | undefined;
  const fullLookup = async (registry: string) => {
    const { openLocalVault } = await import('./local-vault.ts');
    const { localActor } = await import('../vault/actor.ts');
    opened ??= openLocalVault(location.configFile ? { config: location.configFile } : {}, env);
    try {
      return answer(
        await (await opened).vault.reveal(environment, registry, localActor(PROVIDER_NAME), 'kubelet'),
      );
    } catch (error) {
      if ((error as { code?: string }).code === 'NOT_FOUND') return undefined;
      throw error;
    }
  };
  const closeFull = async () => {
    if (opened) await (await opened).close();
  };
  if (location.databaseUrl) return { lookup: fullLookup, close: closeFull };
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
      if (found === NEEDS_MINT) return fullLookup(registry);
      if (found) auditRead(location.dataDir, environment, address, env);
      return answer(found);
    },
    close: async () => {
      store.close();
      await closeFull();
    },
  };
}

/**
 * PURSER_PASSWORD, else the content of PURSER_PASSWORD_FILE (the kubelet's config holds its
 * env in plain text, so a node keeps the service account's secret in a file).
 */
function remotePassword(env: NodeJS.ProcessEnv): string | undefined {
  if (env.PURSER_PASSWORD !== undefined || !env.PURSER_PASSWORD_FILE) return env.PURSER_PASSWORD;
  try {
    return readFileSync(env.PURSER_PASSWORD_FILE, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new BadRequest(
      `cannot read PURSER_PASSWORD_FILE ${env.PURSER_PASSWORD_FILE}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
}

/** The vault's answer; a cloud token carries its expiry and half-life (the vault's are epoch ms). */
function answer(
  found: { username: string; secret: string; expiresAt?: number; refreshAt?: number } | undefined,
): LookedUpCredential | undefined {
  if (!found) return undefined;
  return {
    username: found.username,
    password: found.secret,
    ...(found.expiresAt !== undefined ? { expiresAt: found.expiresAt / 1000 } : {}),
    ...(found.refreshAt !== undefined ? { refreshAt: found.refreshAt / 1000 } : {}),
  };
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
