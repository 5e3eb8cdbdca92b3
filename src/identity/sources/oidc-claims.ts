/**
 * From an OIDC provider's claims to an ExternalIdentity: the name from `username_claim`, the
 * groups from `groups_claim`, the stable id from `sub`.
 *
 * A claim name is looked up as written first, then as a dotted path, so both Auth0's namespaced
 * `https://example.org/groups` and Keycloak's `realm_access.roles` work. Groups may be an array of
 * strings or one string; anything else gives no groups.
 */
import { Unauthorized } from '../../domain/errors.ts';
import type { ExternalIdentity } from '../identity-source.ts';

export interface ClaimMapping {
  readonly source: string;
  readonly usernameClaim: string;
  readonly groupsClaim: string;
}

export type Claims = Readonly<Record<string, unknown>>;

export function claimsToIdentity(claims: Claims, mapping: ClaimMapping): ExternalIdentity {
  const subject = claims.sub;
  if (typeof subject !== 'string' || subject === '') {
    throw new Unauthorized('the identity provider did not say who this is', { detail: 'no sub claim' });
  }
  const username = claim(claims, mapping.usernameClaim);
  if (typeof username !== 'string' || username.trim() === '') {
    throw new Unauthorized(
      `the identity provider sent no "${mapping.usernameClaim}" claim (username_claim of source ${mapping.source})`,
    );
  }
  const displayName = claims.name;
  const email = claims.email;
  return {
    username,
    source: mapping.source,
    externalId: subject,
    groups: groupsOf(claim(claims, mapping.groupsClaim)),
    ...(typeof displayName === 'string' && displayName !== '' ? { displayName } : {}),
    ...(typeof email === 'string' && email !== '' ? { email } : {}),
  };
}

/** True when the claims hold the username claim, i.e. the ID token is enough without userinfo. */
export function hasClaim(claims: Claims, name: string): boolean {
  return claim(claims, name) !== undefined;
}

function claim(claims: Claims, name: string): unknown {
  if (Object.hasOwn(claims, name)) return claims[name];
  let value: unknown = claims;
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function groupsOf(value: unknown): string[] {
  if (typeof value === 'string') return value === '' ? [] : [value];
  if (!Array.isArray(value)) return [];
  return [...new Set(value.filter((g): g is string => typeof g === 'string' && g !== ''))];
}
