/**
 * The contract every identity source (LDAP, RADIUS, OIDC, and in phase 2 Purser's own accounts)
 * implements: given a name and a password, say who this is, or why not.
 *
 * - `accepted`: the source vouches for the person; `identity` carries a stable external id (an
 *   LDAP DN, an OIDC `sub`) so a re-created namesake in Purser can be told apart.
 * - `rejected`: the source knows the name and the password is wrong (or empty).
 * - `unknown`: the source does not know the name (or it is ambiguous, e.g. two directory entries).
 * - `unavailable`: the source could not answer (down, timed out, misconfigured); `reason` is safe
 *   to log: it never contains a password or a secret.
 *
 * A source never throws from `authenticate` for an outage or a bad password: it returns one of the
 * four outcomes. It throws TypeError only for programmer misuse.
 */

export type SourceKind = 'ldap' | 'radius' | 'oidc';

export interface ExternalIdentity {
  /** The user name as the source spells it (canonical case when the source can tell). */
  readonly username: string;
  /** The `name` of the source that vouched for this person. */
  readonly source: string;
  /** Never reused by the source for another person: the entry DN, the OIDC `sub`, the RADIUS name. */
  readonly externalId: string;
  /** The source's own group names (directory groups, RADIUS reply values, OIDC group claim). */
  readonly groups: readonly string[];
  readonly displayName?: string;
  readonly email?: string;
}

export type SourceResult =
  | { readonly outcome: 'accepted'; readonly identity: ExternalIdentity }
  | { readonly outcome: 'rejected' }
  | { readonly outcome: 'unknown' }
  | { readonly outcome: 'unavailable'; readonly reason: string };

export type SourceOutcome = SourceResult['outcome'];

export interface SourceHealth {
  readonly ok: boolean;
  /** What was checked, or why it failed; safe to log and to show an administrator. */
  readonly detail: string;
  /** Milliseconds the check took. */
  readonly latencyMs: number;
}

export interface IdentitySource {
  readonly name: string;
  readonly kind: SourceKind;
  /** Upper bound, in milliseconds, of one authenticate or health call (the `timeout` key). */
  readonly timeoutMs: number;
  authenticate(username: string, password: string): Promise<SourceResult>;
  /**
   * What the source says of a person now, without their password (`purser identity sync`):
   * accepted with the current groups, unknown when the person is gone, or unavailable. Absent
   * where the source cannot tell: RADIUS answers only logins, OIDC people are refreshed through
   * their refresh token (OidcSource.sync).
   */
  lookup?(username: string): Promise<SourceResult>;
  /** An active check that the source answers (a service bind, a Status-Server, a discovery). */
  health(): Promise<SourceHealth>;
  /** Releases connections and sockets; the source is not used afterwards. */
  close(): Promise<void>;
  /**
   * Set when the source could not be built (an unreadable secret file, in the CLI's local
   * mode): the `path: message` problems. Such a source is down from the start.
   */
  readonly unusable?: readonly string[];
}

export const REJECTED: SourceResult = Object.freeze({ outcome: 'rejected' });
export const UNKNOWN: SourceResult = Object.freeze({ outcome: 'unknown' });

export function accepted(identity: ExternalIdentity): SourceResult {
  return Object.freeze({ outcome: 'accepted', identity: Object.freeze({ ...identity }) });
}

export function unavailable(reason: string): SourceResult {
  return Object.freeze({ outcome: 'unavailable', reason });
}

/**
 * Removes every occurrence of the given secrets from a message, for reasons built from a
 * library's error text (defence in depth: no library we use puts a password in its messages).
 */
export function redact(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of secrets) {
    if (secret.length >= 3) out = out.split(secret).join('[redacted]');
  }
  return out;
}

/** A short, loggable description of a thrown value (the message, or its type). */
export function describeFailure(error: unknown, secrets: readonly string[] = []): string {
  const text =
    error instanceof Error
      ? `${error.message.trim().replace(/\s*\n\s*/g, '; ') || error.name}${codeOf(error)}`
      : `unexpected ${typeof error}`;
  return redact(text, secrets);
}

function codeOf(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && !error.message.includes(code) ? ` (${code})` : '';
}
