/**
 * The console's session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site
 * sends it), Secure when Purser is reached over TLS, Path=/ (the console and /api/v1 share it),
 * no Max-Age (the server-side record decides when it ends).
 */
import type { FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'purser_session';
export const CSRF_HEADER = 'x-purser-csrf';
/** Sent by the console on every API call. */
export const CONSOLE_HEADER = 'x-purser-console';

/** The session token from a Cookie header, if there is one. */
export function sessionToken(header: string | undefined): string | undefined {
  return cookieValue(header, SESSION_COOKIE);
}

/** Whether the client reached Purser over TLS (directly, or through a trusted proxy). */
export function overTls(request: FastifyRequest, publicUrl: string): boolean {
  return request.protocol === 'https' || publicUrl.startsWith('https:');
}

export function sessionCookie(token: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}

/** The sealed state of a console single sign-on between the redirect and the callback. */
export const SSO_COOKIE = 'purser_sso';
const SSO_PATH = '/api/v1/session/sso';

/**
 * SameSite=Lax, unlike the session cookie: the provider sends the browser back with a top-level
 * GET from its own site, and a Strict cookie would not come with it. It holds only sealed state
 * for that one callback (or the message of a failed login), scoped to the sign-on paths.
 */
export function ssoCookie(sealed: string, secure: boolean, maxAgeSeconds: number): string {
  return `${SSO_COOKIE}=${sealed}; Path=${SSO_PATH}; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

export function clearedSsoCookie(secure: boolean): string {
  return `${SSO_COOKIE}=; Path=${SSO_PATH}; HttpOnly; SameSite=Lax; Max-Age=0${secure ? '; Secure' : ''}`;
}

/** A cookie's value from a Cookie header, if there is one. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}
