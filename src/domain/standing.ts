/**
 * The one rule for "may this principal act now", used by login, the policy engine, refresh
 * tokens, API Bearer tokens and vault grants:
 *
 * - a disabled user, service or robot may not;
 * - a robot may not at or after its expiry (`expiresAt` and `now` in epoch milliseconds, the
 *   unit of the model, the configuration and the API);
 * - a credential presented later (a refresh token, an API Bearer token, a cached check) stands
 *   only for the principal it was issued to: same never-reused principal id (a namesake created
 *   after a delete has another) and, where it carries one, the same credential version (a new
 *   password or secret, or a disable, ends it).
 */
import type { Principal } from './model.ts';

export type StandingClause = 'disabled' | 'robot-expired';
export type RefusalClause = StandingClause | 'credential-changed';

export interface Refusal<C extends RefusalClause = RefusalClause> {
  readonly clause: C;
  /** One sentence for `purser explain` and the audit log; never a secret. */
  readonly text: string;
}

/** What a credential was issued against, and what the principal holds now. */
export interface CredentialStamp {
  readonly principalId: string;
  /** Absent for API Bearer tokens, which live minutes and carry only the principal id. */
  readonly credentialVersion?: number;
}

/** Why the principal may not act now, or undefined when it may. */
export function refusal(
  principal: Principal,
  now: number = Date.now(),
  stamps?: { readonly presented: CredentialStamp; readonly current: CredentialStamp | undefined },
): Refusal | undefined {
  const standing = standingRefusal(principal, now);
  if (standing) return standing;
  if (principal.kind !== 'anonymous' && stamps && !sameCredential(stamps.presented, stamps.current)) {
    return {
      clause: 'credential-changed',
      text: 'the credential was issued to an earlier principal or password',
    };
  }
  return undefined;
}

/** The part of `refusal` that needs no credential: disabled, or a robot past its expiry. */
export function standingRefusal(principal: Principal, now: number): Refusal<StandingClause> | undefined {
  switch (principal.kind) {
    case 'user':
      return principal.user.disabled
        ? { clause: 'disabled', text: `user ${principal.user.name} is disabled` }
        : undefined;
    case 'service':
      return principal.service.disabled
        ? { clause: 'disabled', text: `service ${principal.service.name} is disabled` }
        : undefined;
    case 'robot': {
      const { robot } = principal;
      if (robot.disabled) return { clause: 'disabled', text: `robot ${robot.name} is disabled` };
      if (robot.expiresAt !== null && now >= robot.expiresAt) {
        return {
          clause: 'robot-expired',
          text: `robot ${robot.name} expired at ${new Date(robot.expiresAt).toISOString()}`,
        };
      }
      return undefined;
    }
    case 'anonymous':
      return undefined;
  }
}

/** True when the principal may act now (see `refusal`). */
export function mayAct(
  principal: Principal,
  now: number = Date.now(),
  stamps?: { readonly presented: CredentialStamp; readonly current: CredentialStamp | undefined },
): boolean {
  return refusal(principal, now, stamps) === undefined;
}

function sameCredential(presented: CredentialStamp, current: CredentialStamp | undefined): boolean {
  if (!current || presented.principalId !== current.principalId) return false;
  return (
    presented.credentialVersion === undefined || presented.credentialVersion === current.credentialVersion
  );
}
