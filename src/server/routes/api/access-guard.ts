/**
 * Who may call which management route:
 * - administrators manage everything;
 * - users holding DockerRegistriesManager (everyone in `mode: public`) who belong to a
 *   responsible group of a registry may view and update that registry, read its config and
 *   explain decisions on it; in `mode: public` they may also create registries;
 * - any authenticated principal may read /me, change their own password, and explain their
 *   own access;
 * - everything else is 403 for authenticated callers and 401 for anonymous ones.
 */
import type { FastifyRequest } from 'fastify';
import type { AuditEntry } from '../../../audit/audit-entry.ts';
import { Denied, Unauthorized } from '../../../domain/errors.ts';
import { type Principal, principalName, type Registry, type User } from '../../../domain/model.ts';
import type { AppContext } from '../../context.ts';

const CHALLENGE = { 'www-authenticate': 'Basic realm="purser", charset="UTF-8"' };

/** The caller, or 401 when anonymous. */
export function requireAuthenticated(request: FastifyRequest): Exclude<Principal, { kind: 'anonymous' }> {
  const principal = request.principal;
  if (principal.kind === 'anonymous')
    throw new Unauthorized('authentication required', { headers: CHALLENGE });
  return principal;
}

export function isAdmin(principal: Principal): boolean {
  return principal.kind === 'user' && principal.user.admin && !principal.user.disabled;
}

export function requireAdmin(request: FastifyRequest): void {
  const principal = requireAuthenticated(request);
  if (!isAdmin(principal)) throw new Denied('only administrators may do this');
}

/** The calling user when it is a person (not a service or robot), else 403. */
export function requireUser(request: FastifyRequest): User {
  const principal = requireAuthenticated(request);
  if (principal.kind !== 'user') throw new Denied(`a ${principal.kind} account cannot do this`);
  return principal.user;
}

export function holdsManager(user: User, ctx: AppContext): boolean {
  return ctx.authority.snapshot.mode === 'public' || user.privileges.includes('DockerRegistriesManager');
}

/** Administrators, and managers in one of the registry's responsible groups. */
export function managesRegistry(principal: Principal, registry: Registry, ctx: AppContext): boolean {
  if (isAdmin(principal)) return true;
  if (principal.kind !== 'user' || principal.user.disabled || !holdsManager(principal.user, ctx))
    return false;
  return principal.user.groups.some((group) => registry.responsibles.includes(group));
}

export function requireRegistryManager(request: FastifyRequest, registry: Registry, ctx: AppContext): void {
  const principal = requireAuthenticated(request);
  if (!managesRegistry(principal, registry, ctx)) {
    throw new Denied(`only administrators and managers responsible for ${registry.service} may do this`);
  }
}

/**
 * Administrators and users holding DockerRegistriesManager; checked before looking a registry
 * up, so that other callers cannot tell which registries exist.
 */
export function requireSomeRegistryManager(request: FastifyRequest, ctx: AppContext): void {
  const principal = requireAuthenticated(request);
  if (isAdmin(principal)) return;
  if (principal.kind !== 'user' || !holdsManager(principal.user, ctx)) {
    throw new Denied('only administrators and registry managers may do this');
  }
}

/** Records a change in the audit log (never secrets in `details`). */
export function auditChange(
  ctx: AppContext,
  request: FastifyRequest,
  entry: Pick<AuditEntry, 'action' | 'target'> & { details?: Record<string, unknown>; service?: string },
): void {
  const principal = request.principal;
  void ctx.audit.record({
    action: entry.action,
    actor: principal.kind === 'anonymous' ? 'anonymous' : principalName(principal),
    actorKind: principal.kind,
    outcome: 'success',
    sourceAddress: request.ip,
    ...(entry.target ? { target: entry.target } : {}),
    ...(entry.service ? { service: entry.service } : {}),
    ...(entry.details ? { details: entry.details } : {}),
  });
}
