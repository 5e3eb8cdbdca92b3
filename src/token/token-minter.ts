/** What minting a registry token needs and returns; /token and Purser's own calls use it. */
import type { ResourceActions } from '../domain/access.ts';

export interface IssuedToken {
  readonly token: string;
  /** Seconds. */
  readonly expiresIn: number;
  /** ISO 8601. */
  readonly issuedAt: string;
  /** True when a token signed earlier for the same grant was handed out again. */
  readonly reused?: boolean;
}

/** Mints registry tokens; used by /token and by Purser itself (discovery, tag deletion). */
export interface TokenMinter {
  issue(request: { subject: string; audience: string; access: readonly ResourceActions[] }): IssuedToken;
}
