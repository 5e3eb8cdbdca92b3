/**
 * The catalog's shared objects for one running Purser (one AppContext): the audit log, the
 * in-memory search index, and self-issued registry tokens. Route plugins and the discovery
 * scheduler get the same instances.
 */

import { AuditLog } from '../audit/audit-log.ts';
import type { ResourceActions } from '../domain/access.ts';
import type { AccessModel } from '../policy/access-model.ts';
import type { TokenSource } from '../registry-client/registry-client.ts';
import type { AppContext } from '../server/context.ts';
import { SearchIndex } from './search-index.ts';

export interface CatalogServices {
  readonly auditLog: AuditLog;
  readonly searchIndex: SearchIndex;
  /** The current access model (the authority's live snapshot). */
  model(): AccessModel;
  /** Tokens Purser issues to itself (`sub` = purser) for calls to `service`. */
  tokens(service: string): TokenSource;
}

const services = new WeakMap<AppContext, CatalogServices>();

export function catalogServices(ctx: AppContext): CatalogServices {
  let found = services.get(ctx);
  if (!found) {
    found = {
      auditLog: new AuditLog(ctx.db, {
        onError: (error) => ctx.logger.error({ err: error }, 'audit write failed'),
      }),
      searchIndex: new SearchIndex(ctx.db),
      model: () => ctx.authority.model,
      tokens: (service) => selfTokens(ctx, service),
    };
    services.set(ctx, found);
  }
  return found;
}

/** Caches each self-issued token for half its lifetime. */
export function selfTokens(ctx: Pick<AppContext, 'minter'>, service: string): TokenSource {
  const cache = new Map<string, { token: string; until: number }>();
  return (access: readonly ResourceActions[]) => {
    const key = access.map((a) => `${a.type}:${a.name}:${a.actions.join(',')}`).join(' ');
    const hit = cache.get(key);
    const now = Date.now();
    if (hit && hit.until > now) return hit.token;
    const issued = ctx.minter.issue({ subject: 'purser', audience: service, access });
    if (cache.size > 5000) cache.clear();
    cache.set(key, { token: issued.token, until: now + (issued.expiresIn * 1000) / 2 });
    return issued.token;
  };
}
