/**
 * Who may do what through the application services:
 * - administrators manage everything;
 * - users holding DockerRegistriesManager (everyone in `mode: public`) who belong to a
 *   responsible group of a registry may view and update that registry, read its config and
 *   explain decisions on it; in `mode: public` they may also create registries;
 * - any authenticated principal may read their own account, change their own password, and
 *   explain their own access;
 * - everything else is Denied for authenticated callers and Unauthorized for anonymous ones.
 */
import { Denied, Unauthorized } from '../domain/errors.ts';
import {
  type AccessMode,
  isAdministrator,
  type Principal,
  type Registry,
  type User,
} from '../domain/model.ts';
import type { Caller } from './caller.ts';

export type Authenticated = Exclude<Principal, { kind: 'anonymous' }>;

/**
 * The Basic challenge an anonymous caller gets, so HTTP clients know to send credentials.
 * A surface with its own sign-in (a console session) replaces it.
 */
const CHALLENGE = { 'www-authenticate': 'Basic realm="purser", charset="UTF-8"' };

/** The caller's principal, or Unauthorized when anonymous. */
export function requireAuthenticated(caller: Caller): Authenticated {
  const principal = caller.principal;
  if (principal.kind === 'anonymous')
    throw new Unauthorized('authentication required', { headers: CHALLENGE });
  return principal;
}

export function requireAdmin(caller: Caller): void {
  const principal = requireAuthenticated(caller);
  if (!isAdministrator(principal)) throw new Denied('only administrators may do this');
}

/** In `mode: public` every user holds DockerRegistriesManager. */
export function holdsManager(user: User, mode: AccessMode): boolean {
  return mode === 'public' || user.privileges.includes('DockerRegistriesManager');
}

/** Administrators, and managers in one of the registry's responsible groups. */
export function managesRegistry(principal: Principal, registry: Registry, mode: AccessMode): boolean {
  if (isAdministrator(principal)) return true;
  if (principal.kind !== 'user' || principal.user.disabled || !holdsManager(principal.user, mode))
    return false;
  return principal.user.groups.some((group) => registry.responsibles.includes(group));
}

export function requireRegistryManager(caller: Caller, registry: Registry, mode: AccessMode): void {
  const principal = requireAuthenticated(caller);
  if (!managesRegistry(principal, registry, mode)) {
    throw new Denied(`only administrators and managers responsible for ${registry.service} may do this`);
  }
}

/**
 * Administrators and users holding DockerRegistriesManager; checked before looking a registry
 * up, so that other callers cannot tell which registries exist.
 */
export function requireSomeRegistryManager(caller: Caller, mode: AccessMode): void {
  const principal = requireAuthenticated(caller);
  if (isAdministrator(principal)) return;
  if (principal.kind !== 'user' || !holdsManager(principal.user, mode)) {
    throw new Denied('only administrators and registry managers may do this');
  }
}
