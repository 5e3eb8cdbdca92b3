/**
 * The catalog's shared objects for one running Purser, built once by the composition root
 * (src/app/compose.ts): the audit log it queries, the in-memory search index, the live access
 * model, and the tokens Purser issues to itself for its calls to registries. Route plugins and
 * the discovery scheduler receive the same instance.
 */
import type { AuditLog } from '../audit/audit-log.ts';
import type { ResourceActions } from '../domain/access.ts';
import type { AccessModel } from '../policy/access-model.ts';
import type { TokenSource } from '../registry-client/registry-client.ts';
import type { TokenMinter } from '../token/token-minter.ts';
import type { SearchIndex } from './search-index.ts';

export interface CatalogServices {
  readonly auditLog: AuditLog;
  readonly searchIndex: SearchIndex;
  /** The current access model (the authority's live snapshot). */
  model(): AccessModel;
  /** Tokens Purser issues to itself (`sub` = purser) for calls to `service`. */
  tokens(service: string): TokenSource;
}

/** Caches each self-issued token for half its lifetime. */
export function selfTokens(minter: TokenMinter, service: string): TokenSource {
  const cache = new Map<string, { token: string; until: number }>();
  return (access: readonly ResourceActions[]) => {
    const key = access.map((a) => `${a.type}:${a.name}:${a.actions.join(',')}`).join(' ');
    const hit = cache.get(key);
    const now = Date.now();
    if (hit && hit.until > now) return hit.token;
    const issued = minter.issue({ subject: 'purser', audience: service, access });
    if (cache.size > 5000) cache.clear();
    cache.set(key, { token: issued.token, until: now + (issued.expiresIn * 1000) / 2 });
    return issued.token;
  };
}
