/**
 * Cloud endpoints (token URIs, AAD authorities, registry login servers) receive secrets, so they
 * must be https; plain http is accepted on loopback only, for local endpoints and tests.
 */
import { BadRequest } from '../domain/errors.ts';

export function requireSecureUrl(text: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new BadRequest(`${what} "${text}" is not a URL`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
  throw new BadRequest(
    `${what} must use https (plain http only on loopback), got ${url.protocol}//${url.host}`,
  );
}

/** 127.0.0.0/8, ::1 and localhost (URL.hostname keeps IPv6 brackets). */
export function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    hostname === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}
