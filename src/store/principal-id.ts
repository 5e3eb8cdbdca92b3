/** The never-reused id of a user, service or robot (tokens and refresh tokens carry it). */
import crypto from 'node:crypto';

/** 128 random bits, base64url (22 characters): a re-created namesake never gets the same one. */
export function newPrincipalId(): string {
  return crypto.randomBytes(16).toString('base64url');
}
